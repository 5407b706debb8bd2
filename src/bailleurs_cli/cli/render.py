"""Turn core objects into French text lines and ``show --json`` (no I/O here); each
entity's JSON shape is :mod:`bailleurs_cli.shapes`'s."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from bailleurs_cli import addresses, shapes
from bailleurs_cli.addresses import departements_of
from bailleurs_cli.formatting import (
    CHANNEL_LABELS,
    CONTRIBUTION_LABELS,
    CONVENTION_STATUS_LABELS,
    DIRECTION_LABELS,
    FIELD_LABELS,
    KIND_LABELS,
    MEASURE_LABELS,
    OUTCOME_LABELS,
    PARTNERSHIP_KIND_LABELS,
    SOURCE_REFS,
    lateness,
    long_date,
    number,
    short_date,
    stage_label,
)

if TYPE_CHECKING:
    from bailleurs_cli.followup.lookup import LandlordDetail
    from bailleurs_cli.store.models import Exchange, Partnership, Presence

_QUALIFIERS = {"exact": "", "plus_de": "plus de ", "environ": "environ ", "pres_de": "près de "}
_SCOPES = {
    "idf": "en Île-de-France",
    "national": "en France",
    "local": "sur son territoire",
    "non_precise": "périmètre non précisé",
}


def step_text(action: str | None, due: str | date | None) -> str:
    """``Relancer — 03/12/2026`` or ``… (à planifier)``."""
    if not action:
        return "—"
    if due is None:
        return f"{action} (à planifier)"
    day = date.fromisoformat(due) if isinstance(due, str) else due
    return f"{action} — {short_date(day)}"


def exchange_line(exchange: Exchange, person: str | None) -> str:
    """``23/11/2026 · e-mail sortant · Awa Diallo · Présentation… (positif)``."""
    parts = [
        short_date(exchange.occurred_on),
        f"{CHANNEL_LABELS.get(exchange.channel, exchange.channel)} "
        f"{DIRECTION_LABELS.get(exchange.direction, exchange.direction)}",
    ]
    if person:
        parts.append(person)
    text = " · ".join(parts) + f"\u00a0: {exchange.summary}"
    if exchange.outcome:
        text += f" ({OUTCOME_LABELS.get(exchange.outcome, exchange.outcome)})"
    return text


def dwellings_text(item: dict[str, Any]) -> str:
    """``plus de 126 200 logements (périmètre non précisé ; site du bailleur…)``."""
    prefix = _QUALIFIERS.get(item.get("qualifier", ""), "")
    scope = _SCOPES.get(item.get("scope", ""), item.get("scope", ""))
    return f"{prefix}{number(int(item['count']))} {item['unit']} ({scope} ; {item['as_of']})"


def presence_line(row: Presence) -> str:
    """``Saint-Denis (93) — 120 locaux (DGFiP…, 2024)``."""
    from bailleurs_cli.ground.geo import display

    text = display(row.commune)
    if row.qpv_code:
        text += f", QPV {row.qpv_code}"
    if row.count is not None:
        text += f" — {number(row.count)} {MEASURE_LABELS.get(row.measure, row.measure)}"
    period = f", {row.as_of}" if row.as_of else ""
    return f"{text} ({row.source}{period})"


def presence_lines(rows: list[Presence]) -> list[str]:
    """One line per place: the same commune said by several sources without a count
    (the thesis' table, and the area it names) is listed once, with every source."""
    from bailleurs_cli.ground.geo import display

    merged: dict[tuple[str, str | None], list[str]] = {}
    lines: list[str | tuple[str, str | None]] = []
    for row in rows:
        if row.count is not None:
            lines.append(presence_line(row))
            continue
        key = (row.commune, row.qpv_code)
        source = row.source + (f", {row.as_of}" if row.as_of else "")
        if key not in merged:
            merged[key] = []
            lines.append(key)
        if source not in merged[key]:
            merged[key].append(source)
    shown = []
    for line in lines:
        if isinstance(line, str):
            shown.append(line)
            continue
        commune, qpv = line
        text = display(commune) + (f", QPV {qpv}" if qpv else "")
        shown.append(f"{text} ({' ; '.join(merged[line])})")
    return shown


def detail_json(detail: LandlordDetail) -> dict[str, Any]:
    """``show --json``."""
    from bailleurs_cli.ground.priority import presence_json

    ll = detail.landlord
    return {
        **shapes.landlord_summary(ll, detail.priority),
        "priority_reason": detail.priority_reason,
        **shapes.landlord_json(ll, ("legal_category",)),
        "presence": [presence_json(p) for p in detail.presence],
        **shapes.landlord_json(ll, shapes.LANDLORD_DETAIL_KEYS),
        "next_person": detail.next_person,
        "people": [shapes.person_json(p) for p in detail.people],
        "exchanges": [shapes.exchange_json(e, name) for e, name in detail.exchanges],
        "partnerships": [shapes.partnership_summary(p) for p in detail.partnerships],
        **shapes.landlord_json(ll, ("sources",)),
    }


def detail_lines(detail: LandlordDetail, *, today: date) -> list[str]:
    """``show`` as French text."""
    ll = detail.landlord
    lines = [f"{ll.name} ({ll.slug})"]

    def fact(label: str, value: str | None) -> None:
        if value:
            lines.append(f"  {label}\u00a0: {value}")

    kind = KIND_LABELS.get(ll.kind, ll.kind)
    fact("Nature", f"{kind} — {ll.legal_form}" if ll.legal_form else kind)
    fact("SIREN", ll.siren)
    fact("Groupe", ll.group_name)
    fact("Autres noms", " ; ".join(ll.aliases))
    fact("Anciens noms", " ; ".join(ll.former_names))
    fact("Siège", addresses.one_line_of(ll))
    fact("Site", ll.website)
    fact("Départements", ", ".join(departements_of(ll)))
    fact("Communes", ", ".join(ll.communes))
    if ll.absorbed_by:
        fact(
            "Absorbé",
            f"par « {ll.absorbed_by} » : ni prochaine étape ni courrier ; "
            f"voyez bailleurs show {ll.absorbed_by}",
        )
    if ll.to_verify:
        fact("À vérifier", "identité non confirmée par SIRENE (bailleurs import sirene)")
    for item in ll.dwellings:
        fact("Parc", dwellings_text(item))
    fact("Description", ll.description)
    fact("Historique", ll.history)
    fact("Gouvernance", ll.governance)
    fact("Notes", ll.notes)
    since = f"{stage_label(ll.stage)} depuis le {long_date(ll.stage_since)}"
    if ll.stage_reason:
        since += f" ({ll.stage_reason})"
    if detail.priority is not None:
        lines.append(f"Priorité\u00a0: {detail.priority} — {detail.priority_reason}")
    places = presence_lines(detail.presence)
    if places:
        lines.append("Présence\u00a0:")
        lines.extend("  - " + place for place in places[:12])
        if len(places) > 12:
            lines.append(f"  … et {len(places) - 12} autres (show --json)")
    lines.append(f"Étape\u00a0: {since}")
    if ll.next_action:
        step = ll.next_action
        if ll.next_due:
            step += f" — {long_date(ll.next_due)} ({lateness((today - ll.next_due).days)})"
        else:
            step += " — à planifier"
        if detail.next_person:
            step += f" — avec {detail.next_person}"
        lines.append(f"Prochaine étape\u00a0: {step}")
    elif ll.absorbed_by:
        lines.append(f"Prochaine étape\u00a0: aucune (absorbé : suivez « {ll.absorbed_by} »)")
    else:
        lines.append("Prochaine étape\u00a0: aucune (dossier en pause)")
    lines.append("Interlocuteurs\u00a0:" if detail.people else "Interlocuteurs\u00a0: aucun")
    for person in detail.people:
        bits = [person.name + (f", {person.role}" if person.role else "")]
        bits += [b for b in (person.email, person.phone, person.territory) if b]
        suffix = "" if person.active else " (inactif)"
        lines.append("  - " + " — ".join(bits) + suffix)
    lines.append(
        "Derniers échanges\u00a0:" if detail.exchanges else "Derniers échanges\u00a0: aucun"
    )
    for exchange, name in detail.exchanges:
        lines.append("  - " + exchange_line(exchange, name))
    lines.append("Conventions\u00a0:" if detail.partnerships else "Conventions\u00a0: aucune")
    for partnership in detail.partnerships:
        lines.append("  - " + partnership_line(partnership))
    if ll.sources:
        lines.append("Sources\u00a0:")
        for source in ll.sources:
            ref = SOURCE_REFS.get(source["ref"], source["ref"])
            fields = ", ".join(FIELD_LABELS.get(f, f) for f in source["fields"])
            lines.append(f"  - {ref}\u00a0: {fields}")
            lines.extend(f"      {url}" for url in source.get("urls", []))
    return lines


def _euros(cents: int | None) -> str | None:
    from bailleurs_cli.formatting import montant

    return montant(cents / 100) if cents else None


def partnership_line(partnership: Partnership) -> str:
    """``non financier, brouillon : locaux, communication — 10/02/2027 → 14/02/2027 …``."""
    kinds = ", ".join(
        CONTRIBUTION_LABELS.get(c["kind"], c["kind"]) for c in partnership.contributions
    )
    number = f"n° {partnership.number}, " if partnership.number else ""
    text = f"{number}{PARTNERSHIP_KIND_LABELS.get(partnership.kind, partnership.kind)}, "
    text += CONVENTION_STATUS_LABELS.get(partnership.status, partnership.status)
    if kinds:
        text += f"\u00a0: {kinds}"
    text += f" — du {short_date(partnership.starts_on)} au {short_date(partnership.ends_on)}"
    if partnership.sites:
        text += f" — {' ; '.join(partnership.sites)}"
    for label, cents in (
        ("valorisé", partnership.in_kind_cents),
        ("montant", partnership.amount_cents),
    ):
        if cents:
            text += f" — {label} {_euros(cents)}"
    return text


def workshop_lines(held: list[tuple[Any, Any]]) -> list[str]:
    """``show``'s workshops: where, when, how many, the tenant share."""
    from bailleurs_cli.followup import workshops
    from bailleurs_cli.ground.geo import display

    if not held:
        return ["Ateliers\u00a0: aucun"]
    lines = [f"Ateliers ({len(held)})\u00a0:"]
    for workshop, landlord in held:
        when = f"{short_date(workshop.starts_on)} – {short_date(workshop.ends_on)}"
        figures = (
            f"{workshop.participants} participants, "
            + workshops.share_sentence(workshops.share(workshop), workshops.target(landlord))
            if workshop.participants is not None
            else "résultats à noter"
        )
        lines.append(
            f"  - n° {workshop.id}, {when}, {workshop.site} ({display(workshop.commune)}) : "
            f"{figures}"
        )
    return lines
