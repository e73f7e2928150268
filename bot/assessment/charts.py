"""PNG charts of assessment results, with their words in the reader's language.

The views pass every word (section names, legends, band names, axis labels) already
translated; these functions only draw them (bot.drawing shapes every script we support).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from bot.drawing import (
    BEFORE,
    GRID,
    MUTED,
    SMALL,
    THIS,
    Canvas,
    fit,
    legend,
    text_width,
    title_block,
    wrap,
)

# The three bands of the 7–35 total (low, high, colour, its words' colour).
BANDS = (
    (7, 21, "#fbe3e4", "#a40e26"),
    (21, 28, "#fff4d6", "#7d4e00"),
    (28, 35, "#e3f5e6", "#116329"),
)


def radar(
    title: str,
    sections: Sequence[str],
    current: Sequence[float],
    previous: Sequence[float] | None,
    legends: Sequence[str],
    scale: Sequence[str],
) -> bytes:
    """One axis per section (named, the first at the top, then clockwise) on the 1–5 scale
    (`scale`: its five figures as the reader writes them): this result filled, the previous
    one dashed; `legends` name the two series, this result first."""
    size = 800
    top = title_block(Canvas(1), title, None)
    radius = 210.0
    centre = (size / 2, top + 90 + radius)
    canvas = Canvas(centre[1] + radius + 90 + 2 * SMALL * 1.8 + 20)
    title_block(canvas, title, None)
    count = len(sections)
    angles = [-math.pi / 2 + 2 * math.pi * k / count for k in range(count)]

    def point(angle: float, value: float) -> tuple[float, float]:
        r = radius * max(value, 0.0) / 5
        return centre[0] + r * math.cos(angle), centre[1] + r * math.sin(angle)

    for ring in range(1, 6):
        canvas.line([point(a, ring) for a in [*angles, angles[0]]], GRID, width=1.5)
        y = point(angles[0], ring)[1]
        canvas.text(centre[0] - 8, y + SMALL * 0.9, scale[ring - 1], SMALL, MUTED, align="right")
    for angle in angles:
        canvas.line([centre, point(angle, 5)], GRID, width=1.5)
    if previous is not None:
        shape = [point(a, v) for a, v in zip(angles, previous, strict=True)]
        canvas.line([*shape, shape[0]], BEFORE, width=3, dash=10)
    shape = [point(a, v) for a, v in zip(angles, current, strict=True)]
    canvas.translucent(shape, THIS, 60)
    canvas.line([*shape, shape[0]], THIS, width=3.5)
    for x, y in shape:
        canvas.dot(x, y, 5, THIS)
    for angle, name in zip(angles, sections, strict=True):
        x, y = point(angle, 5.0)
        x += 16 * math.cos(angle)
        y += 16 * math.sin(angle)
        cos = math.cos(angle)
        align = "centre" if abs(cos) < 0.2 else "left" if cos > 0 else "right"
        room = 300.0 if align == "centre" else (size - 16 - x if cos > 0 else x - 16)
        lines = wrap(name, SMALL, room, lines=2)
        height = len(lines) * SMALL * 1.35
        first = y + SMALL * 0.9 - (height if math.sin(angle) < -0.2 else height / 2)
        if math.sin(angle) > 0.2:
            first = y + SMALL * 1.1
        for number, line in enumerate(lines):
            canvas.text(x, first + number * SMALL * 1.35, line, SMALL, align=align)
    entries = [(THIS, legends[0], False)]
    if previous is not None:
        entries.append((BEFORE, legends[1], True))
    legend(canvas, centre[1] + radius + 90, entries)
    return canvas.png()


def trend(
    title: str,
    labels: Sequence[str],
    totals: Sequence[float],
    bands: Sequence[str],
    axis: str,
) -> bytes:
    """Totals over time on the 7–35 scale, over the three bands' colours, each band named
    (`bands`: at risk, adequate, asset); `labels` name the points (dates, months) on the x
    axis, `axis` says what the y axis counts."""
    top = title_block(Canvas(1), title, axis)
    plot_top, plot_height = top + 10, 300.0
    left, right = 70.0, 800 - 30.0
    canvas = Canvas(plot_top + plot_height + 24 + SMALL * 2.4)
    title_block(canvas, title, axis)

    def y_of(total: float) -> float:
        return plot_top + plot_height * (35 - total) / 28

    for (low, high, colour, ink), name in zip(BANDS, bands, strict=True):
        canvas.rectangle((left, y_of(high), right, y_of(low)), colour)
        canvas.text(right - 10, y_of(high) + SMALL * 1.25, fit(name, SMALL, 260), SMALL, ink,
                    align="right")  # fmt: skip
    for tick in (7, 14, 21, 28, 35):
        canvas.line([(left, y_of(tick)), (right, y_of(tick))], GRID, width=1)
        canvas.text(left - 10, y_of(tick) + SMALL * 0.35, str(tick), SMALL, MUTED, align="right")
    count = len(totals)
    step = (right - left - 60) / max(count - 1, 1)
    xs = [left + 30 + step * k if count > 1 else (left + right) / 2 for k in range(count)]
    points = [(x, y_of(total)) for x, total in zip(xs, totals, strict=True)]
    if len(points) > 1:
        canvas.line(points, THIS, width=3.5)
    for x, y in points:
        canvas.dot(x, y, 6, THIS)
    # Every label that has room: at most one per label's width.
    widest = max((text_width(label, SMALL) for label in labels), default=0) + 16
    every = max(math.ceil(widest / step), 1) if count > 1 else 1
    for index, (x, label) in enumerate(zip(xs, labels, strict=True)):
        if index % every == 0:
            canvas.text(x, plot_top + plot_height + 8 + SMALL, label, SMALL, MUTED, align="centre")
    return canvas.png()
