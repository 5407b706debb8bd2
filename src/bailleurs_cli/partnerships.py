"""Conventions: record a partnership and render the document that formalises it.

A convention is created as a *brouillon* partnership (kind, contributions,
sites, period, value) that ``show`` displays; ``--status`` moves it along
(envoyée, signée, échue). Non-financial contributions are the door to financial
ones (thesis, ch. IV, préconisation 3), so both kinds share one frame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from bailleurs_cli import contexts, doc_kinds, documents, files, formatting, validation
from bailleurs_cli.config import Settings
from bailleurs_cli.dates import parse_date
from bailleurs_cli.enums import Contribution, ConventionStatus, PartnershipKind
from bailleurs_cli.errors import InvalidInput, Namer, NotFound
from bailleurs_cli.formatting import montant
from bailleurs_cli.landlords import resolve
from bailleurs_cli.letters import check_association, landlord_block, letter_context
from bailleurs_cli.models import Landlord, Partnership
from bailleurs_cli.store import Store

#: The default template of each kind of convention.
TEMPLATE_FOR = {
    PartnershipKind.NON_FINANCIAL.value: "convention-non-financiere",
    PartnershipKind.FINANCIAL.value: "convention-financiere",
}

DEFAULT_COVERS = "l'animation et l'encadrement des ateliers décrits à l'article 1"
DEFAULT_SCHEDULE = "70\u202f% à la signature, le solde à la remise du bilan"
DEFAULT_PIECES = "le bilan prévu à l'article 6 et un compte rendu financier des ateliers"


@dataclass
class ConventionInput:
    """A convention as typed at the terminal."""

    kind: str | None = None
    contributions: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    start: str | None = None
    end: str | None = None
    value: str | None = None
    amount: str | None = None
    covers: str | None = None
    schedule: str | None = None
    pieces: str | None = None
    object: str | None = None
    referent_association: str | None = None
    referent_landlord: str | None = None
    landlord_signatory: str | None = None
    status: str | None = None
    previous_id: int | None = None  # set by renew(): the convention this one renews

    def only_status(self) -> bool:
        """True when the user only asks to move an existing convention's status."""
        given = [
            v
            for k, v in vars(self).items()
            if k not in ("status", "previous_id") and v not in (None, [])
        ]
        return self.status is not None and not given


#: Largest amount a convention records, in cents: 10 million euros, far above any
#: partnership of an association, and below the 2**31 cents of a PostgreSQL INTEGER
#: column (issue 13: « 9999…9 » made ``float`` infinite and ``round`` crash).
MAX_CENTS = 10_000_000_00


def euros(text: str, field: str) -> int:
    """``1200``, ``1 200,50`` or ``1200.5`` → cents (at most :data:`MAX_CENTS`); an
    error names ``field`` (``amount``, ``value``, ``contributions``)."""
    cleaned = re.sub(r"[\s\u00a0\u202f€]", "", text).replace(",", ".")
    if not re.fullmatch(r"[0-9]+(\.[0-9]{1,2})?", cleaned):
        raise InvalidInput(
            f"« {text} » n'est pas un montant en euros (exemple : 1200).", field=field
        )
    units, _, decimals = cleaned.lstrip("0").partition(".")
    # Past 4,300 digits ``int()`` refuses the text: a long number is too big anyway.
    cents = int(units or 0) * 100 + int(decimals.ljust(2, "0")) if len(units) < 12 else None
    return _capped(cents, field, f"« {text} »")


def _capped(cents: int | None, field: str, shown: str) -> int:
    """``cents`` if at most :data:`MAX_CENTS` (``None``: far too big to count)."""
    if cents is None or cents > MAX_CENTS:
        raise InvalidInput(
            f"{shown} dépasse le plafond de {montant(MAX_CENTS // 100)} ; vérifiez le montant.",
            field=field,
        )
    return cents


def _contributions(items: list[str]) -> list[dict[str, Any]]:
    parsed: list[dict[str, Any]] = []
    for item in items:
        code, _, value = item.partition("=")
        kind = validation.choice(code.strip(), Contribution, "contributions")
        parsed.append(
            {"kind": kind.value, "cents": euros(value, "contributions") if value else None}
        )
    return parsed


def next_number(session: Session, year: int) -> str:
    """The next convention number of a year, without gaps: « 2027-003 »."""
    taken = session.exec(
        select(Partnership.number).where(col(Partnership.number).like(f"{year}-%"))
    ).all()
    last = max((int(n.split("-", 1)[1]) for n in taken if n), default=0)
    return f"{year}-{last + 1:03d}"


def pick(session: Session, landlord: Landlord, number: str | None) -> Partnership:
    """The landlord's convention with this number, or its latest one.

    Raises:
        NotFound: no convention (or none with this number; the known ones are listed).
    """
    mine = list(
        session.exec(
            select(Partnership)
            .where(Partnership.landlord_id == landlord.id)
            .order_by(col(Partnership.id).desc())
        ).all()
    )
    if not mine:
        raise NotFound(
            f"aucune convention pour {landlord.name} ; créez-en une avec « bailleurs convention "
            f"{landlord.slug} --contribution … --site … --debut … --fin … »."
        )
    if number is None:
        return mine[0]
    for partnership in mine:
        if partnership.number == number.strip():
            return partnership
    known = ", ".join(p.number or "?" for p in mine)
    raise NotFound(
        f"pas de convention n° {number} pour {landlord.name} ; ses conventions : {known}.",
        field="number",
    )


def set_status(
    session: Session,
    landlord_query: str,
    status: str,
    *,
    today: date,
    number: str | None = None,
    default_delay: int = 14,
) -> tuple[Partnership, bool]:
    """Move a convention (by number, else the latest) to ``status``; a signed one makes
    its landlord a partner (the stage change is recorded). Returns the convention and
    whether the landlord changed stage."""
    from bailleurs_cli import pipeline
    from bailleurs_cli.enums import Stage

    landlord = resolve(session, landlord_query)
    target = validation.choice(status, ConventionStatus, "status")
    chosen = pick(session, landlord, number)
    chosen.status = target
    session.add(chosen)
    moved = False
    if target == ConventionStatus.SIGNED and landlord.stage != Stage.PARTNER:
        moved = pipeline.move(
            session,
            landlord,
            Stage.PARTNER,
            today=today,
            reason=f"convention n° {chosen.number} signée",
            default_delay=default_delay,
        )
    return chosen, moved


def renewal(
    session: Session, landlord_query: str, data: ConventionInput, *, number: str | None = None
) -> ConventionInput:
    """The next period's convention: the previous one's terms (contributions, sites,
    amounts, referents), with what ``data`` changes; linked to it.

    Raises:
        NotFound: no convention to renew.
        InvalidInput: no new period (--debut, --fin).
    """
    landlord = resolve(session, landlord_query)
    try:
        previous = pick(session, landlord, number)
    except NotFound:
        raise NotFound(
            f"aucune convention à renouveler pour {landlord.name} ; créez la "
            "première avec « bailleurs convention … ».",
            field="renew",
        ) from None
    if not data.start or not data.end:
        raise InvalidInput(
            lambda name: (
                f"donnez la nouvelle période avec {name('starts_on')} et {name('ends_on')}."
            ),
            field="renew",
        )

    def cents(value: int | None) -> str | None:
        return None if value is None else f"{value / 100:g}"

    contributions = data.contributions or [
        f"{c['kind']}={cents(c['cents'])}" if c.get("cents") else str(c["kind"])
        for c in previous.contributions
    ]
    return ConventionInput(
        kind=data.kind or previous.kind,
        contributions=contributions,
        sites=data.sites or list(previous.sites),
        start=data.start,
        end=data.end,
        value=data.value or (None if data.contributions else cents(previous.in_kind_cents)),
        amount=data.amount or cents(previous.amount_cents),
        covers=data.covers,
        schedule=data.schedule,
        pieces=data.pieces,
        object=data.object or previous.object,
        referent_association=data.referent_association or previous.referent_association,
        referent_landlord=data.referent_landlord or previous.referent_landlord,
        landlord_signatory=data.landlord_signatory,
        status=data.status,
        previous_id=previous.id,
    )


def bilan_delivered(
    session: Session, landlord_query: str, *, today: date, number: str | None = None
) -> Partnership:
    """Record that the bilan of a convention (``number``, else the latest signed one)
    was handed over today: the digest stops asking for it."""
    landlord = resolve(session, landlord_query)
    if number is not None:
        chosen = pick(session, landlord, number)
        chosen.bilan_on = today
        session.add(chosen)
        return chosen
    signed = session.exec(
        select(Partnership)
        .where(
            Partnership.landlord_id == landlord.id, Partnership.status == ConventionStatus.SIGNED
        )
        .order_by(col(Partnership.ends_on).desc())
    ).first()
    if signed is None:
        raise NotFound(f"aucune convention signée pour {landlord.name} ; rien à noter.")
    signed.bilan_on = today
    session.add(signed)
    return signed


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
    contributions = _contributions(data.contributions)
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
        template=doc_kinds.BUILTIN[TEMPLATE_FOR[kind.value]],
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
        in_kind = _capped(total, "contributions", shown)
    amount = euros(data.amount, "amount") if data.amount else None
    association = settings.association
    referent_association = data.referent_association or association["signataire"]
    object_text = data.object or _default_object(kind)
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
        number=next_number(session, start.year),
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


def _default_object(kind: PartnershipKind) -> str:
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
        "pour les enfants de 6 à 11 ans : les contributions de chacun, leur valorisation et "
        "le bilan remis au bailleur."
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
        documents.libreoffice()
    with store.write() as session:
        owner, record, context = create(
            session, landlord_query, data, settings=settings, today=today
        )
        name = template or TEMPLATE_FOR[record.kind]
        path = doc_kinds.checked_template(name, "convention", settings.templates_dir)
        documents.ensure_folder(out_dir)  # once the input and the template are known good
        number = context.convention.numero
        target = out_dir / validation.file_name(owner.slug, f"-{name}-{number}.docx")
        files.refuse_overwrite(target, force)
        rendered = documents.render_bytes(
            path.read_bytes(),
            context.model_dump(),
            documents.CompiledOnceEnvironment(),
            template_name=path.name,
            logo=settings.association.get("logo") or None,
        )
        files.write_atomic(target, rendered)  # a failure rolls the record back
        attach_document(record, target)
        session.add(record)
        result = WrittenConvention(owner.name, number, record.status, target, None)
    if pdf:
        made = documents.convert_to_pdf([target], target.parent).get(target)
        if made is None:
            raise InvalidInput(
                f"la conversion de {target.name} par LibreOffice a échoué.", field="pdf"
            )
        result = WrittenConvention(result.landlord, number, result.status, target, made)
    return result
