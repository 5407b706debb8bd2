"""The variables of a bilan (the ``bilan`` template's context), from the store.

The figures landlords judge a project on (thesis, 3. and Annexe 2), per workshop and
for the whole period, written the French way (« 82 % », « 4,5/5 », « — » when not
noted); the tenant share said against the landlord's own target; totals of
attendance and satisfaction as means weighted by each workshop's participants, and
said so; the contributions as the convention values them; what comes next.
``--anonyme`` drops the landlord's identity and every person's name here, in the
data, so no template can print them (the rule of :mod:`bailleurs_cli.privacy.anonymity`:
the host's feedback, free text, only with ``--avec-textes``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from bailleurs_cli import formatting
from bailleurs_cli.documents import contexts, kinds
from bailleurs_cli.enums import Situation
from bailleurs_cli.followup import workshops as core
from bailleurs_cli.formatting import NNBSP, date_lettre, number, pluriel, span_text
from bailleurs_cli.settings.config import Settings
from bailleurs_cli.store.models import Landlord, Partnership, Qpv, Workshop

if TYPE_CHECKING:
    from bailleurs_cli.documents.charts import Bar

#: A convention ending this many days after the period is « soon »: its renewal is
#: proposed in the bilan (the digest proposes it 60 days before the end too).
RENEWAL_WITHIN_DAYS = 60
#: At most this many workshops planned after the period are announced.
UPCOMING = 3
WEIGHTING = "moyennes pondérées par le nombre de participants de chaque atelier"
NOT_NOTED = "—"


@dataclass(frozen=True)
class Period:
    """A bilan's period, how it reads, and how its file is named."""

    start: date
    end: date
    label: str  # « de février 2027 », « du 10 au 14 février 2027 »
    slug: str  # « 2027-02 », « convention-2027-002 »
    source: str  # the field it comes from (period, since_until), else how it was chosen


def dates_text(start: date, end: date) -> str:
    """A workshop's dates: « du 15 au 19 février 2027 », « le 15 février 2027 »."""
    return f"le {date_lettre(start)}" if start == end else span_text(start, end)


def _count(value: int | None) -> str:
    return NOT_NOTED if value is None else number(value)


def _percent(value: float | None) -> str:
    return NOT_NOTED if value is None else f"{round(value)}{NNBSP}%"


def _score(value: float | None) -> str:
    return NOT_NOTED if value is None else f"{value:.1f}".replace(".", ",") + "/5"


def _weighted(items: list[Workshop], key: str) -> float | None:
    """The mean of ``key`` weighted by participants, over workshops that have both."""
    pairs = [
        (float(getattr(w, key)), w.participants)
        for w in items
        if getattr(w, key) is not None and w.participants
    ]
    weight = sum(p for _, p in pairs)
    return sum(v * p for v, p in pairs) / weight if weight else None


def _figures(
    participants: int | None,
    tenants: int | None,
    families: int | None,
    attendance: float | None,
    children: float | None,
    parents: float | None,
    share: float | None,
    wanted: tuple[int, int],
) -> contexts.Figures:
    return contexts.Figures(
        participants=_count(participants),
        locataires=_count(tenants),
        familles=_count(families),
        assiduite=_percent(attendance),
        satisfaction_enfants=_score(children),
        satisfaction_parents=_score(parents),
        part_locataires=_percent(share),
        cible=core.share_sentence(share, wanted),
        situation=core.situation(share, wanted),
    )


def _sum(values: list[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _totals(held: list[Workshop], wanted: tuple[int, int]) -> contexts.Totals:
    noted = [w for w in held if w.participants is not None]
    counted = [w for w in noted if w.tenants is not None and w.participants]
    tenants = _sum([w.tenants for w in counted])
    counted_participants = sum(w.participants or 0 for w in counted)
    share = 100 * (tenants or 0) / counted_participants if counted_participants else None
    participants = _sum([w.participants for w in held])
    families = _sum([w.families for w in held])
    figures = _figures(
        participants,
        tenants,
        families,
        _weighted(held, "attendance"),
        _weighted(held, "satisfaction_children"),
        _weighted(held, "satisfaction_parents"),
        share,
        wanted,
    )
    inside = sum(1 for w in counted if core.situation(core.share(w), wanted) == Situation.WITHIN)
    sites = list(dict.fromkeys(w.site for w in held))
    in_brief = (
        f"{pluriel(len(held), 'atelier')} ({pluriel(sum(w.sessions for w in held), 'séance')}) "
        f"dans {pluriel(len(sites), 'structure accueillante', 'structures accueillantes')}"
    )
    resume = ""
    if participants is not None:
        resume = (
            f"{pluriel(participants, 'enfant')} {'accueilli' if participants < 2 else 'accueillis'}"
        )
        if tenants is not None:
            resume += (
                f", dont {number(tenants)} de familles locataires du bailleur ({figures.cible})"
            )
        if families is not None:
            touched = "touchée" if families < 2 else "touchées"
            resume += f" ; {pluriel(families, 'famille')} {touched}"
    in_target = "aucun atelier" if inside == 0 else pluriel(inside, "atelier")
    return contexts.Totals(
        ateliers=len(held),
        seances=sum(w.sessions for w in held),
        lieux=sites,
        chiffres=figures,
        ateliers_comptes=len(counted),
        ateliers_dans_la_cible=inside,
        dans_la_cible=f"{in_target} sur {len(counted)} dans la cible",
        en_bref=in_brief,
        resume=resume,
        sans_resultats=[w.id or 0 for w in held if w.participants is None],
    )


def _item(
    workshop: Workshop, wanted: tuple[int, int], qpv_names: dict[str, str]
) -> contexts.WorkshopItem:
    from bailleurs_cli.ground.geo import display

    value = core.share(workshop)
    return contexts.WorkshopItem(
        numero=workshop.id or 0,
        lieu=workshop.site,
        commune=display(workshop.commune),
        qpv=qpv_names.get(workshop.qpv_code or "", workshop.qpv_code),
        dates=dates_text(workshop.starts_on, workshop.ends_on),
        debut=workshop.starts_on,
        fin=workshop.ends_on,
        seances=workshop.sessions,
        theme=workshop.theme,
        animateurs=workshop.animators,
        resultats=workshop.participants is not None,
        chiffres=_figures(
            workshop.participants,
            workshop.tenants if workshop.participants is not None else None,
            workshop.families,
            workshop.attendance,
            workshop.satisfaction_children,
            workshop.satisfaction_parents,
            value,
            wanted,
        ),
    )


def renewal_of(
    session: Session, covered: Partnership, period: Period, today: date
) -> contexts.Renewal | None:
    """The renewal block when the convention ends within the period or soon after."""
    if covered.ends_on > period.end + timedelta(days=RENEWAL_WITHIN_DAYS):
        return None
    successor = session.exec(
        select(Partnership)
        .where(Partnership.previous_id == covered.id)
        .order_by(col(Partnership.id).desc())
    ).first()
    return contexts.Renewal(
        fin=covered.ends_on,
        achevee=covered.ends_on < today,
        suivante=successor.number if successor else None,
        suivante_debut=successor.starts_on if successor else None,
        suivante_fin=successor.ends_on if successor else None,
    )


def _convention(covered: Partnership, anonymous: bool) -> contexts.BilanConvention:
    items = [
        contexts.ContributionItem(
            code=str(c["kind"]),
            libelle=formatting.CONTRIBUTION_TEXT[str(c["kind"])][0],
            description=formatting.CONTRIBUTION_TEXT[str(c["kind"])][1],
            valeur=int(c["cents"]) / 100 if c.get("cents") else None,
        )
        for c in covered.contributions
        if str(c["kind"]) in formatting.CONTRIBUTION_TEXT
    ]
    return contexts.BilanConvention(
        numero=covered.number or str(covered.id),
        type=covered.kind,
        debut=covered.starts_on,
        fin=covered.ends_on,
        dates=span_text(covered.starts_on, covered.ends_on),
        contributions=items,
        valeur_totale=covered.in_kind_cents / 100 if covered.in_kind_cents else None,
        valorisation_partielle=any(i.valeur for i in items) and not all(i.valeur for i in items),
        montant=covered.amount_cents / 100 if covered.amount_cents else None,
        referent_association=None if anonymous else covered.referent_association,
        referent_bailleur=None if anonymous else covered.referent_landlord,
    )


def _next_steps(
    totals: contexts.Totals,
    share: float | None,
    wanted: tuple[int, int],
    upcoming: list[contexts.WorkshopItem],
    covered: Partnership | None,
    renewal: contexts.Renewal | None,
) -> list[str]:
    steps = [
        f"Atelier déjà prévu {item.dates} : {item.lieu} ({item.commune})." for item in upcoming
    ]
    low, high = wanted
    band = f"{low}–{high}{NNBSP}%" if low != high else f"{low}{NNBSP}%"
    if share is not None and share < low:
        steps.append(
            f"Pour rapprocher la part de ses locataires de sa cible ({band}), nous proposons au "
            "bailleur de relayer l'information auprès des familles de ses résidences "
            "(affichage, gardiens, courrier) avant les prochains ateliers."
        )
    elif share is None and totals.chiffres.participants != NOT_NOTED:
        steps.append(
            "Nous compterons aux prochains ateliers les enfants dont la famille est locataire "
            "du bailleur, pour en mesurer la part."
        )
    if covered is not None and renewal is not None:
        number_ = covered.number or str(covered.id)
        if renewal.suivante and renewal.suivante_debut and renewal.suivante_fin:
            steps.append(
                f"La convention n° {renewal.suivante} prend le relais "
                f"{span_text(renewal.suivante_debut, renewal.suivante_fin)}."
            )
        else:
            verb = "s'est achevée" if renewal.achevee else "s'achève"
            steps.append(
                f"La convention n° {number_} {verb} le {date_lettre(renewal.fin)} : nous "
                "proposons au bailleur de la renouveler pour une nouvelle période, aux mêmes "
                "conditions ou en les ajustant à la lumière de ce bilan."
            )
    if covered is None:
        # Section 7 already proposes the convention and says why: here, the next step.
        steps.append(
            "Nous adresserons au bailleur un projet de convention pour les prochains ateliers, "
            "à compléter des contributions qu'il souhaite y inscrire."
        )
    if not steps:
        steps.append(
            "Nous proposons au bailleur de poursuivre ce partenariat aux prochaines vacances "
            "scolaires."
        )
    return steps


def build(
    session: Session,
    landlord: Landlord,
    period: Period,
    held: list[Workshop],
    covered: Partnership | None,
    *,
    settings: Settings,
    today: date,
    anonymous_as: str | None = None,
    texts: bool = False,
) -> contexts.BilanContext:
    """The context of ``landlord``'s bilan over ``period`` (``held``: its workshops;
    ``covered``: the signed convention it falls under; ``anonymous_as``: « Bailleur 1 »;
    ``texts``: anonymous, keep the free texts all the same)."""
    from bailleurs_cli.documents.letters import letter_context

    wanted = core.target(landlord)
    codes = {w.qpv_code for w in held if w.qpv_code}
    qpv_names = dict(
        session.exec(select(Qpv.code, Qpv.name).where(col(Qpv.code).in_(codes))).all()
    ) if codes else {}  # fmt: skip
    base = letter_context(
        session, landlord, settings=settings, template=kinds.BUILTIN["bilan"], today=today
    )
    totals = _totals(held, wanted)
    counted = [w for w in held if w.tenants is not None and w.participants]
    share = (
        100 * sum(w.tenants or 0 for w in counted) / sum(w.participants or 0 for w in counted)
        if counted
        else None
    )
    later = session.exec(
        select(Workshop)
        .where(Workshop.landlord_id == landlord.id, col(Workshop.starts_on) > period.end)
        .order_by(col(Workshop.starts_on), col(Workshop.id))
        .limit(UPCOMING)
    ).all()
    upcoming = [_item(w, wanted, qpv_names) for w in later]
    renewal = renewal_of(session, covered, period, today) if covered is not None else None
    anonymous = anonymous_as is not None
    association = base.association
    landlord_block = base.bailleur
    if anonymous_as is not None:
        association = association.model_copy(update={"signataire": "", "signataire_titre": ""})
        landlord_block = contexts.Landlord(
            nom=anonymous_as,
            nature="bailleur social",
            forme_juridique=None,
            forme=None,
            represente="représenté(e)",
            siren=None,
            adresse=None,
            adresse_lignes=[],
            territoire=None,
            qpv=False,
            groupe=None,
        )
    low, high = wanted
    band = f"{low}{NNBSP}%" if low == high else f"{low}–{high}{NNBSP}%"
    feedback = [
        contexts.Feedback(lieu=w.site, texte=w.host_feedback)
        for w in held
        if w.host_feedback and (not anonymous or texts)
    ]
    context = contexts.BilanContext(
        association=association,
        bailleur=landlord_block,
        destinataire=None if anonymous else base.destinataire,
        anonyme=anonymous,
        date=today,
        lieu=base.lieu,
        objet=f"Bilan des ateliers {period.label}",
        periode=contexts.Period(debut=period.start, fin=period.end, libelle=period.label),
        ateliers=[_item(w, wanted, qpv_names) for w in held],
        totaux=totals,
        cible=band,
        cible_phrase=f"{low}{NNBSP}%" if low == high else f"de {low} à {high}{NNBSP}%",
        ponderation=WEIGHTING,
        visites=[
            contexts.Visit(date=w.landlord_visit, lieu=w.site) for w in held if w.landlord_visit
        ],
        retours=feedback,
        convention=_convention(covered, anonymous) if covered is not None else None,
        renouvellement=renewal,
        prochains_ateliers=upcoming,
        prochaines_etapes=_next_steps(totals, share, wanted, upcoming, covered, renewal),
        graphique=None,
        graphique_legende=(
            "Participants et, à côté, enfants de familles locataires du bailleur, par atelier. "
            f"Zone hachurée : la cible du bailleur, de {low} à {high}{NNBSP}% des participants."
            if low != high
            else "Participants et, à côté, enfants de familles locataires du bailleur, par "
            f"atelier. Trait : la cible du bailleur, {low}{NNBSP}% des participants."
        ),
    )
    return context


def bars(held: list[Workshop]) -> list[Bar]:
    """The chart's bars: the workshops whose results are noted."""
    from bailleurs_cli.documents.charts import Bar

    return [
        Bar(f"n°{NNBSP}{w.id}", w.starts_on.strftime("%d/%m"), w.participants, w.tenants)
        for w in held
        if w.participants is not None
    ]
