"""The digest's bar chart: the top issues by how often and by what they cost.

Bars are named by number only (1, 2, 3…); the message beside the chart says which category
each number is, so the chart needs no fonts for any script (see bot.assessment.charts).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.assessment.charts import BEFORE, THIS, _png

Bars = Sequence[tuple[str, float]]


def _amount(value: float) -> str:
    """12, 1500, 249.50: with no figures from the view, no grouping separator."""
    return f"{value:.0f}" if value == int(value) else f"{value:.2f}"


def bars(counts: Bars, costs: Bars, figures: Sequence[Sequence[str]] | None = None) -> bytes:
    """One panel of horizontal bars per series that has data, largest at the top; each
    bar carries its figure (`figures`: the two series' figures as the reader writes them,
    in Latin digits). `costs` are in the currency's major unit."""
    from matplotlib.figure import Figure  # slow to import; only charts need it

    shown = figures or [[_amount(v) for _, v in data] for data in (counts, costs)]
    series = [
        (data, colour, list(texts)[::-1])
        for data, colour, texts in zip((counts, costs), (THIS, BEFORE), shown, strict=True)
        if data
    ]
    figure = Figure(figsize=(4.0 * max(len(series), 1), 2.6), dpi=100)
    for index, (data, colour, texts) in enumerate(series, start=1):
        axes = figure.add_subplot(1, len(series), index)
        labels = [label for label, _ in data][::-1]
        values = [value for _, value in data][::-1]
        drawn = axes.barh(labels, values, color=colour)
        axes.bar_label(drawn, labels=texts, padding=3)
        axes.set_xlim(0, max(values) * 1.25 or 1)
        axes.set_xticks([])
        for side in ("top", "right", "bottom"):
            axes.spines[side].set_visible(False)
    return _png(figure)
