"""Check a template a user edited in Word, before any letter is rendered.

Word and LibreOffice turn straight quotes into « smart » ones, split or mangle
braces, and a tag may end up across two paragraphs. Each problem is reported
with where it is (body, header or footer, paragraph number, text excerpt) and
how to fix it. Variables are checked against the template's documented context.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import TemplateAssertionError, TemplateSyntaxError, nodes

from bailleurs_cli.documents import contexts, engine, kinds

SMART = "“”„‘’‚«»"
_TAG = re.compile(r"({{.*?}}|{%.*?%})")
_MANGLED = re.compile(r"{\s+{|}\s+}|{\s+%|%\s+}")
_FORBIDDEN_TAGS: dict[type[nodes.Node], str] = {
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "from",
    nodes.Extends: "extends",
    nodes.Macro: "macro",
}
_FORBIDDEN = tuple(_FORBIDDEN_TAGS)


@dataclass(frozen=True)
class Finding:
    """One problem, where it is, and the fix."""

    where: str
    problem: str

    def __str__(self) -> str:
        return f"{self.where} : {self.problem}"


def _excerpt(text: str) -> str:
    short = " ".join(text.split())
    return f"« {short[:60]}{'…' if len(short) > 60 else ''} »"


def _paragraphs(path: Path) -> list[tuple[str, str]]:
    from docx import Document

    document = Document(str(path))
    found: list[tuple[str, str]] = []
    for index, paragraph in enumerate(document.paragraphs, start=1):
        found.append((f"paragraphe {index}", paragraph.text))
    for t_index, table in enumerate(document.tables, start=1):
        for r_index, row in enumerate(table.rows, start=1):
            for c_index, cell in enumerate(row.cells, start=1):
                found.append((f"tableau {t_index}, ligne {r_index}, colonne {c_index}", cell.text))
    for section in document.sections:
        for label, part in (("en-tête", section.header), ("pied de page", section.footer)):
            for index, paragraph in enumerate(part.paragraphs, start=1):
                if paragraph.text:
                    found.append((f"{label}, paragraphe {index}", paragraph.text))
    return found


def _parts(path: Path) -> list[list[tuple[str, str]]]:
    """Each XML part docxtpl renders on its own (body, headers, footers), its paragraphs
    and table cells in document order, labelled as :func:`_paragraphs` labels them."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = Document(str(path))
    body: list[tuple[str, str]] = []
    paragraphs = tables = 0
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraphs += 1
            body.append((f"paragraphe {paragraphs}", Paragraph(child, document).text))
        elif child.tag == qn("w:tbl"):
            tables += 1
            seen: set[Any] = set()  # the cells' XML elements, kept alive while compared
            for r_index, row in enumerate(Table(child, document).rows, start=1):
                for c_index, cell in enumerate(row.cells, start=1):
                    if cell._tc in seen:  # a merged cell is listed once per column
                        continue
                    seen.add(cell._tc)
                    label = f"tableau {tables}, ligne {r_index}, colonne {c_index}"
                    body.append((label, cell.text))
    parts = [body]
    for section in document.sections:
        for label, part in (("en-tête", section.header), ("pied de page", section.footer)):
            parts.append(
                [
                    (f"{label}, paragraphe {index}", paragraph.text)
                    for index, paragraph in enumerate(part.paragraphs, start=1)
                    if paragraph.text
                ]
            )
    return parts


def _allowed(kind: str) -> dict[str, set[str] | None]:
    model = kinds.context_for(kind)
    allowed: dict[str, set[str] | None] = {}
    for name, info in model.model_fields.items():
        nested = contexts._nested_model(info.annotation)
        allowed[name] = set(nested.model_fields) if nested is not None else None
    return allowed


def check(path: Path, *, kind: str | None = None) -> list[Finding]:
    """Every problem found in ``path``; an empty list means the template is usable."""
    from docxtpl import DocxTemplate

    if not path.is_file():
        return [Finding("fichier", "introuvable ; vérifiez le chemin")]
    if not zipfile.is_zipfile(path):
        return [
            Finding("fichier", "ce n'est pas un document Word ; enregistrez-le au format .docx")
        ]
    kind = kind or kinds.info_for(path.stem).kind
    findings: list[Finding] = []
    for where, text in _paragraphs(path):
        for tag in _TAG.findall(text):
            if any(c in tag for c in SMART):
                findings.append(
                    Finding(
                        where,
                        f"guillemets typographiques dans la balise {_excerpt(tag)} ; tapez des "
                        "guillemets droits (' ou \") ou désactivez la correction automatique",
                    )
                )
        if _MANGLED.search(text):
            findings.append(
                Finding(
                    where,
                    f"accolades séparées dans {_excerpt(text)} ; écrivez {{{{ … }}}} ou "
                    "{% … %} sans espace",
                )
            )
        for opening, closing in (("{{", "}}"), ("{%", "%}")):
            if text.count(opening) != text.count(closing):
                findings.append(
                    Finding(
                        where,
                        f"balise {opening} … {closing} non refermée dans {_excerpt(text)} ; une "
                        "balise doit tenir dans un seul paragraphe",
                    )
                )
    if findings:
        return findings
    template = DocxTemplate(str(path))
    template.init_docx()
    env = engine.CompiledOnceEnvironment()
    xml = template.patch_xml(template.get_xml())
    try:
        tree = env.parse(xml)
    except TemplateSyntaxError as exc:
        return _syntax(path, exc, env)
    for node in tree.find_all(_FORBIDDEN):
        keyword = _FORBIDDEN_TAGS[type(node)]
        findings.append(
            Finding(
                _where_is(path, re.compile(rf"^{{%[-+]?\s*{keyword}\b")),
                "construction interdite (include, import, extends, macro)",
            )
        )
    allowed = _allowed(kind)
    loop_names = {n.name for f in tree.find_all(nodes.For) for n in f.target.find_all(nodes.Name)}
    for getattr_node in tree.find_all(nodes.Getattr):
        attr = getattr_node.attr
        if attr.startswith("_"):
            where = _where_is(path, re.compile(rf"\.\s*{re.escape(attr)}\b"))
            findings.append(Finding(where, f"attribut interdit « {attr} »"))
        target = getattr_node.node
        if isinstance(target, nodes.Name) and target.name in allowed:
            fields = allowed[target.name]
            if fields is not None and attr not in fields:
                dotted = rf"\b{re.escape(target.name)}\s*\.\s*{re.escape(attr)}\b"
                findings.append(
                    Finding(
                        _where_is(path, re.compile(dotted)),
                        f"variable inconnue « {target.name}.{attr} » ; voir "
                        f"« bailleurs templates variables {path.stem} »",
                    )
                )
    unknown = _unknown_filters_and_tests(path, tree, env)
    if unknown:  # Jinja cannot compile the tree to list its variables
        return findings + unknown
    from jinja2 import meta

    try:
        undeclared = meta.find_undeclared_variables(tree)
    except TemplateAssertionError as exc:
        return [*findings, Finding("modèle", engine.jinja_in_french(exc.message or ""))]
    for name in sorted(undeclared - set(allowed) - loop_names):
        findings.append(
            Finding(
                _where_is(path, re.compile(rf"(?<![\w.]){re.escape(name)}\b")),
                f"variable inconnue « {name} » ; voir "
                f"« bailleurs templates variables {path.stem} »",
            )
        )
    return findings


def _at(where: str, text: str) -> str:
    """``paragraphe 22 « Madame {{ bailleur.nom|majuscules }}, »``: where, as seen in Word."""
    return f"{where} {_excerpt(text)}"


def _where_is(path: Path, pattern: re.Pattern[str]) -> str:
    """The first paragraph with a tag matching ``pattern``, with its text."""
    for where, text in _paragraphs(path):
        if any(pattern.search(tag) for tag in _TAG.findall(text)):
            return _at(where, text)
    return "modèle"


def _unknown_filters_and_tests(
    path: Path, tree: nodes.Template, env: engine.CompiledOnceEnvironment
) -> list[Finding]:
    """Filters (``|majuscules``) and tests (``is vide``) Jinja does not know, where they are."""
    findings: list[Finding] = []
    seen: set[str] = set()
    for node in tree.find_all((nodes.Filter, nodes.Test)):
        assert isinstance(node, nodes.Filter | nodes.Test)
        if isinstance(node, nodes.Filter):
            if node.name in env.filters or f"|{node.name}" in seen:
                continue
            seen.add(f"|{node.name}")
            pattern = re.compile(rf"\|\s*{re.escape(node.name)}\b")
            why = engine.unknown_filter(node.name, env.filters)
        else:
            if node.name in env.tests or f"is {node.name}" in seen:
                continue
            seen.add(f"is {node.name}")
            pattern = re.compile(rf"\bis\s+(?:not\s+)?{re.escape(node.name)}\b")
            why = engine.unknown_test(node.name)
        findings.append(Finding(_where_is(path, pattern), why))
    return findings


_KEYWORD = re.compile(r"^{%[-+]?\s*(?:(?:p|tr|tc|r)\s+)?([a-z_]+)")
_PREFIX = re.compile(r"^{%[-+]?\s*(?:p|tr|tc|r)\s+")
_BLOCKS = {"if", "for", "with", "filter", "autoescape", "block", "macro", "call", "trans", "raw"}


def _keyword(tag: str) -> str:
    """``if`` for ``{%p if x %}``; ``set_block`` for ``{% set x %}`` (which needs an end)."""
    match = _KEYWORD.match(tag)
    keyword = match[1] if match else ""
    return "set_block" if keyword == "set" and "=" not in tag else keyword


def _syntax(
    path: Path, exc: TemplateSyntaxError, env: engine.CompiledOnceEnvironment
) -> list[Finding]:
    """Where a syntax error is, by Word paragraph, said in French.

    Jinja's line number counts lines of the document's XML, which mean nothing in
    Word (issue 13); the paragraph holding the faulty tag is found by reading the
    tags again, paragraph by paragraph.
    """
    found = _unbalanced(path) or _bad_tag(path, env)
    if found:
        return found
    return [Finding("modèle", engine.jinja_in_french(exc.message or "", env.filters))]


def _unbalanced(path: Path) -> list[Finding]:
    """A block left open, or closed without being opened, named by its paragraph."""
    stack: list[tuple[str, str, str]] = []  # keyword, opening tag, where (with its text)
    for part in _parts(path):
        for where, text in part:
            for tag in _TAG.findall(text):
                keyword = _keyword(tag)
                if stack and stack[-1][0] == "raw" and keyword != "endraw":
                    continue
                if keyword in _BLOCKS or keyword == "set_block":
                    stack.append((keyword.removesuffix("_block"), tag, _at(where, text)))
                    continue
                if keyword in {"else", "elif"}:
                    inside = {"if", "for"} if keyword == "else" else {"if"}
                    if not stack or stack[-1][0] not in inside:
                        return [
                            Finding(
                                _at(where, text),
                                f"balise {{% {keyword} %}} hors d'un bloc {{% if %}} ; "
                                "retirez-la ou ouvrez le bloc plus haut",
                            )
                        ]
                    continue
                if not keyword.startswith("end") or keyword == "end":
                    continue
                name = keyword[3:]
                if stack and stack[-1][0] == name:
                    stack.pop()
                elif stack:
                    inner, opening, at = stack[-1]
                    here = _at(where, text)
                    since = "ouvert plus tôt dans ce paragraphe" if at == here else f"du {at}"
                    return [
                        Finding(
                            here,
                            f"{{% {keyword} %}} ferme un bloc {{% {name} %}} alors que le bloc "
                            f"{{% {inner} %}} {since} n'est pas refermé ; ajoutez "
                            f"{_closing(opening, inner)} avant",
                        )
                    ]
                else:
                    return [
                        Finding(
                            _at(where, text),
                            f"balise {{% {keyword} %}} sans {{% {name} %}} avant elle ; "
                            f"retirez-la ou ouvrez le bloc plus haut",
                        )
                    ]
        if stack:
            inner, opening, at = stack[-1]
            return [
                Finding(
                    at,
                    f"bloc {{% {inner} %}} jamais refermé ; ajoutez {_closing(opening, inner)} "
                    "là où il doit finir",
                )
            ]
    return []


def _closing(opening: str, keyword: str) -> str:
    """``{%p endif %}`` for ``{%p if … %}``: the closing tag in the same docxtpl form."""
    prefix = _PREFIX.match(opening)
    return (prefix[0].rstrip() if prefix else "{%") + f" end{keyword} %}}"


def _bad_tag(path: Path, env: engine.CompiledOnceEnvironment) -> list[Finding]:
    """The first tag Jinja cannot read on its own, named by its paragraph."""
    for where, text in _paragraphs(path):
        for tag in _TAG.findall(text):
            keyword = _keyword(tag)
            source = _PREFIX.sub("{% ", tag)
            if keyword.startswith("end"):
                continue
            if keyword in {"else", "elif"}:
                source = "{% if x %}" + source + "{% endif %}"
            elif keyword in _BLOCKS or keyword == "set_block":
                source += f"{{% end{keyword.removesuffix('_block')} %}}"
            try:
                env.parse(source)
            except TemplateSyntaxError:
                return [
                    Finding(
                        _at(where, text),
                        f"syntaxe incorrecte dans la balise {_excerpt(tag)} ; vérifiez "
                        "parenthèses, guillemets et opérateurs",
                    )
                ]
    return []


def require_usable(path: Path, *, kind: str | None) -> None:
    """Raise with every problem of ``path``, before anything is rendered.

    Raises:
        TemplateProblem: the first problem, the others in ``details``.
    """
    from bailleurs_cli.errors import TemplateProblem

    problems = check(path, kind=kind or None)
    if problems:
        lines = [f"modèle {path.name}, {problem}." for problem in problems]
        raise TemplateProblem(lines[0], details=lines[1:])
