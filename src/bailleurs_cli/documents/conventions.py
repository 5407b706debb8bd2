"""The convention, as a document: record a partnership and write what formalises it.

:func:`create` records the partnership (through :mod:`bailleurs_cli.followup.partnerships`,
which keeps the record's rules) and builds the convention's context;
:func:`write_convention` renders it, and commits the record only once the file is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session

from bailleurs_cli import files, formatting, validation
from bailleurs_cli.dates import parse_date
from bailleurs_cli.documents import contexts, engine, kinds
from bailleurs_cli.documents.letters import check_association, landlord_block, letter_context
from bailleurs_cli.enums import Contribution, ConventionStatus, PartnershipKind
from bailleurs_cli.errors import InvalidInput, Namer
from bailleurs_cli.followup import partnerships
from bailleurs_cli.followup.landlords import resolve
from bailleurs_cli.followup.partnerships import ConventionInput, euros
from bailleurs_cli.formatting import montant, span_text
from bailleurs_cli.settings.config import Settings
from bailleurs_cli.store.core import Store
from bailleurs_cli.store.models import Landlord, Partnership

#: The default template of each kind of convention.
TEMPLATE_FOR = {
    PartnershipKind.NON_FINANCIAL.value: "convention-non-financiere",
    PartnershipKind.FINANCIAL.value: "convention-financiere",
}

DEFAULT_COVERS = "l'animation et l'encadrement des ateliers décrits à l'article 1"
DEFAULT_SCHEDULE = "70\u202f% à la signature, le solde à la remise du bilan"
DEFAULT_PIECES = "le bilan prévu à l'article 6 et un compte rendu financier des ateliers"


def create(
    session: Session,
    landlord_query: str,
    data: ConventionInput,
    *,
    settings: Settings,
    today: date,
) -> tuple[Landlord, Partnership, contexts.ConventionContext]:
    """Record a partnership and build its convention's context (nothing written yet)."""
    check_association(settings)
    landlord = resolve(session, landlord_query)
    default_kind = PartnershipKind.FINANCIAL if data.amount else PartnershipKind.NON_FINANCIAL
    kind = validation.choice(data.kind or default_kind, PartnershipKind, "partnership_kind")
    status = validation.choice(data.status or ConventionStatus.DRAFT, ConventionStatus, "status")
    contributions = partnerships.contributions(data.contributions)
    sites = [s.strip() for s in data.sites if s.strip()]
    missing: list[tuple[str, str]] = []  # (field, what follows its name)
    if kind == PartnershipKind.NON_FINANCIAL and not contributions:
        missing.append(("contributions", " (locaux, communication ou mobilisation)"))
    if kind == PartnershipKind.FINANCIAL and not data.amount:
        missing.append(("amount", ""))
    if not sites:
        missing.append(("site", ""))
    if not data.start:
        missing.append(("starts_on", ""))
    if not data.end:
        missing.append(("ends_on", ""))
    base = letter_context(
        session,
        landlord,
        settings=settings,
        template=kinds.BUILTIN[TEMPLATE_FOR[kind.value]],
        today=today,
    )
    referent_landlord = data.referent_landlord or (
        base.destinataire.nom if base.destinataire else None
    )
    if not referent_landlord:
        missing.append(
            (
                "referent_landlord",
                f" (ou un interlocuteur : bailleurs person add {landlord.slug} …)",
            )
        )
    if missing:
        lacking, who = missing, landlord.name  # plain values: named after the session ends
        raise InvalidInput(
            lambda name: (
                f"convention pour {who} : il manque "
                f"{', '.join(name(key) + more for key, more in lacking)} ; "
                "voir « bailleurs convention --help »."
            )
        )
    assert data.start is not None and data.end is not None and referent_landlord is not None
    start = parse_date(data.start, today=today, field="starts_on")
    end = parse_date(data.end, today=today, field="ends_on")
    if end < start:
        raise InvalidInput("la fin précède le début ; vérifiez les dates.", field="ends_on")
    in_kind = euros(data.value, "value") if data.value else None
    if in_kind is not None:
        _check_total(in_kind, contributions)
    if in_kind is None and any(c["cents"] for c in contributions):
        total = sum(int(c["cents"] or 0) for c in contributions)
        shown = f"le total des contributions ({montant(total / 100)})"
        in_kind = partnerships.capped(total, "contributions", shown)
    amount = euros(data.amount, "amount") if data.amount else None
    association = settings.association
    referent_association = data.referent_association or association["signataire"]
    object_text = data.object or _default_object(kind, valued=in_kind is not None)
    partnership = Partnership(
        landlord_id=landlord.id,  # type: ignore[arg-type]
        kind=kind,
        object=object_text,
        contributions=contributions,
        sites=sites,
        starts_on=start,
        ends_on=end,
        in_kind_cents=in_kind,
        amount_cents=amount,
        status=status,
        referent_association=referent_association,
        referent_landlord=referent_landlord,
        number=partnerships.next_number(session, start.year),
        previous_id=data.previous_id,
    )
    session.add(partnership)
    session.flush()
    items = [
        contexts.ContributionItem(
            code=str(c["kind"]),
            libelle=formatting.CONTRIBUTION_TEXT[str(c["kind"])][0],
            description=formatting.CONTRIBUTION_TEXT[str(c["kind"])][1],
            valeur=int(c["cents"]) / 100 if c["cents"] else None,
        )
        for c in contributions
    ]
    fields = contexts.ConventionFields(
        numero=partnership.number or f"{start.year}-{partnership.id:03d}",
        type=kind.value,
        objet=object_text,
        contributions=items,
        avec_locaux=any(c["kind"] == Contribution.PREMISES for c in contributions),
        valeur_totale=in_kind / 100 if in_kind else None,
        montant=amount / 100 if amount else None,
        couvre=(data.covers or DEFAULT_COVERS) if amount else None,
        echeancier=(data.schedule or DEFAULT_SCHEDULE) if amount else None,
        pieces=(data.pieces or DEFAULT_PIECES) if amount else None,
        sites=sites,
        debut=start,
        fin=end,
        dates=span_text(start, end),
        referent_association=referent_association,
        referent_bailleur=referent_landlord,
        signataire_bailleur=data.landlord_signatory or UNKNOWN_SIGNATORY,
        valorisation_partielle=any(c["cents"] for c in contributions)
        and not all(c["cents"] for c in contributions),
    )
    context = contexts.ConventionContext(**base.model_dump(), convention=fields)
    context.bailleur = landlord_block(landlord)
    return landlord, partnership, context


#: Where the landlord's signatory is not known yet: a line to fill in by hand, rather
#: than « son représentant dûment habilité » (D8, issue 12).
UNKNOWN_SIGNATORY = "…" * 24


def _check_total(total: int, contributions: list[dict[str, Any]]) -> None:
    """A convention's total value is the sum of its valued contributions (D3, issue 12);
    a total given for contributions none of which is valued stands on its own."""
    valued = [c for c in contributions if c["cents"]]
    summed = sum(int(c["cents"]) for c in valued)
    if not valued or summed == total:
        return
    detail = ", ".join(f"{c['kind']} : {montant(int(c['cents']) / 100)}" for c in valued)
    unvalued = [str(c["kind"]) for c in contributions if not c["cents"]]

    def fix(name: Namer) -> str:
        if unvalued:
            return f"valorisez chaque contribution ({name('contributions')} {unvalued[0]}=…)"
        return "corrigez les montants"

    raise InvalidInput(
        lambda name: (
            f"{montant(total / 100)} ne correspond pas à la somme des "
            f"contributions valorisées, {montant(summed / 100)} ({detail}) ; retirez "
            f"{name('value')} (le total sera cette somme) ou {fix(name)}."
        ),
        field="value",
    )


def _default_object(kind: PartnershipKind, *, valued: bool) -> str:
    """Article 1, in the parties' defined terms: « l'association » and « le bailleur »
    read well whatever their names (« que Les Ateliers Amasco organise », issue 12)."""
    if kind == PartnershipKind.FINANCIAL:
        return (
            "La présente convention définit la participation financière du bailleur aux "
            "ateliers éducatifs que l'association organise pendant les vacances scolaires "
            "pour les enfants de 6 à 11 ans, ainsi que les engagements de chacune des parties."
        )
    return (
        "La présente convention formalise le partenariat non financier entre l'association "
        "et le bailleur autour des ateliers éducatifs organisés pendant les vacances scolaires "
        "pour les enfants de 6 à 11 ans\u00a0: les contributions de chacun"
        + (", leur valorisation" if valued else "")
        + " et le bilan remis au bailleur."
    )


def attach_document(partnership: Partnership, path: Path) -> None:
    """Remember where the rendered convention is."""
    partnership.document = str(path)


@dataclass(frozen=True)
class WrittenConvention:
    """What ``bailleurs convention`` produced."""

    landlord: str
    number: str
    status: str
    path: Path
    pdf: Path | None


def write_convention(
    store: Store,
    landlord_query: str,
    data: ConventionInput,
    *,
    settings: Settings,
    today: date,
    template: str | None,
    out_dir: Path,
    force: bool = False,
    pdf: bool = False,
) -> WrittenConvention:
    """Record the partnership and write its convention, in one transaction.

    The record is committed only once the document is written; a failure leaves
    neither a record nor a file.
    """
    if pdf:
        engine.libreoffice()
    with store.write() as session:
        owner, record, context = create(
            session, landlord_query, data, settings=settings, today=today
        )
        name = template or TEMPLATE_FOR[record.kind]
        path = kinds.checked_template(name, "convention", settings.templates_dir)
        # The folder is made once the input and the template are known good.
        batch = engine.Batch(path, out_dir, logo=settings.logo)
        number = context.convention.numero
        target = out_dir / validation.file_name(owner.slug, f"-{name}-{number}.docx")
        files.refuse_overwrite(target, force)
        batch.write(target, context.model_dump())  # a failure rolls the record back
        attach_document(record, target)
        session.add(record)
        result = WrittenConvention(owner.name, number, record.status, target, None)
    if pdf:
        made = engine.convert_to_pdf([target], target.parent).get(target)
        if made is None:
            raise InvalidInput(
                f"la conversion de {target.name} par LibreOffice a échoué.", field="pdf"
            )
        result = WrittenConvention(result.landlord, number, result.status, target, made)
    return result
