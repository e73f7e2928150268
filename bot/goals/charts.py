"""The goals as a small multiple: one panel per goal, its recent weeks against its target.

Met or off track is both a colour and words (the view's `verdict`), so it reads without
telling colours apart. The views pass every word translated; this only draws.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.drawing import (
    BEFORE,
    GRID,
    MET,
    MUTED,
    OFF,
    SMALL,
    TEXT,
    THIS,
    Canvas,
    fit,
    legend,
    text_width,
    title_block,
)

PANEL = 236.0  # px a goal's panel takes
MAX_GOALS = 8
STATUS_COLOURS = {"met": MET, "off": OFF, "none": BEFORE}


def goals(
    title: str,
    panels: Sequence[Mapping[str, object]],
    legends: Sequence[str],
    note: str | None = None,
) -> bytes:
    """`panels`: per goal {name, status ("met", "off", "none"), verdict (its words),
    latest (the last value's words), target (the target's value), target_text, values (a
    number or None per week), weeks (the weeks' labels)}. `legends`: the words for the
    weekly line and for the target line."""
    shown = list(panels)[:MAX_GOALS]
    top = title_block(Canvas(1), title, note)
    canvas = Canvas(top + max(len(shown), 1) * PANEL + SMALL * 2 + 20)
    title_block(canvas, title, note)
    for index, panel in enumerate(shown):
        _panel(canvas, top + index * PANEL, panel)
    legend(
        canvas,
        top + max(len(shown), 1) * PANEL + SMALL,
        [(THIS, legends[0], False), (MUTED, legends[1], True)],
    )
    return canvas.png()


def _panel(canvas: Canvas, y: float, panel: Mapping[str, object]) -> None:
    status = str(panel["status"])
    colour = STATUS_COLOURS.get(status, BEFORE)
    canvas.line([(24, y + 2), (canvas.width - 24, y + 2)], GRID, width=1)
    # The verdict first, in a coloured badge with its words; then the goal's name.
    verdict = str(panel["verdict"])
    badge = text_width(verdict, SMALL, bold=True) + 24
    canvas.rounded((24, y + 14, 24 + badge, y + 14 + SMALL * 1.7), colour, 8)
    canvas.text(36, y + 14 + SMALL * 1.25, verdict, SMALL, "white", bold=True)
    name = fit(str(panel["name"]), TEXT, canvas.width - 48 - badge - 14, bold=True)
    canvas.text(24 + badge + 14, y + 14 + SMALL * 1.3, name, TEXT, bold=True)
    canvas.text(24, y + 90, fit(str(panel["latest"]), TEXT, 230), TEXT, colour, bold=True)
    canvas.text(24, y + 124, fit(str(panel["target_text"]), SMALL, 230), SMALL, MUTED)
    _line(canvas, y, panel, colour)


def _line(canvas: Canvas, y: float, panel: Mapping[str, object], colour: str) -> None:
    """The weekly values as a line against the dashed target line, first and last week named."""
    values = [None if v is None else float(str(v)) for v in _list(panel["values"])]
    weeks = [str(w) for w in _list(panel["weeks"])]
    target = float(str(panel["target"]))
    known = [v for v in values if v is not None]
    low, high = min([*known, target]), max([*known, target])
    pad = (high - low) * 0.15 or max(abs(high) * 0.1, 1.0)
    low, high = low - pad, high + pad
    left, right = 280.0, canvas.width - 30.0
    plot_top, plot_bottom = y + 56, y + PANEL - 48

    def y_of(value: float) -> float:
        return plot_bottom - (plot_bottom - plot_top) * (value - low) / (high - low)

    canvas.rectangle((left, plot_top, right, plot_bottom), "#f6f8fa")
    canvas.line([(left, y_of(target)), (right, y_of(target))], MUTED, width=2.5, dash=10)
    step = (right - left - 40) / max(len(values) - 1, 1)
    xs = [left + 20 + step * k for k in range(len(values))]
    segment: list[tuple[float, float]] = []
    for x, value in zip(xs, values, strict=True):
        if value is None:  # a week without data breaks the line
            if len(segment) > 1:
                canvas.line(segment, THIS, width=3)
            segment = []
            continue
        segment.append((x, y_of(value)))
        canvas.dot(x, y_of(value), 5, THIS)
    if len(segment) > 1:
        canvas.line(segment, THIS, width=3)
    if values and values[-1] is not None:
        canvas.dot(xs[-1], y_of(values[-1]), 8, colour)
    if weeks:
        canvas.text(xs[0], plot_bottom + SMALL * 1.3, weeks[0], SMALL, MUTED, align="centre")
        if len(weeks) > 1:
            last = weeks[-1]
            canvas.text(xs[-1], plot_bottom + SMALL * 1.3, last, SMALL, MUTED, align="centre")


def _list(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else []
