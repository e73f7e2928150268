"""The digest's bar chart: the top issues by how often and by what they cost.

Bars are named by number only (1, 2, 3…); the message beside the chart says which category
each number is, so the chart needs no fonts for any script (see bot.assessment.charts).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.assessment.charts import BEFORE, THIS, _png

Bars = Sequence[tuple[str, float]]


def _amount(value: float) -> str:
    """12, 1500, 249.50: no grouping separator, since locales group digits differently."""
    return f"{value:.0f}" if value == int(value) else f"{value:.2f}"


def bars(counts: Bars, costs: Bars) -> bytes:
    """One panel of horizontal bars per series that has data, largest at the top; each
    bar carries its figure. `costs` are in the currency's major unit."""
    from matplotlib.figure import Figure  # slow to import; only charts need it

    series = [(data, colour) for data, colour in ((counts, THIS), (costs, BEFORE)) if data]
    figure = Figure(figsize=(4.0 * max(len(series), 1), 2.6), dpi=100)
    for index, (data, colour) in enumerate(series, start=1):
        axes = figure.add_subplot(1, len(series), index)
        labels = [label for label, _ in data][::-1]
        values = [value for _, value in data][::-1]
        drawn = axes.barh(labels, values, color=colour)
        axes.bar_label(drawn, labels=[_amount(v) for v in values], padding=3)
        axes.set_xlim(0, max(values) * 1.25 or 1)
        axes.set_xticks([])
        for side in ("top", "right", "bottom"):
            axes.spines[side].set_visible(False)
    return _png(figure)
