"""The report's three renderers: one HTML page, Markdown tables, JSON.

HTML and Markdown are written from the same sections (:func:`sections`: titles,
sentences and tables of French-formatted figures), so they cannot say different
things; the HTML page adds a chart before the table it draws. JSON carries the same
figures as numbers, with stable keys and ISO dates, for scripts.

The page is self-contained: its style is inline, its charts are inline SVG, it loads
no font, script or picture (it opens from a USB key or as a mail attachment), and it
prints on A4.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bailleurs_cli.formatting import (
    CHANNEL_LABELS,
    CONTRIBUTION_TEXT,
    CONVENTION_KIND_LABELS,
    CONVENTION_STATUS_LABELS,
    DEPARTEMENT_NAMES,
    NBSP,
    SITUATION_LABELS,
    STAGE_LABELS,
    date_lettre,
    enumeration,
    long_date,
    number,
    pluriel,
    short_date,
    typographie,
)
from bailleurs_cli.privacy.anonymity import Rule
from bailleurs_cli.report import svg
from bailleurs_cli.report.figures import NOT_NOTED, ActivityReport, Figures, euros, percent

#: Version of the JSON shape: bumped when a key changes meaning or goes away.
SHAPE_VERSION = 1
FORMATS = ("html", "md", "json")
#: The file each format writes, in the report's folder.
EXTENSIONS = {"html": "html", "md": "md", "json": "json"}

_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
           "nov.", "déc.")  # fmt: skip
_MONTH_NAMES = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                "septembre", "octobre", "novembre", "décembre")  # fmt: skip


# --- Sections, shared by HTML and Markdown -------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A table of the report: its caption, headers and rows, as read (French figures)."""

    caption: str
    headers: list[str]
    rows: list[list[str]]
    numeric: frozenset[int] = frozenset()  # columns aligned right
    footer: list[str] | None = None


@dataclass
class Section:
    """A part of the report: a title, sentences, a chart, tables."""

    ident: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    chart: svg.Chart | None = None
    notes: list[str] = field(default_factory=list)  # after the tables, in smaller print


def _landlords(count: int) -> str:
    """« aucun bailleur », « 1 bailleur », « 3 bailleurs »."""
    return "aucun bailleur" if count == 0 else pluriel(count, "bailleur")


def _count(value: int | None) -> str:
    return NOT_NOTED if value is None else number(value)


def _days(value: float | None) -> str:
    if value is None:
        return NOT_NOTED
    days = round(value)
    return f"{days}{NBSP}jour" + ("s" if days > 1 else "")


def _month_label(key: str, *, short: bool) -> str:
    year, month = int(key[:4]), int(key[5:7])
    if short:
        return _MONTHS[month - 1] + (f" {str(year)[2:]}" if month == 1 else "")
    return f"{_MONTH_NAMES[month - 1]} {year}"


def _band(target: tuple[int, int]) -> str:
    low, high = target
    return percent(low) if low == high else f"{low}–{percent(high)}"


def _figure_cells(figures: Figures) -> list[str]:
    return [
        number(figures.workshops),
        number(figures.sessions),
        _count(figures.participants),
        _count(figures.tenants if figures.counted else None),
        _count(figures.families),
    ]


def _funnel(report: ActivityReport) -> Section:
    fn = report.funnel
    section = Section("etapes", "Où en sont les bailleurs")
    section.paragraphs.append(
        f"Au {date_lettre(fn.as_of)}, {pluriel(fn.total, 'bailleur')} "
        f"{'suivi' if fn.total < 2 else 'suivis'}. Le passage d'une étape à la suivante "
        "rapporte les bailleurs qui ont atteint l'étape (ou une étape plus loin, même s'ils "
        "sont en veille ou en refus depuis) à ceux qui ont atteint la précédente ; la durée "
        "médiane porte sur les séjours achevés pendant la période."
    )
    main = [row for row in fn.stages if row.reached is not None]
    section.chart = svg.funnel(
        [(row.label, row.reached or 0, percent(row.conversion) if row.conversion is not None
          else None) for row in main]
    )  # fmt: skip
    section.tables.append(
        Table(
            "Bailleurs par étape",
            [
                "Étape",
                "Bailleurs à cette étape",
                "Ont atteint l'étape ou plus loin",
                "Passage depuis l'étape précédente",
                "Durée médiane dans l'étape",
            ],
            [
                [
                    row.label,
                    number(row.now),
                    NOT_NOTED if row.reached is None else number(row.reached),
                    percent(row.conversion),
                    _days(row.median_days)
                    + (f" ({pluriel(row.stays, 'séjour')})" if row.stays else ""),
                ]
                for row in fn.stages
            ],
            frozenset({1, 2, 3}),
            ["Ensemble", number(fn.total), "", "", ""],
        )
    )
    return section


def _exchanges(report: ActivityReport) -> Section:
    ex = report.exchanges
    section = Section("echanges", "Échanges")
    if not ex.total:
        section.paragraphs.append("Aucun échange noté sur la période.")
        return section
    text = (
        f"{pluriel(ex.total, 'échange')} avec {pluriel(ex.landlords, 'bailleur')}, dont "
        f"{number(ex.first_contacts)} "
        f"{'approché' if ex.first_contacts < 2 else 'approchés'} pour la première fois."
    )
    section.paragraphs.append(text)
    if ex.moves:
        order = list(STAGE_LABELS)
        moves = sorted(
            ex.moves.items(), key=lambda item: order.index(item[0]) if item[0] in order else 99
        )
        moved = [
            f"{number(count)} à l'étape {STAGE_LABELS.get(stage, stage)}" for stage, count in moves
        ]
        first_stage, first_count = moves[0]
        verb = "est passé" if first_count < 2 else "sont passés"
        moved[0] = (
            f"{pluriel(first_count, 'bailleur')} {verb} à l'étape "
            f"{STAGE_LABELS.get(first_stage, first_stage)}"
        )
        section.paragraphs.append(f"Pendant la période, {enumeration(moved)}.")
    labels = [(c, CHANNEL_LABELS.get(c, c)) for c in ex.channels]
    section.chart = svg.stacked_months(
        [(m, _month_label(m, short=True)) for m in ex.months], labels, ex.counts
    )
    section.tables.append(
        Table(
            "Échanges par mois et par canal",
            ["Mois", *(label for _, label in labels), "Total"],
            [
                [
                    _month_label(m, short=False),
                    *(number(ex.counts.get(m, {}).get(c, 0)) for c, _ in labels),
                    number(ex.of_month(m)),
                ]
                for m in ex.months
            ],
            frozenset(range(1, len(labels) + 2)),
            [
                "Total",
                *(
                    number(sum(ex.counts.get(m, {}).get(c, 0) for m in ex.months))
                    for c, _ in labels
                ),
                number(ex.total),
            ],
        )
    )
    return section


def _followup(report: ActivityReport) -> Section:
    fu = report.followup
    section = Section("a-reprendre", "À reprendre")
    section.paragraphs.append(
        f"Au {date_lettre(report.today)} : {_landlords(fu.overdue_count)} dont la prochaine "
        f"étape est en retard, {_landlords(fu.no_step_count)} sans prochaine étape (hors "
        "bailleurs en veille ou en refus)."
    )
    texts = report.scope.rule.keeps_texts()
    headers = ["Bailleur", "Étape", *(["Prochaine étape"] if texts else []), "Échéance", "Retard"]
    if fu.overdue:
        more = fu.overdue_count - len(fu.overdue)
        section.tables.append(
            Table(
                "En retard" + (f" (les {len(fu.overdue)} plus en retard)" if more else ""),
                headers,
                [
                    [
                        report.name(row.landlord_id),
                        STAGE_LABELS.get(row.stage, row.stage),
                        *([row.action or NOT_NOTED] if texts else []),
                        short_date(row.due) if row.due else NOT_NOTED,
                        _days(row.days_late),
                    ]
                    for row in fu.overdue
                ],
                frozenset({len(headers) - 1}),
            )
        )
    if fu.no_step:
        more = fu.no_step_count - len(fu.no_step)
        section.tables.append(
            Table(
                "Sans prochaine étape" + (f" ({len(fu.no_step)} premiers)" if more else ""),
                ["Bailleur", "Étape"],
                [
                    [report.name(r.landlord_id), STAGE_LABELS.get(r.stage, r.stage)]
                    for r in fu.no_step
                ],
            )
        )
    return section


def _contribution_label(kind: str) -> str:
    return CONTRIBUTION_TEXT[kind][0] if kind in CONTRIBUTION_TEXT else kind


def _conventions(report: ActivityReport) -> Section:
    conv = report.conventions
    section = Section("conventions", "Conventions")
    if not conv.count:
        section.paragraphs.append("Aucune convention dont la période touche celle du rapport.")
        return section
    section.paragraphs.append(
        f"{pluriel(conv.count, 'convention')} dont la période touche celle du rapport. Les "
        "contributions sont valorisées comme la convention les valorise."
    )
    section.tables.append(
        Table(
            "Conventions par statut",
            ["Statut", "Conventions", "Contributions valorisées", "Montant"],
            [
                [
                    CONVENTION_STATUS_LABELS.get(r.status, r.status),
                    number(r.count),
                    euros(r.in_kind_cents),
                    euros(r.amount_cents),
                ]
                for r in conv.by_status
            ],
            frozenset({1, 2, 3}),
            [
                "Ensemble",
                number(conv.count),
                euros(sum(r.in_kind_cents for r in conv.by_status)),
                euros(sum(r.amount_cents for r in conv.by_status)),
            ],
        )
    )
    if conv.contributions:
        section.tables.append(
            Table(
                "Contributions obtenues",
                ["Contribution", "Conventions", "Valeur"],
                [
                    [_contribution_label(kind), number(n), euros(cents) if cents else NOT_NOTED]
                    for kind, (n, cents) in sorted(conv.contributions.items())
                ],
                frozenset({1, 2}),
            )
        )
    section.tables.append(
        Table(
            "Les conventions",
            ["N°", "Bailleur", "Type", "Période", "Statut", "Contributions", "Valeur", "Montant"],
            [
                [
                    item.number or NOT_NOTED,
                    report.name(item.landlord_id),
                    CONVENTION_KIND_LABELS.get(item.kind, item.kind),
                    f"{short_date(item.starts_on)} – {short_date(item.ends_on)}",
                    CONVENTION_STATUS_LABELS.get(item.status, item.status),
                    ", ".join(_contribution_label(k) for k, _ in item.contributions) or NOT_NOTED,
                    euros(item.in_kind_cents),
                    euros(item.amount_cents),
                ]
                for item in conv.items
            ],
            frozenset({6, 7}),
        )
    )
    return section


def _workshops(report: ActivityReport) -> Section:
    ws = report.workshops
    section = Section("ateliers", "Ateliers et locataires")
    if not ws.total.workshops:
        section.paragraphs.append("Aucun atelier sur la période.")
        return section
    section.paragraphs.append(
        "Les locataires sont les enfants dont la famille loue son logement au bailleur ; leur "
        "part se compte sur les ateliers où ils ont été comptés, face à la cible de chaque "
        "bailleur (15 à 30 % sauf indication contraire)."
    )
    if ws.without_results:
        section.notes.append(
            f"{pluriel(ws.without_results, 'atelier')} sans résultats notés : "
            "« bailleurs atelier resultats NUMÉRO --participants … »."
        )
    shown = [r for r in ws.by_landlord if r.figures.share is not None]
    if shown:
        section.chart = svg.shares(
            [(report.name(r.landlord_id), r.figures.share or 0.0, r.target) for r in shown]
        )
    headers = ["Ateliers", "Séances", "Participants", "Locataires", "Familles"]
    section.tables.append(
        Table(
            "Ateliers et participants par bailleur, part de ses locataires face à sa cible",
            ["Bailleur", *headers, "Part de locataires", "Cible", "Situation"],
            [
                [
                    report.name(r.landlord_id),
                    *_figure_cells(r.figures),
                    percent(r.figures.share),
                    _band(r.target),
                    SITUATION_LABELS.get(r.situation or "", "non comptée"),
                ]
                for r in ws.by_landlord
            ],
            frozenset(range(1, 7)),
            ["Ensemble", *_figure_cells(ws.total), percent(ws.total.share), "", ""],
        )
    )
    section.tables.append(
        Table(
            "Ateliers et participants par QPV",
            ["QPV", *headers],
            [
                [f"{r.name} ({r.code})" if r.code else r.name, *_figure_cells(r.figures)]
                for r in ws.by_qpv
            ],
            frozenset(range(1, 6)),
        )
    )
    return section


def _priorities(report: ActivityReport) -> Section:
    pr = report.priorities
    section = Section("priorites", "Où porter l'effort : bailleurs prioritaires jamais approchés")
    if not pr.configured:
        section.paragraphs.append(
            "Vos territoires ne sont pas réglés : « bailleurs config territoires --commune … "
            "--departement … » permet de classer les bailleurs à approcher."
        )
        return section
    if not pr.count:
        section.paragraphs.append(
            "Tous les bailleurs présents sur vos territoires ont déjà été approchés."
        )
        return section
    levels = [f"{pr.by_level[level]} de priorité {level}" for level in ("haute", "moyenne",
              "basse") if level in pr.by_level]  # fmt: skip
    section.paragraphs.append(
        f"{pluriel(pr.count, 'bailleur')} présents sur vos territoires, jamais approchés : "
        + ", ".join(levels)
        + (f" ; voici les {len(pr.rows)} premiers." if pr.count > len(pr.rows) else ".")
    )
    section.tables.append(
        Table(
            "Bailleurs à approcher, par priorité",
            ["Bailleur", "Priorité", "Pourquoi"],
            [[report.name(r.landlord_id), r.level, r.reason] for r in pr.rows],
        )
    )
    return section


def sections(report: ActivityReport) -> list[Section]:
    """The report's parts, in reading order, as HTML and Markdown show them."""
    return [
        _funnel(report),
        _exchanges(report),
        _conventions(report),
        _workshops(report),
        _followup(report),
        _priorities(report),
    ]


def title(report: ActivityReport) -> str:
    """« Rapport d'activité des Ateliers Amasco »."""
    if not report.association:
        return "Rapport d'activité"
    from bailleurs_cli.formatting import name_forms

    return f"Rapport d'activité {name_forms(report.association).de}"


def subtitle(report: ActivityReport) -> str:
    """The period, the place, the day it was made, and whether it is anonymised."""
    scope = report.scope
    where = (
        DEPARTEMENT_NAMES.get(scope.departement, scope.departement)
        if scope.departement
        else "Île-de-France"
    )
    parts = [
        scope.label[0].upper() + scope.label[1:],
        where,
        f"établi le {long_date(report.today)}",
    ]
    if scope.rule.anonymous:
        parts.append(
            "anonymisé (bailleurs numérotés, sans nom de personne"
            + (", textes libres inclus)" if scope.rule.texts else ", sans textes libres)")
        )
    return " · ".join(parts)


# --- Markdown -----------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def to_markdown(report: ActivityReport) -> str:
    """The report as Markdown: headings, sentences and tables (for a mail or a wiki)."""
    lines = [f"# {typographie(title(report))}", "", typographie(subtitle(report)), ""]
    lines += ["## En bref", ""]
    lines += [f"- {typographie(sentence)}" for sentence in report.summary] + [""]
    for section in sections(report):
        lines += [f"## {typographie(section.title)}", ""]
        for paragraph in section.paragraphs:
            lines += [typographie(paragraph), ""]
        for table in section.tables:
            lines += [f"**{typographie(table.caption)}**", ""]
            lines.append("| " + " | ".join(_md_cell(h) for h in table.headers) + " |")
            lines.append(
                "| "
                + " | ".join("---:" if i in table.numeric else "---"
                             for i in range(len(table.headers)))
                + " |"
            )  # fmt: skip
            rows = [*table.rows, *([table.footer] if table.footer else [])]
            for row in rows:
                lines.append("| " + " | ".join(_md_cell(typographie(c)) for c in row) + " |")
            lines.append("")
        for note in section.notes:
            lines += [f"*{typographie(note)}*", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


# --- HTML ---------------------------------------------------------------------------------


def to_html(report: ActivityReport) -> str:
    """The report as one self-contained HTML page."""
    from importlib import resources

    import jinja2

    source = resources.files("bailleurs_cli.report").joinpath("rapport.html.j2").read_text("utf-8")
    env = jinja2.Environment(
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )
    env.filters["fr"] = typographie
    return env.from_string(source).render(
        title=title(report),
        subtitle=subtitle(report),
        summary=report.summary,
        sections=sections(report),
        anonymous=report.scope.rule.anonymous,
        generated=short_date(report.today),
    )


# --- JSON ---------------------------------------------------------------------------------


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _figures_json(figures: Figures) -> dict[str, Any]:
    return {
        "workshops": figures.workshops,
        "sessions": figures.sessions,
        "participants": figures.participants,
        "tenants": figures.tenants if figures.counted else None,
        "families": figures.families,
        "tenant_share": _rounded(figures.share),
    }


def _euros(cents: int | None) -> float | None:
    return None if cents is None else cents / 100


def to_json(report: ActivityReport) -> dict[str, Any]:
    """The report's figures: stable keys, ISO dates, amounts in euros, percents."""
    scope, ex, conv, ws = report.scope, report.exchanges, report.conventions, report.workshops

    def who(landlord_id: int) -> dict[str, str]:
        return {"landlord": report.slug(landlord_id), "name": report.name(landlord_id)}

    return {
        "format": "bailleurs-rapport",
        "version": SHAPE_VERSION,
        "association": report.association,
        "period": {"start": _iso(scope.start), "end": _iso(scope.end), "label": scope.label},
        "departement": scope.departement,
        "made_on": _iso(report.today),
        "anonymous": scope.rule.anonymous,
        "texts": scope.rule.keeps_texts(),
        "summary": report.summary,
        "funnel": {
            "as_of": _iso(report.funnel.as_of),
            "total": report.funnel.total,
            "stages": [
                {
                    "stage": r.stage,
                    "label": r.label,
                    "landlords": r.now,
                    "reached": r.reached,
                    "conversion": _rounded(r.conversion),
                    "median_days": _rounded(r.median_days),
                    "stays": r.stays,
                }
                for r in report.funnel.stages
            ],
        },
        "exchanges": {
            "total": ex.total,
            "landlords": ex.landlords,
            "first_contacts": ex.first_contacts,
            "channels": ex.channels,
            "months": [
                {"month": m, "total": ex.of_month(m), "by_channel": ex.counts.get(m, {})}
                for m in ex.months
            ],
            "moves": ex.moves,
        },
        "followup": {
            "as_of": _iso(report.today),
            "overdue": {
                "count": report.followup.overdue_count,
                "landlords": [
                    {
                        **who(r.landlord_id),
                        "stage": r.stage,
                        "action": r.action,
                        "due": _iso(r.due),
                        "days_late": r.days_late,
                    }
                    for r in report.followup.overdue
                ],
            },
            "without_next_step": {
                "count": report.followup.no_step_count,
                "landlords": [
                    {**who(r.landlord_id), "stage": r.stage} for r in report.followup.no_step
                ],
            },
        },
        "conventions": {
            "count": conv.count,
            "by_status": [
                {
                    "status": r.status,
                    "count": r.count,
                    "in_kind_value": _euros(r.in_kind_cents),
                    "amount": _euros(r.amount_cents),
                }
                for r in conv.by_status
            ],
            "contributions": [
                {"kind": kind, "conventions": n, "value": _euros(cents)}
                for kind, (n, cents) in sorted(conv.contributions.items())
            ],
            "items": [
                {
                    "number": i.number,
                    **who(i.landlord_id),
                    "kind": i.kind,
                    "status": i.status,
                    "starts_on": _iso(i.starts_on),
                    "ends_on": _iso(i.ends_on),
                    "contributions": [{"kind": k, "value": _euros(c)} for k, c in i.contributions],
                    "in_kind_value": _euros(i.in_kind_cents),
                    "amount": _euros(i.amount_cents),
                }
                for i in conv.items
            ],
        },
        "workshops": {
            "total": _figures_json(ws.total),
            "without_results": ws.without_results,
            "by_landlord": [
                {
                    **who(r.landlord_id),
                    **_figures_json(r.figures),
                    "tenant_target": list(r.target),
                    "situation": r.situation,
                }
                for r in ws.by_landlord
            ],
            "by_qpv": [
                {"qpv": r.code, "name": r.name, **_figures_json(r.figures)} for r in ws.by_qpv
            ],
        },
        "priorities": {
            "configured": report.priorities.configured,
            "count": report.priorities.count,
            "by_level": report.priorities.by_level,
            "landlords": [
                {**who(r.landlord_id), "level": r.level, "reason": r.reason}
                for r in report.priorities.rows
            ],
        },
    }


# --- Files --------------------------------------------------------------------------------


def file_name(fmt: str, rule: Rule) -> str:
    """``rapport.html``; ``rapport-anonyme.html`` anonymised, so neither replaces the other."""
    return ("rapport-anonyme" if rule.anonymous else "rapport") + "." + EXTENSIONS[fmt]


def render(report: ActivityReport, fmt: str) -> bytes:
    """The report in ``fmt`` (html, md or json), as the bytes of its file."""
    if fmt == "json":
        import json

        return (json.dumps(to_json(report), ensure_ascii=False, indent=2) + "\n").encode()
    text = to_html(report) if fmt == "html" else to_markdown(report)
    return text.encode("utf-8")
