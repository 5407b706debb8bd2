"""The bilan's one chart: participants and tenants per workshop, with the target band.

Drawn with Pillow's ``ImageDraw`` (about 25 ms to import, against some 450 ms for
``matplotlib.pyplot`` and its numpy): only ``bailleurs bilan`` imports this module,
and only when it renders. The picture is a PNG that Word and LibreOffice show inline.

Readable in black and white (a bilan is often printed in grey): participants are
light bars with a black outline, the landlord's tenants dark bars beside them, and
the target band (« 15 à 30 % des participants ») is a hatched stretch of each
participants bar, so the eye compares the dark bar's top with it. Labels are French,
numbers in French format. It is drawn at twice its size and scaled down, for
smooth edges.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from bailleurs_cli.formatting import NBSP, NNBSP, number

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

#: Final size: 16 cm × 7.5 cm at 200 dpi, the width of the bilan's text block.
WIDTH_MM = 160
SIZE = (1260, 590)
DPI = 200
_SCALE = 2  # drawn at twice the size, then scaled down (anti-aliasing)

#: Grey levels: the chart is drawn in greyscale, as it is often printed.
LIGHT = 215
DARK = 55
INK = 0
GRID = 190
PAPER = 255

#: Sans-serif fonts with the French accents, looked for in this order: Liberation Sans
#: has Arial's metrics (the templates' font), DejaVu Sans is on nearly every Linux
#: (LibreOffice brings both); Arial on Windows and macOS.
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
    "/System/Library/Fonts/Supplemental/Arial.ttf",
    "/Library/Fonts/Arial.ttf",
    "C:/Windows/Fonts/arial.ttf",
)


@dataclass(frozen=True)
class Bar:
    """One workshop on the chart."""

    label: str  # « n° 12 »
    sublabel: str  # « 15/02 »
    participants: int
    tenants: int | None


def font_path() -> Path | None:
    """The first installed font of :data:`FONT_CANDIDATES` (None: none is installed)."""
    for candidate in FONT_CANDIDATES:
        path = Path(candidate)
        if path.is_file():
            return path
    return None


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from PIL import ImageFont

    path = font_path()
    if path is not None:
        return ImageFont.truetype(str(path), size)
    # Pillow's own font (Aileron) lacks the accents: text is folded to ASCII then,
    # which :func:`fallback_warning` says on stderr.
    return ImageFont.load_default(size=size)


def fallback_warning() -> str | None:
    """Why the chart's labels lose their accents on this machine, or None."""
    if font_path() is not None:
        return None
    hint = (
        "installez le paquet fonts-dejavu-core"
        if sys.platform.startswith("linux")
        else "installez la police Arial ou DejaVu Sans"
    )
    return f"aucune police avec les accents trouvée : le graphique les omet ; {hint}"


def _printable(text: str) -> str:
    """``text`` as the chosen font can draw it: French spaces kept when it has them."""
    if font_path() is not None:
        return text
    import unicodedata

    text = text.replace(NNBSP, " ").replace(NBSP, " ").replace("–", "-").replace("°", "o")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _number(label: str) -> str:
    """« 12 » for « n° 12 »: the label of a crowded chart."""
    return label.split()[-1]


def _ticks(top: int) -> tuple[int, int]:
    """A round step and the axis' end: 0, 5, 10… or 0, 10, 20…, at most 6 steps."""
    top = max(top, 1)
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000):
        if math.ceil(top / step) <= 6:
            return step, step * math.ceil(top / step)
    step = 10 ** len(str(top))
    return step, step * math.ceil(top / step)


def _hatch(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], gap: int, width: int) -> None:
    """Diagonal lines inside ``box`` (left, top, right, bottom), clipped to it."""
    left, top, right, bottom = box
    if bottom - top < 1 or right - left < 1:
        return
    start = left - (bottom - top)
    for x0 in range(start, right, gap):
        # the line from (x0, bottom) to (x0 + h, top), clipped to [left, right]
        height = bottom - top
        xa, ya = x0, bottom
        xb, yb = x0 + height, top
        if xa < left:
            ya -= left - xa
            xa = left
        if xb > right:
            yb += xb - right
            xb = right
        if xa <= xb:
            draw.line([(xa, ya), (xb, yb)], fill=INK, width=width)


def _text(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    anchor: str,
) -> None:
    draw.text(xy, _printable(text), font=font, fill=INK, anchor=anchor)


def workshop_bars(bars: list[Bar], target: tuple[int, int]) -> bytes:
    """The PNG of the chart (``target``: the tenant share expected, in percent).

    Raises:
        ValueError: no workshop to draw (the caller draws no chart then).
    """
    from PIL import Image, ImageDraw

    if not bars:
        raise ValueError("no workshop to draw")
    s = _SCALE
    width, height = SIZE[0] * s, SIZE[1] * s
    image = Image.new("L", (width, height), PAPER)
    draw = ImageDraw.Draw(image)
    many = len(bars) > 14
    font = _font(23 * s)
    small = _font((17 if many else 21) * s)

    # Legend, on one line above the plot.
    low, high = target
    band = f"{low}{NNBSP}%" if low == high else f"{low} à {high}{NNBSP}%"
    legend = [
        ("participants", "Participants"),
        ("band", f"Cible du bailleur : {band} des participants"),
        ("tenants", "Dont locataires du bailleur"),
    ]
    x = 10 * s
    y = 22 * s
    box = 26 * s
    for kind, label in legend:
        square = (x, y - box // 2, x + box, y + box // 2)
        if kind == "tenants":
            draw.rectangle(square, fill=DARK, outline=INK, width=2 * s)
        else:
            draw.rectangle(square, fill=LIGHT, outline=INK, width=2 * s)
            if kind == "band":
                _hatch(draw, square, 7 * s, s)
                draw.rectangle(square, outline=INK, width=2 * s)
        _text(draw, (x + box + 10 * s, y), label, font, "lm")
        x += box + 10 * s + int(draw.textlength(_printable(label), font=font)) + 34 * s

    # Plot area.
    left, right = 70 * s, width - 14 * s
    top, bottom = 78 * s, height - (50 if many else 74) * s
    highest = max(b.participants for b in bars)
    step, axis_top = _ticks(highest)
    span = bottom - top

    def y_of(value: float) -> int:
        return bottom - round(span * value / axis_top)

    for tick in range(0, axis_top + 1, step):
        y_tick = y_of(tick)
        if tick:
            for x_dash in range(left, right, 16 * s):
                draw.line([(x_dash, y_tick), (x_dash + 8 * s, y_tick)], fill=GRID, width=s)
        _text(draw, (left - 12 * s, y_tick), number(tick), small, "rm")
    _text(draw, (10 * s, top - 22 * s), "Enfants", small, "ls")
    draw.line([(left, bottom), (right, bottom)], fill=INK, width=2 * s)
    draw.line([(left, top - 8 * s), (left, bottom)], fill=INK, width=2 * s)

    slot = (right - left) / len(bars)
    widest = max(draw.textlength(_printable(_number(b.label)), font=small) for b in bars)
    every = max(1, math.ceil((widest + 8 * s) / slot))
    bar = max(2 * s, min(round(slot * 0.32), 90 * s))
    gap = max(s, round(bar * 0.12))
    for index, item in enumerate(bars):
        centre = left + slot * (index + 0.5)
        x_p = round(centre - gap / 2 - bar)
        x_t = round(centre + gap / 2)
        y_p = y_of(item.participants)
        draw.rectangle((x_p, y_p, x_p + bar, bottom), fill=LIGHT, outline=INK, width=2 * s)
        # The band: the stretch of the participants bar the tenants should reach.
        band_low = y_of(item.participants * low / 100)
        band_high = y_of(item.participants * high / 100)
        if item.participants and band_low - band_high >= 1:
            _hatch(draw, (x_p + 2 * s, band_high, x_p + bar - 2 * s, band_low), 9 * s, s)
            draw.line([(x_p, band_high), (x_p + bar, band_high)], fill=INK, width=2 * s)
            draw.line([(x_p, band_low), (x_p + bar, band_low)], fill=INK, width=2 * s)
        elif item.participants:
            draw.line([(x_p, band_low), (x_p + bar, band_low)], fill=INK, width=3 * s)
        if item.tenants is not None:
            y_t = y_of(item.tenants)
            draw.rectangle((x_t, y_t, x_t + bar, bottom), fill=DARK, outline=INK, width=2 * s)
        if not many:
            _text(draw, (x_p + bar / 2, y_p - 6 * s), number(item.participants), small, "ms")
            shown = "non compté" if item.tenants is None else number(item.tenants)
            y_label = y_of(item.tenants or 0) - 6 * s
            _text(draw, (x_t + bar / 2, y_label), shown, small, "ms")
            _text(draw, (centre, bottom + 12 * s), item.label, small, "mt")
            _text(draw, (centre, bottom + 40 * s), item.sublabel, small, "mt")
        elif index % every == 0:  # numbers that would overlap are shown one in ``every``
            _text(draw, (centre, bottom + 10 * s), _number(item.label), small, "mt")
    if many:
        _text(draw, (right, height - 8 * s), "Numéros des ateliers", small, "rd")

    final = image.reduce(_SCALE)  # a box filter: smooth edges, fast
    buffer = BytesIO()
    final.save(buffer, format="PNG", dpi=(DPI, DPI))
    return buffer.getvalue()
