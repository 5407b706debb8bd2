"""Bulk .docx rendering: a template prepared once per process, then per document only
the parts that change are rendered and the zip is written around copied bytes.

docxtpl, for every document, opens the package with python-docx (parsing each XML
part, the 790 KB of styles included), patches the XML around the Jinja tags, compiles
it, renders it, then serialises and deflates every part again: about 33 ms a letter,
of which the Jinja rendering proper is a tenth of a millisecond.

A :class:`FastTemplate` does, once, everything that does not depend on the document:
it opens the package, patches the body, headers and footers with docxtpl's own
``patch_xml`` (tags split across runs by Word are joined there) and serialises and
deflates every part that rendering leaves alone. Per document it then runs what
docxtpl runs on the parts that change — the same sandboxed, escaping, strict Jinja
environment, docxtpl's ``resolve_listing``, ``fix_tables`` and picture ids, python-docx's
serialisation — and writes the zip: the changed members deflated, the others copied
as bytes, in python-docx's order and with its headers.

The result is the document docxtpl's ``render`` then ``save`` makes, byte for byte
apart from the zip timestamps (which differ between two docxtpl runs as well):
``tests/test_fast_render.py`` checks it on every template. A picture printed by the
template (the association's logo) is supported: the package that holds it is built
once per process, the first time a document prints it. What this module does not
reproduce is left to docxtpl by :func:`prepare` returning ``None``: another docxtpl
version than the one verified, a template without core properties (python-docx would
stamp them with the time), or footnotes holding Jinja tags.
"""

from __future__ import annotations

import re
import struct
import sys
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from jinja2 import Environment

#: docxtpl versions whose ``render`` this module has been checked against.
VERIFIED_DOCXTPL = ("0.20",)
#: The core properties docxtpl renders through Jinja (``DocxTemplate.render_properties``).
CORE_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
_FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
_PARAGRAPH = re.compile(r"<w:p([ >])")
_PARAGRAPH_BACK = re.compile(r"\n<w:p([ >])")
_MAIN = "main"  # the key of the main document part (headers and footers: their rId)
#: What docxtpl's ``resolve_listing`` turns into breaks, tabs and new paragraphs.
_LISTING = ("\n", "\t", "\a", "\f")


# -- zip -------------------------------------------------------------------------------
# The members are laid out as CPython's zipfile writes them for python-docx
# (``ZipFile(mode="w", compression=ZIP_DEFLATED).writestr(name, blob)`` on a seekable
# file): local header with sizes and CRC, deflate at the default level, version 2.0,
# mode 0600, then the central directory and the end record.

_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_SYSTEM = 0 if sys.platform == "win32" else 3
_VERSION = 20
_DEFLATED = 8
_UTF8 = 0x800
_MODE = 0o600 << 16


@dataclass(frozen=True)
class Member:
    """One zip member, already deflated."""

    name: bytes
    flags: int
    crc: int
    size: int
    data: bytes


def deflate(name: str, raw: bytes) -> Member:
    """Deflate ``raw`` as zipfile does (raw deflate, default level, one write)."""
    try:
        encoded, flags = name.encode("ascii"), 0
    except UnicodeEncodeError:
        encoded, flags = name.encode("utf-8"), _UTF8
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    data = compressor.compress(raw) + compressor.flush()
    return Member(encoded, flags, zlib.crc32(raw), len(raw), data)


def write_zip(members: Iterable[Member], when: time.struct_time | None = None) -> bytes:
    """The zip archive of ``members`` in order, all stamped ``when`` (local time now)."""
    moment = when or time.localtime(time.time())
    day = (moment.tm_year - 1980) << 9 | moment.tm_mon << 5 | moment.tm_mday
    clock = moment.tm_hour << 11 | moment.tm_min << 5 | moment.tm_sec // 2
    out = bytearray()
    directory = bytearray()
    count = 0
    for m in members:
        offset = len(out)
        out += _LOCAL.pack(
            b"PK\x03\x04", _VERSION, 0, m.flags, _DEFLATED, clock, day, m.crc,
            len(m.data), m.size, len(m.name), 0,
        )  # fmt: skip
        out += m.name
        out += m.data
        directory += _CENTRAL.pack(
            b"PK\x01\x02", _VERSION, _SYSTEM, _VERSION, 0, m.flags, _DEFLATED, clock, day,
            m.crc, len(m.data), m.size, len(m.name), 0, 0, 0, 0, _MODE, offset,
        )  # fmt: skip
        directory += m.name
        count += 1
    start = len(out)
    out += directory
    out += _END.pack(b"PK\x05\x06", 0, 0, count, count, len(directory), start, 0)
    return bytes(out)


# -- pictures --------------------------------------------------------------------------


class Picture:
    """An image printed by the template (``{{ association.logo }}``): docxtpl's
    ``InlineImage`` for the fast path. ``descriptor`` is a file path: the same picture
    in every document of a run, whose package is built once."""

    def __init__(self, descriptor: str, width: int | None = None, height: int | None = None):
        self.descriptor = descriptor
        self.width = width
        self.height = height
        self._printer: Callable[[Picture], str] | None = None

    @property
    def key(self) -> tuple[str, int | None, int | None]:
        return (self.descriptor, self.width, self.height)

    def __html__(self) -> str:
        if self._printer is None:
            raise RuntimeError("picture printed outside of a rendering")
        return self._printer(self)

    __str__ = __html__


#: One use of a picture: in which part (``main`` or a header's rId), which picture.
Use = tuple[str, tuple[str, int | None, int | None]]


@dataclass
class _Layout:
    """The members of one package shape, in order: deflated bytes, or the name of a
    part rendered per document."""

    members: list[Member | str]


@dataclass(frozen=True)
class _Story:
    """A header or footer docxtpl renders: its rId, part name, content type, source."""

    rid: str
    partname: str
    content_type: str
    encoding: str
    source: str


# -- the template ----------------------------------------------------------------------


def prepare(template: bytes, env: Environment) -> FastTemplate | None:
    """``template`` ready to render many documents, or None when only docxtpl can."""
    import docxtpl

    if not docxtpl.__version__.startswith(tuple(v + "." for v in VERIFIED_DOCXTPL)):
        return None
    fast = FastTemplate(template, env)
    return fast if fast.supported else None


class FastTemplate:
    """A .docx template prepared once: render it with :meth:`render`."""

    def __init__(self, template: bytes, env: Environment) -> None:
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.opc.part import XmlPart
        from docx.oxml.ns import nsmap
        from docxtpl import DocxTemplate
        from lxml import etree  # type: ignore[import-untyped]

        self.template = template
        self.env = env
        self.supported = True
        self._tpl = DocxTemplate(BytesIO(template))
        self._tpl.init_docx()
        document = self._tpl.docx
        main = document.part
        # The body, patched once; its root is kept and gets each document's body.
        self._root = main.element
        self._body = self._root.body
        self._body_source = self._paragraphs(self._tpl.patch_xml(self._tpl.get_xml()))
        # Headers then footers, as docxtpl renders them.
        self._stories: list[_Story] = []
        for uri in (_HEADER, _FOOTER):
            for rid, part in self._tpl.get_headers_footers(uri):
                xml = self._tpl.get_part_xml(part)
                self._stories.append(
                    _Story(
                        rid, str(part.partname), part.content_type,
                        self._tpl.get_headers_footers_encoding(xml),
                        self._paragraphs(self._tpl.patch_xml(xml)),
                    )
                )  # fmt: skip
        self._story_names = {story.partname for story in self._stories}
        # Core properties: rendered once when none holds a tag.
        package = main.package
        try:
            core_part = package.part_related_by(RT.CORE_PROPERTIES)
        except KeyError:
            self.supported = False  # python-docx would make them, stamped with the time
            return
        self._core_name = str(core_part.partname)
        initial = {name: getattr(document.core_properties, name) for name in CORE_PROPERTIES}
        self._core_sources = initial if any("{" in v for v in initial.values()) else None
        self._core_values = (
            None
            if self._core_sources is not None
            else {name: self._render_text(value, {}) for name, value in initial.items()}
        )
        # Footnotes: without tags, docxtpl's rendering of them does not depend on the
        # document (it runs once per section: the result must be a fixed point).
        self._footnotes: dict[str, tuple[bytes, bytes]] = {}
        for part in package.parts:
            if part.content_type != _FOOTNOTES:
                continue
            if isinstance(part, XmlPart):  # a python-docx that parses footnotes: unverified
                self.supported = False
                return
            original = part.blob
            text = original.decode("utf-8")
            once = "{" if "{" in text else self._render_footnotes(text)
            if "{" in once or self._render_footnotes(once) != once:
                self.supported = False
                return
            self._footnotes[str(part.partname)] = (original, once.encode("utf-8"))
        self._pictures_in = etree.XPath("//wp:docPr", namespaces=nsmap)  # docxtpl's fix_docpr_ids
        self._layouts: dict[tuple[Use, ...], _Layout] = {}
        self._snippets: dict[tuple[tuple[Use, ...], Use], str] = {}

    # -- helpers mirroring DocxTemplate.render_xml_part ---------------------------------

    @staticmethod
    def _paragraphs(xml: str) -> str:
        return _PARAGRAPH.sub(r"\n<w:p\1", xml)

    def _render_source(self, source: str, context: dict[str, Any]) -> str:
        xml = self.env.from_string(source).render(context)
        xml = _PARAGRAPH_BACK.sub(r"<w:p\1", xml)
        xml = (
            xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        )
        if not any(char in xml for char in _LISTING):
            return xml  # resolve_listing only rewrites these characters: nothing to do
        result: str = self._tpl.resolve_listing(xml)
        return result

    def _render_text(self, text: str, context: dict[str, Any]) -> str:
        result: str = self.env.from_string(text).render(context)
        return result

    def _render_footnotes(self, text: str) -> str:
        return self._render_source(self._paragraphs(self._tpl.patch_xml(text)), {})

    # -- the package shapes -------------------------------------------------------------

    def _replay(self, uses: tuple[Use, ...]) -> tuple[Any, dict[Use, str]]:
        """A fresh package with the pictures of ``uses`` added as docxtpl adds them;
        and the XML docxtpl prints for each use."""
        from docx import Document
        from docxtpl.inline_image import InlineImage

        if not uses:  # the package as opened: that of the template prepared
            return self._tpl.docx, {}
        document = Document(BytesIO(self.template))
        main = document.part
        snippets: dict[Use, str] = {}
        holder = _Holder()
        for use in uses:
            where, (descriptor, width, height) = use
            holder.current_rendering_part = main if where == _MAIN else main.rels[where].target_part
            snippets[use] = str(InlineImage(holder, descriptor, width, height))
        return document, snippets

    def _snippet(self, before: tuple[Use, ...], use: Use) -> str:
        """The XML of a picture printed after the pictures ``before`` (once per shape)."""
        found = self._snippets.get((before, use))
        if found is None:
            _, snippets = self._replay((*before, use))
            found = self._snippets[(before, use)] = snippets[use]
        return found

    def _layout(self, uses: tuple[Use, ...]) -> _Layout:
        """The members of the package printing ``uses`` (built once per process)."""
        found = self._layouts.get(uses)
        if found is not None:
            return found
        from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
        from docx.opc.pkgwriter import _ContentTypesItem

        document, _ = self._replay(uses)
        if self._core_values is not None:
            for name, value in self._core_values.items():
                setattr(document.core_properties, name, value)
        package = document.part.package
        parts = list(package.iter_parts())
        types = _ContentTypesItem.from_parts(parts)  # type: ignore[no-untyped-call]
        members: list[Member | str] = [
            deflate(CONTENT_TYPES_URI.membername, types.blob),
            deflate(PACKAGE_URI.rels_uri.membername, package.rels.xml),
        ]
        main = document.part
        for part in parts:
            name = str(part.partname)
            if (
                part is main
                or name in self._story_names
                or name in self._footnotes
                or (name == self._core_name and self._core_sources is not None)
            ):
                members.append(name)
            else:
                members.append(deflate(part.partname.membername, part.blob))
            if len(part.rels):
                members.append(deflate(part.partname.rels_uri.membername, part.rels.xml))
        layout = self._layouts[uses] = _Layout(members)
        return layout

    # -- one document -------------------------------------------------------------------

    def render(self, context: dict[str, Any], pictures: Iterable[Picture] = ()) -> bytes:
        """The .docx of ``context``: what ``DocxTemplate.render`` then ``save`` make.

        ``pictures``: the :class:`Picture` objects ``context`` holds (docxtpl's
        ``InlineImage``). Raises what docxtpl's rendering raises (Jinja's errors first
        of all), in the same order.
        """
        from docx.opc.oxml import serialize_part_xml
        from docx.opc.packuri import PackURI
        from docx.opc.part import XmlPart

        package = self._tpl.docx.part.package
        uses: list[Use] = []
        printed: dict[Use, str] = {}
        where = _MAIN

        def print_picture(picture: Picture) -> str:
            use = (where, picture.key)
            snippet = printed.get(use)
            if snippet is None:
                snippet = printed[use] = self._snippet(tuple(uses), use)
                uses.append(use)
            return snippet

        pictures = list(pictures)
        for picture in pictures:
            picture._printer = print_picture
        try:
            rendered: dict[str, bytes] = {}
            # The body: rendered, tables fixed, picture ids renumbered from 1001.
            tree = self._tpl.fix_tables(self._render_source(self._body_source, context))
            for number, element in enumerate(self._pictures_in(tree), 1001):
                element.attrib["id"] = str(number)
            self._root.replace(self._body, tree)
            self._body = tree
            rendered[str(self._tpl.docx.part.partname)] = serialize_part_xml(self._root)
            for story in self._stories:
                where = story.rid
                xml = self._render_source(story.source, context).encode(story.encoding)
                part = XmlPart.load(PackURI(story.partname), story.content_type, xml, package)
                rendered[story.partname] = part.blob
            if self._core_sources is not None:
                core = self._tpl.docx.core_properties
                for name, source in self._core_sources.items():
                    setattr(core, name, self._render_text(source, context))
                rendered[self._core_name] = serialize_part_xml(core._element)
            if self._footnotes:
                sections = len(self._root.sectPr_lst)
                for name, (original, once) in self._footnotes.items():
                    rendered[name] = once if sections else original
        finally:
            for picture in pictures:
                picture._printer = None
        layout = self._layout(tuple(uses))
        return write_zip(
            (m if isinstance(m, Member) else deflate(m.lstrip("/"), rendered[m]))
            for m in layout.members
        )


class _Holder:
    """What docxtpl's ``InlineImage`` needs of its template: the part being rendered."""

    current_rendering_part: Any = None
