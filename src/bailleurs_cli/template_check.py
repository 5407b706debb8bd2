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

from jinja2 import TemplateSyntaxError, nodes

from bailleurs_cli import contexts, documents

SMART = "“”„‘’‚«»"
_TAG = re.compile(r"({{.*?}}|{%.*?%})")
_MANGLED = re.compile(r"{\s+{|}\s+}|{\s+%|%\s+}")
_FORBIDDEN = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends, nodes.Macro)


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


def _allowed(kind: str) -> dict[str, set[str] | None]:
    model = contexts.ConventionContext if kind == "convention" else contexts.LetterContext
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
    kind = kind or documents.info_for(path.stem).kind
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
    env = documents.CompiledOnceEnvironment()
    xml = template.patch_xml(template.get_xml())
    try:
        tree = env.parse(xml)
    except TemplateSyntaxError as exc:
        lines = xml.splitlines()
        around = re.sub(r"<[^>]+>", "", " ".join(lines[max(exc.lineno - 2, 0) : exc.lineno + 1]))
        return [Finding(f"près de {_excerpt(around)}", f"syntaxe du modèle : {exc.message}")]
    for node in tree.find_all(_FORBIDDEN):
        findings.append(
            Finding(
                f"ligne {node.lineno}", "construction interdite (include, import, extends, macro)"
            )
        )
    allowed = _allowed(kind)
    loop_names = {n.name for f in tree.find_all(nodes.For) for n in f.target.find_all(nodes.Name)}
    for getattr_node in tree.find_all(nodes.Getattr):
        if getattr_node.attr.startswith("_"):
            findings.append(
                Finding(
                    f"ligne {getattr_node.lineno}", f"attribut interdit « {getattr_node.attr} »"
                )
            )
        target = getattr_node.node
        if isinstance(target, nodes.Name) and target.name in allowed:
            fields = allowed[target.name]
            if fields is not None and getattr_node.attr not in fields:
                findings.append(
                    Finding(
                        f"ligne {getattr_node.lineno}",
                        f"variable inconnue « {target.name}.{getattr_node.attr} » ; voir "
                        f"« bailleurs templates variables {path.stem} »",
                    )
                )
    from jinja2 import meta

    for name in sorted(meta.find_undeclared_variables(tree) - set(allowed) - loop_names):
        findings.append(
            Finding(
                "modèle",
                f"variable inconnue « {name} » ; voir "
                f"« bailleurs templates variables {path.stem} »",
            )
        )
    for filter_node in tree.find_all(nodes.Filter):
        if filter_node.name not in env.filters:
            findings.append(
                Finding(f"ligne {filter_node.lineno}", f"filtre inconnu « {filter_node.name} »")
            )
    return findings


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
