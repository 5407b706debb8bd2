"""The report's charts: SVG written here, inline in the page, no library and no script.

Measured before choosing (import time, Python 3.11, on the development machine):
pygal 84 ms, and its page always carries an inline ``<script>`` (its configuration)
even with ``js=[]``; matplotlib with its SVG backend 790 ms; drawsvg 98 ms; leather
56 ms, with no French number format. Three bar charts need none of them: each is a
few rectangles and labels placed here, so the output is exactly what the page needs
(French numbers, a title and a description for screen readers, colours that pass
WCAG AA) and ``rapport`` pays no import at all for it.

Every chart is a ``<svg role="img">`` with a ``<title>`` and a ``<desc>``; the page
puts the table of its figures right after it, the chart's text alternative. Colours
hold at least 3:1 against white (WCAG 1.4.11, graphical objects), stacked segments
are parted by a white line so neighbours need no contrast between them, and every
text is near-black (WCAG 1.4.3: 4.5:1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from bailleurs_cli.formatting import NNBSP, number

#: Ink of texts and axes, and the lighter grey of grid lines.
INK = "#1a1a1a"
MUTED = "#595959"
GRID = "#c8c8c8"
BAR = "#1f5f99"  # one series: 6.6:1 on white
BAND = "#e8e1c4"  # the target band, behind the bars (a background, with a dark border)
BAND_EDGE = "#7a6a1f"
#: One colour per channel, each at least 4.5:1 on white (so also usable for text).
CHANNEL_COLOURS = {
    "email": "#1f5f99",
    "telephone": "#b34a00",
    "rdv": "#2e7d32",
    "visio": "#6a3d9a",
    "courrier": "#a3123a",
    "visite": "#4d4d4d",
    "evenement": "#7a6000",
}
OTHER = "#333333"
FONT = 13


@dataclass(frozen=True)
class Chart:
    """An inline SVG and the words that describe it."""

    svg: str
    title: str
    description: str


def _open(ident: str, width: int, height: int, title: str, description: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{ident}-titre {ident}-desc" class="graphique">',
        f'<title id="{ident}-titre">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = FONT,
          fill: str = INK, bold: bool = False) -> str:  # fmt: skip
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'fill="{fill}"{weight}>{escape(text)}</text>'
    )


def _rect(x: float, y: float, w: float, h: float, fill: str, *, stroke: str | None = None,
          extra: str = "") -> str:  # fmt: skip
    line = f' stroke="{stroke}" stroke-width="1"' if stroke else ""
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" '
        f'fill="{fill}"{line}{extra}/>'
    )


def _step(top: int) -> tuple[int, int]:
    """A round step and the axis' end (at most 5 steps)."""
    top = max(top, 1)
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000):
        if -(-top // step) <= 5:
            return step, step * -(-top // step)
    step = 10 ** (len(str(top)) - 1)
    return step, step * -(-top // step)


def funnel(
    stages: Sequence[tuple[str, int, str | None]], *, ident: str = "graphique-etapes"
) -> Chart:
    """Horizontal bars, one per stage of the pipeline: the landlords that reached it,
    with the share of the previous stage's that went on (``stages``: label, count,
    conversion text or None)."""
    width, left, right, row = 720, 150, 120, 34
    height = row * len(stages) + 16
    top = max((count for _, count, _ in stages), default=0) or 1
    span = width - left - right
    title = "Entonnoir : bailleurs ayant atteint chaque étape"
    description = "; ".join(
        f"{label} : {number(count)}" + (f" ({conv} de l'étape précédente)" if conv else "")
        for label, count, conv in stages
    )
    parts = _open(ident, width, height, title, description)
    for i, (label, count, conversion) in enumerate(stages):
        y = 8 + i * row
        bar = span * count / top
        x = left + (span - bar) / 2  # centred: the funnel narrows as landlords go on
        parts.append(_text(left - 10, y + row / 2 + 4, label, anchor="end"))
        parts.append(_rect(x, y + 4, bar, row - 10, BAR))
        inside = bar > 44
        parts.append(
            _text(x + bar / 2 if inside else x + bar + 6, y + row / 2 + 4, number(count),
                  anchor="middle" if inside else "start", fill="#ffffff" if inside else INK,
                  bold=True)
        )  # fmt: skip
        if conversion:
            parts.append(_text(width - right + 10, y + row / 2 + 4, f"↓ {conversion}", fill=MUTED))
    parts.append("</svg>")
    return Chart("".join(parts), title, description)


def stacked_months(
    months: Sequence[tuple[str, str]],
    channels: Sequence[tuple[str, str]],
    counts: dict[str, dict[str, int]],
    *,
    ident: str = "graphique-echanges",
) -> Chart:
    """Columns of exchanges per month, stacked by channel, with their legend
    (``months``: key and short label; ``channels``: slug and French label)."""
    width, left, bottom, top_margin = 720, 44, 40, 38
    height = 260
    plot = height - bottom - top_margin
    totals = [sum(counts.get(key, {}).values()) for key, _ in months]
    step, axis = _step(max(totals, default=0))
    slot = (width - left - 8) / max(len(months), 1)
    bar = min(slot * 0.7, 48)
    title = "Échanges par mois et par canal"
    description = "; ".join(
        f"{label} : {number(total)}" for (_, label), total in zip(months, totals, strict=True)
    )
    parts = _open(ident, width, height, title, description)
    # Legend, on one line above the plot.
    x = float(left)
    for slug, label in channels:
        parts.append(_rect(x, 8, 14, 14, CHANNEL_COLOURS.get(slug, OTHER)))
        parts.append(_text(x + 19, 20, label))
        x += 19 + 7.5 * len(label) + 22
    base = height - bottom
    for tick in range(0, axis + 1, step):
        y = base - plot * tick / axis
        if tick:
            parts.append(
                f'<line x1="{left}" y1="{y:.1f}" x2="{width - 8}" y2="{y:.1f}" '
                f'stroke="{GRID}" stroke-width="1" stroke-dasharray="4 4"/>'
            )
        parts.append(_text(left - 6, y + 4, number(tick), anchor="end", size=11, fill=MUTED))
    parts.append(
        f'<line x1="{left}" y1="{base}" x2="{width - 8}" y2="{base}" stroke="{INK}" '
        'stroke-width="1"/>'
    )
    for i, ((key, label), total) in enumerate(zip(months, totals, strict=True)):
        centre = left + slot * (i + 0.5)
        y = float(base)
        for slug, _ in channels:
            value = counts.get(key, {}).get(slug, 0)
            if not value:
                continue
            h = plot * value / axis
            y -= h
            parts.append(
                _rect(centre - bar / 2, y, bar, h, CHANNEL_COLOURS.get(slug, OTHER),
                      stroke="#ffffff")
            )  # fmt: skip
        if total:
            parts.append(_text(centre, y - 4, number(total), anchor="middle", size=11))
        parts.append(_text(centre, base + 16, label, anchor="middle", size=11))
    parts.append("</svg>")
    return Chart("".join(parts), title, description)


def shares(
    rows: Sequence[tuple[str, float, tuple[int, int]]], *, ident: str = "graphique-locataires"
) -> Chart:
    """Horizontal bars of each landlord's tenant share, over its target band
    (``rows``: name, share in percent, target)."""
    width, left, right, row = 720, 190, 60, 30
    height = row * len(rows) + 40
    span = width - left - right
    axis = max(50, min(100, 10 * -(-int(max((s for _, s, _ in rows), default=0)) // 10)))
    title = "Part de locataires du bailleur parmi les participants, face à sa cible"
    description = "; ".join(
        f"{name} : {round(share)}{NNBSP}% (cible {low}–{high}{NNBSP}%)"
        for name, share, (low, high) in rows
    )
    parts = _open(ident, width, height, title, description)
    base = height - 24
    for tick in range(0, axis + 1, 10):
        x = left + span * tick / axis
        parts.append(
            f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{base}" stroke="{GRID}" '
            'stroke-width="1" stroke-dasharray="4 4"/>'
        )
        parts.append(_text(x, base + 16, f"{tick}{NNBSP}%", anchor="middle", size=11, fill=MUTED))
    for i, (name, share, (low, high)) in enumerate(rows):
        y = 6 + i * row
        band_x = left + span * min(low, axis) / axis
        band_w = span * (min(high, axis) - min(low, axis)) / axis
        parts.append(_rect(band_x, y, band_w, row - 6, BAND, stroke=BAND_EDGE))
        parts.append(_text(left - 10, y + row / 2 + 2, name, anchor="end"))
        bar = span * min(share, axis) / axis
        parts.append(_rect(left, y + 7, bar, row - 20, BAR))
        parts.append(_text(left + bar + 6, y + row / 2 + 2, f"{round(share)}{NNBSP}%", bold=True))
    parts.append("</svg>")
    return Chart("".join(parts), title, description)
