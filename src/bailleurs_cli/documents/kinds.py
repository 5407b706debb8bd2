"""The kinds of document this tool writes, in one table.

A kind (``courrier``, ``convention``, ``bilan``, ``invitation``) says which typed
context its templates may use (``templates variables`` lists it, ``templates
check`` and every rendering command check a template against it), which function
builds that context from the store, which command renders it, and which templates
ship with it. Everything else reads this table: the catalogue
(:func:`bailleurs_cli.documents.engine.available`), the checks
(:mod:`bailleurs_cli.documents.template_check`) and the commands.

Shipping one more template of a known kind is one row here, its function in
``templates/make_templates.py`` and its line in the ``force-include`` table of
``pyproject.toml`` (``tests/test_documents.py`` checks the three agree). A new kind
adds a :class:`DocKind` here, its context model in :mod:`bailleurs_cli.documents.contexts`,
its builder and its command.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from bailleurs_cli.documents import contexts
from bailleurs_cli.errors import InvalidInput
from bailleurs_cli.formatting import de

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path


@dataclass(frozen=True)
class TemplateInfo:
    """A template the tool knows: its name, kind and default subject."""

    name: str
    kind: str  # a key of KINDS
    title: str
    subject: str


@dataclass(frozen=True)
class DocKind:
    """One kind of document and everything that goes with it."""

    #: Its slug: the « Type » column of ``templates list``, ``templates check --type``.
    slug: str
    #: The command that renders its templates.
    command: str
    #: The documented variables of its templates (``templates variables``).
    context: type[BaseModel]
    #: ``module:function`` that builds ``context`` from the store (imported on demand).
    builder: str
    #: The templates shipped with the tool, in catalogue order.
    templates: tuple[TemplateInfo, ...]

    def build_function(self) -> Callable[..., Any]:
        """The function named by :attr:`builder`."""
        module, _, name = self.builder.partition(":")
        function: Callable[..., Any] = getattr(import_module(module), name)
        return function


def _kind(
    slug: str,
    command: str,
    context: type[BaseModel],
    builder: str,
    *templates: tuple[str, str, str],
) -> DocKind:
    shipped = tuple(TemplateInfo(name, slug, title, subject) for name, title, subject in templates)
    return DocKind(slug, command, context, builder, shipped)


#: Every kind of document, the default one (a user's template of no known kind) first.
KINDS: dict[str, DocKind] = {
    kind.slug: kind
    for kind in (
        _kind(
            "courrier",
            "bailleurs letter",
            contexts.LetterContext,
            "bailleurs_cli.documents.letters:letter_context",
            (
                "prospection",
                "Premier courrier de prospection",
                # « Objet : » comes before a subject, so it has no colon of its own (D7).
                "Proposition de partenariat autour d'ateliers éducatifs pour les enfants "
                "de vos résidences",
            ),
            (
                "relance",
                "Relance après un premier courrier resté sans réponse",
                "Notre proposition d'ateliers éducatifs pour les enfants de vos résidences",
            ),
            (
                "remerciement",
                "Remerciement après un rendez-vous ou une visite d'atelier",
                "Remerciements",
            ),
        ),
        _kind(
            "convention",
            "bailleurs convention",
            contexts.ConventionContext,
            "bailleurs_cli.documents.conventions:create",
            (
                "convention-non-financiere",
                "Convention de partenariat non financier (locaux, communication, familles)",
                "Convention de partenariat non financier",
            ),
            (
                "convention-financiere",
                "Convention de partenariat financier",
                "Convention de partenariat financier",
            ),
        ),
        _kind(
            "bilan",
            "bailleurs bilan",
            contexts.BilanContext,
            "bailleurs_cli.documents.bilan_context:build",
            (
                "bilan",
                "Bilan des ateliers remis à un bailleur partenaire (chiffres, cible, graphique)",
                "Bilan des ateliers",
            ),
        ),
        _kind(
            "invitation",
            "bailleurs rencontre",
            contexts.InvitationContext,
            "bailleurs_cli.documents.meeting:prepare",
            (
                "invitation",
                "Invitation à la rencontre annuelle des bailleurs et des associations",
                "Invitation à notre rencontre annuelle",
            ),
        ),
    )
}

#: The kind of a user's template whose name says no other (``mon-courrier.docx``).
DEFAULT_KIND = "courrier"

#: The shipped templates, by name.
BUILTIN: dict[str, TemplateInfo] = {
    template.name: template for kind in KINDS.values() for template in kind.templates
}


def info_for(name: str) -> TemplateInfo:
    """Catalogue entry of a template, default ones or a user's own.

    A user's template is of the kind its name starts with (``convention-locaux``,
    ``bilan-court``), a letter otherwise.
    """
    if name in BUILTIN:
        return BUILTIN[name]
    kind = next(
        (slug for slug in KINDS if slug != DEFAULT_KIND and name.startswith(slug)), DEFAULT_KIND
    )
    return TemplateInfo(name, kind, "Modèle personnalisé", "Partenariat avec votre organisme")


def context_for(kind: str) -> type[BaseModel]:
    """The context model of ``kind`` (a letter's for a kind this tool does not know)."""
    return KINDS.get(kind, KINDS[DEFAULT_KIND]).context


def require_kind(info: TemplateInfo, expected: str) -> None:
    """``letter`` takes letters, ``convention`` conventions, ``bilan`` bilans…

    Raises:
        InvalidInput: ``info`` is a template of another kind (the command to use named).
    """
    if info.kind != expected:
        command = KINDS[info.kind].command if info.kind in KINDS else "bailleurs letter"
        raise InvalidInput(
            f"« {info.name} » est un modèle {de(info.kind)} ; utilisez « {command} ».",
            field="template",
        )


def checked_template(name: str, kind: str, templates_dir: Path | None) -> Path:
    """The .docx of template ``name`` for a document of ``kind``, checked before any
    rendering: found (the user's folder first), of that kind, and usable. Found first:
    a name that is no template is said so, not taken for a letter's.

    Raises:
        InvalidInput: not a template name, or a template of another kind.
        TemplateProblem: no such template, or a problem in it (every one listed).
    """
    from bailleurs_cli.documents import engine, template_check

    path = engine.find_template(name, templates_dir)
    require_kind(info_for(name), kind)
    template_check.require_usable(path, kind=kind)
    return path
