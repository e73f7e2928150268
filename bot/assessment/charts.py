"""PNG charts of results, drawn with matplotlib's Agg backend (no display needed).

Chart text is language-neutral on purpose: section numbers, dates and figures only. The
words (section names, legends) are in the message beside the chart, where every script our
users read is shaped correctly by the chat client.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

THIS = "#1f6feb"
BEFORE = "#8c959f"
BANDS = ((7, 21, "#fbe3e4"), (21, 28, "#fff4d6"), (28, 35, "#e3f5e6"))


def _figure(size: tuple[float, float], polar: bool = False) -> tuple[Figure, object]:
    # Imported here: matplotlib takes a while to load and only charts need it.
    from matplotlib.figure import Figure

    figure = Figure(figsize=size, dpi=100)
    axes = figure.add_subplot(projection="polar" if polar else None)
    return figure, axes


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def radar(
    current: Sequence[Fraction], previous: Sequence[Fraction] | None, labels: Sequence[str]
) -> bytes:
    """Seven axes (sections 1–7), scale 1–5: this result filled, the previous one dashed.

    `labels` name the two series (dates); the first is this result."""
    figure, axes = _figure((5.0, 5.0), polar=True)
    count = len(current)
    angles = [2 * math.pi * k / count for k in range(count)]
    closed = [*angles, angles[0]]

    def draw(values: Sequence[Fraction], colour: str, label: str, dashed: bool) -> None:
        points = [float(v) for v in values]
        points.append(points[0])
        style = "--" if dashed else "-"
        axes.plot(closed, points, style, color=colour, linewidth=2, label=label)  # type: ignore[attr-defined]
        if not dashed:
            axes.fill(closed, points, color=colour, alpha=0.2)  # type: ignore[attr-defined]

    if previous is not None:
        draw(previous, BEFORE, labels[1], dashed=True)
    draw(current, THIS, labels[0], dashed=False)
    axes.set_theta_offset(math.pi / 2)  # type: ignore[attr-defined]  # section 1 at the top,
    axes.set_theta_direction(-1)  # type: ignore[attr-defined]  # then clockwise
    axes.set_xticks(angles)  # type: ignore[attr-defined]
    axes.set_xticklabels([str(k + 1) for k in range(count)])  # type: ignore[attr-defined]
    axes.set_ylim(0, 5)  # type: ignore[attr-defined]
    axes.set_yticks([1, 2, 3, 4, 5])  # type: ignore[attr-defined]
    axes.legend(loc="lower right", bbox_to_anchor=(1.15, -0.1))  # type: ignore[attr-defined]
    return _png(figure)


def trend(
    days: Sequence[date], totals: Sequence[Fraction], labels: Sequence[str] | None = None
) -> bytes:
    """Totals over time on the 7–35 scale, over the three bands' colours. `labels` name the
    days on the axis in the reader's locale (digits only); else matplotlib's own dates."""
    figure, axes = _figure((6.0, 3.5))
    for low, high, colour in BANDS:
        axes.axhspan(low, high, color=colour, zorder=0)  # type: ignore[attr-defined]
    axes.plot(  # type: ignore[attr-defined]
        list(days), [float(t) for t in totals], "o-", color=THIS, linewidth=2, zorder=2
    )
    axes.set_ylim(7, 35)  # type: ignore[attr-defined]
    axes.set_yticks([7, 14, 21, 28, 35])  # type: ignore[attr-defined]
    axes.grid(axis="y", alpha=0.3)  # type: ignore[attr-defined]
    if labels is not None:
        axes.set_xticks(list(days), list(labels))  # type: ignore[attr-defined]
    figure.autofmt_xdate()
    return _png(figure)
