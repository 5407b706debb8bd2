"""The document engine: find a template, render it safely, write it atomically.

Rendering uses docxtpl with a sandboxed Jinja environment, ``autoescape`` on
(with docxtpl's default, a ``&`` in a name silently drops the text after it) and
``StrictUndefined`` (a missing field is an error, not an empty string in a letter
nobody proofreads). The environment caches compiled templates by source and each
template prepared for :mod:`bailleurs_cli.documents.docx_fast`, so a bulk run opens, patches,
compiles and deflates each template once per process instead of once per document,
and makes the same documents as docxtpl.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from bailleurs_cli.documents.kinds import TemplateInfo, info_for
from bailleurs_cli.errors import InvalidInput, TemplateProblem, ToolMissing
from bailleurs_cli.files import reason, shipped
from bailleurs_cli.files import write_atomic as write_atomic  # letters and callers use it here
from bailleurs_cli.formatting import date_lettre, long_date, montant

if TYPE_CHECKING:
    from bailleurs_cli.documents.docx_fast import FastTemplate

NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class CompiledOnceEnvironment(SandboxedEnvironment):
    """Sandboxed, strict, escaping; compiles each distinct source once."""

    def __init__(self) -> None:
        super().__init__(undefined=StrictUndefined, autoescape=True)
        self.filters.update(date_lettre=date_lettre, date_longue=long_date, montant=montant)
        self._compiled: dict[str, Any] = {}
        self._prepared: dict[bytes, FastTemplate | None] = {}

    def prepared(self, template: bytes) -> FastTemplate | None:
        """``template`` prepared once for fast rendering (None: docxtpl renders it)."""
        if template not in self._prepared:
            from bailleurs_cli.documents import docx_fast

            self._prepared[template] = docx_fast.prepare(template, self)
        return self._prepared[template]

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
        """Compile ``source`` the first time, reuse it afterwards."""
        if not isinstance(source, str) or globals is not None or template_class is not None:
            return super().from_string(source, globals, template_class)
        compiled = self._compiled.get(source)
        if compiled is None:
            compiled = super().from_string(source)
            self._compiled[source] = compiled
        return compiled


def builtin_dir() -> Path:
    """Folder of the default templates (in the wheel, or the repository)."""
    return shipped("templates")


def find_template(name: str, custom_dir: Path | None) -> Path:
    """The .docx for ``name``: the user's folder first, then the defaults.

    Raises:
        InvalidInput: the name is not a template name.
        TemplateProblem: no such template.
    """
    if not NAME.match(name):
        raise InvalidInput(
            f"« {name} » n'est pas un nom de modèle (lettres minuscules, chiffres "
            "et tirets) ; voir « bailleurs templates list ».",
            field="template",
        )
    for folder in (custom_dir, builtin_dir()):
        if folder is not None and (folder / f"{name}.docx").is_file():
            return folder / f"{name}.docx"
    raise TemplateProblem(f"modèle « {name} » introuvable ; voir « bailleurs templates list ».")


def available(custom_dir: Path | None) -> list[tuple[TemplateInfo, Path]]:
    """Every template, the user's version shadowing the default one."""
    found: dict[str, Path] = {p.stem: p for p in sorted(builtin_dir().glob("*.docx"))}
    if custom_dir is not None and custom_dir.is_dir():
        found.update({p.stem: p for p in sorted(custom_dir.glob("*.docx")) if NAME.match(p.stem)})
    return [(info_for(name), path) for name, path in sorted(found.items())]


#: Filters this tool adds to Jinja's (``templates variables`` names them too).
OWN_FILTERS = ("date_lettre", "date_longue", "montant")
#: Jinja's own filters most useful in a letter, named when a filter is unknown.
JINJA_FILTERS = ("upper", "lower", "capitalize", "title", "trim", "replace", "default", "join")
#: Jinja's tests most useful in a letter, named when a test is unknown.
JINJA_TESTS = ("defined", "none", "number", "string", "even", "odd", "divisibleby", "in")

_UNCLOSED = re.compile(
    r"^Unexpected end of template\..*innermost block that needs to be closed is '(\w+)'"
)
_UNKNOWN_TAG = re.compile(
    r"^Encountered unknown tag '(\w+)'\.(?:.*innermost block that needs to be closed is '(\w+)')?"
)
_NO_FILTER = re.compile(r"^No filter named '([^']*)'")
_NO_TEST = re.compile(r"^No test named '([^']*)'")


def unknown_filter(name: str, known: Iterable[str]) -> str:
    """Why a filter is refused, with a close name and the filters a template may use."""
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
    guess = f" (vouliez-vous dire « {close[0]} » ?)" if close else ""
    return (
        f"filtre inconnu « {name} »{guess} ; filtres possibles : {', '.join(OWN_FILTERS)} et "
        f"ceux de Jinja ({', '.join(JINJA_FILTERS)}…)"
    )


def unknown_test(name: str) -> str:
    """Why a test (``is …``) is refused, with the tests a template may use."""
    return (
        f"test inconnu « {name} » ; tests possibles : {', '.join(JINJA_TESTS)} et les autres "
        "tests de Jinja"
    )


def jinja_in_french(message: str, known_filters: Iterable[str] = ()) -> str:
    """A Jinja syntax or assertion message, said in French (line numbers dropped: the
    line of a Word document's XML means nothing to whoever edits it in Word)."""
    if match := _UNCLOSED.match(message):
        tag = match[1]
        return f"bloc {{% {tag} %}} jamais refermé : il manque {{% end{tag} %}}"
    if match := _UNKNOWN_TAG.match(message):
        tag, inner = match[1], match[2]
        if inner:
            return (
                f"balise {{% {tag} %}} alors que le bloc {{% {inner} %}} n'est pas refermé : "
                f"il manque {{% end{inner} %}} avant"
            )
        if tag.startswith("end"):
            return f"balise {{% {tag} %}} sans {{% {tag[3:]} %}} ouvrant avant elle"
        if tag in {"else", "elif"}:
            return f"balise {{% {tag} %}} hors d'un bloc {{% if %}}"
        return f"balise {{% {tag} %}} inconnue"
    if match := _NO_FILTER.match(message):
        return unknown_filter(match[1], known_filters)
    if match := _NO_TEST.match(message):
        return unknown_test(match[1])
    return f"syntaxe incorrecte ({message.rstrip('.')})"


def _explain(exc: Exception, template: str, env: SandboxedEnvironment) -> TemplateProblem:
    if isinstance(exc, SecurityError):
        return TemplateProblem(f"modèle {template} : construction interdite ({exc}).")
    message = str(exc)
    if "is undefined" in message:
        name = message.split("'")[1] if "'" in message else message
        return TemplateProblem(
            f"modèle {template} : variable inconnue « {name} » ; voir « bailleurs templates "
            f"variables {Path(template).stem} »."
        )
    return TemplateProblem(
        f"modèle {template} : {jinja_in_french(message, env.filters)} ; vérifiez-le avec "
        "« bailleurs templates check »."
    )


def render_bytes(
    template: bytes,
    context: dict[str, Any],
    env: CompiledOnceEnvironment,
    *,
    template_name: str,
    logo: str | None = None,
    pictures: dict[str, tuple[bytes, int]] | None = None,
) -> bytes:
    """Render one document in memory.

    ``pictures`` maps a variable to an image (PNG bytes, width in mm) shown inline
    where the template prints it: the bilan's chart. A document with ``pictures``
    (a new image each time) is rendered by docxtpl; the others by the template
    prepared once in ``env`` (:mod:`bailleurs_cli.documents.docx_fast`), the same document.

    Raises:
        TemplateProblem: the template fails on this context (named, with why).
    """
    from docx.shared import Mm

    if not pictures:
        with _template_errors(template_name, env):  # opening the template fails as in docxtpl
            fast = env.prepared(template)
            if fast is not None:
                from bailleurs_cli.documents.docx_fast import Picture

                values = dict(context)
                shown = [Picture(logo, Mm(35))] if logo else []
                if shown:
                    values["association"] = {**values["association"], "logo": shown[0]}
                return fast.render(values, shown)
    return _render_docxtpl(template, context, env, template_name, logo, pictures)


def _render_docxtpl(
    template: bytes,
    context: dict[str, Any],
    env: CompiledOnceEnvironment,
    template_name: str,
    logo: str | None,
    pictures: dict[str, tuple[bytes, int]] | None,
) -> bytes:
    """:func:`render_bytes` through docxtpl: a new ``DocxTemplate`` per document."""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    document = DocxTemplate(BytesIO(template))
    values = dict(context)
    if logo:
        values["association"] = {
            **values["association"],
            "logo": InlineImage(document, logo, width=Mm(35)),
        }
    for key, (data, width) in (pictures or {}).items():
        values[key] = InlineImage(document, BytesIO(data), width=Mm(width))
    with _template_errors(template_name, env):
        document.render(values, jinja_env=env, autoescape=True)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@contextmanager
def _template_errors(template_name: str, env: CompiledOnceEnvironment) -> Iterator[None]:
    """A template failing on a context, said in one French line."""
    try:
        yield
    except (TemplateError, SecurityError) as exc:
        raise _explain(exc, template_name, env) from None
    except (TypeError, ValueError, ArithmeticError, LookupError) as exc:
        # A template computing on the wrong kind of value ({{ bailleur.nom + 1 }}): the
        # author's mistake, said in one line; --debug still shows where it came from.
        raise TemplateProblem(
            f"modèle {template_name} : une balise n'a pas pu être remplie ({exc}) ; vérifiez "
            "les calculs et les filtres du modèle."
        ) from exc


class Batch:
    """One template for many documents (or one): LibreOffice found first when PDFs are
    asked for, the folder made, the template read and prepared once, the logo set.

    Raises (at creation):
        ToolMissing: ``pdf`` and no LibreOffice, before anything is written.
        InvalidInput: the folder cannot be made or written to.
    """

    def __init__(
        self, template: Path, out_dir: Path, *, logo: str | None, pdf: bool = False
    ) -> None:
        if pdf:
            libreoffice()  # fail before writing anything
        ensure_folder(out_dir)
        self.name = template.name
        self.template = template.read_bytes()
        self.env = CompiledOnceEnvironment()
        self.logo = logo

    def write(
        self,
        target: Path,
        context: dict[str, Any],
        pictures: dict[str, tuple[bytes, int]] | None = None,
    ) -> None:
        """Render one document and put it at ``target`` atomically."""
        data = render_bytes(
            self.template,
            context,
            self.env,
            template_name=self.name,
            logo=self.logo,
            pictures=pictures,
        )
        write_atomic(target, data)


def ensure_folder(folder: Path, field: str = "out_dir") -> None:
    """Create ``folder`` if needed and check it is writable, before any rendering.

    Raises:
        InvalidInput: the folder cannot be created or written.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInput(
            f"impossible de créer le dossier {folder} ({reason(exc)}) ; choisissez "
            "un autre dossier.",
            field=field,
        ) from None
    if not os.access(folder, os.W_OK):
        raise InvalidInput(
            f"le dossier {folder} n'est pas accessible en écriture ; choisissez-en un autre.",
            field=field,
        )


def libreoffice() -> str:
    """Path of LibreOffice's ``soffice``.

    Raises:
        ToolMissing: LibreOffice is not installed (an outside program: exit code 8).
    """
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise ToolMissing(
        lambda name: (
            "LibreOffice introuvable ; installez le paquet Debian libreoffice-writer-nogui "
            f"(sudo apt install libreoffice-writer-nogui) ou retirez {name('pdf')}."
        ),
        field="pdf",
    )


def convert_to_pdf(sources: Iterable[Path], out_dir: Path) -> dict[Path, Path | None]:
    """Convert every .docx in one LibreOffice run; map each source to its PDF (or None).

    PDFs are produced in a temporary folder and renamed into ``out_dir``, so an
    interrupted conversion never leaves a partial PDF behind.
    """
    binary = libreoffice()
    files = list(sources)
    results: dict[Path, Path | None] = dict.fromkeys(files)
    if not files:
        return results
    with (
        tempfile.TemporaryDirectory(prefix="bailleurs-lo-") as work,
        tempfile.TemporaryDirectory(dir=out_dir, prefix=".pdf-") as produced_dir,
    ):
        profile = Path(work) / "profile"
        produced = Path(produced_dir)
        command = [
            binary,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(produced),
            *(str(f) for f in files),
        ]
        subprocess.run(command, capture_output=True, check=False, timeout=600)
        for source in files:
            pdf = produced / f"{source.stem}.pdf"
            if pdf.is_file() and pdf.stat().st_size > 0:
                target = out_dir / pdf.name
                pdf.replace(target)  # same folder tree: an atomic rename
                results[source] = target
    return results


def export_templates(folder: Path, *, force: bool = False) -> list[Path]:
    """Copy the default templates into ``folder`` and point the config at it.

    Raises:
        Conflict: a template is already there (unless ``force``).
    """
    from bailleurs_cli.errors import Conflict
    from bailleurs_cli.settings import edit

    sources = sorted(builtin_dir().glob("*.docx"))
    existing = [folder / s.name for s in sources if (folder / s.name).exists()]
    if existing and not force:
        first = existing[0]
        raise Conflict(
            lambda name: (
                f"{first} existe déjà ; ajoutez {name('force')} pour remplacer les modèles "
                "exportés."
            )
        )
    ensure_folder(folder, "dossier")
    written = []
    for source in sources:
        write_atomic(folder / source.name, source.read_bytes(), fix="choisissez un autre dossier")
        written.append(folder / source.name)
    edit.set_value("modeles.dossier", str(folder))
    return written
