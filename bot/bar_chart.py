"""The generic horizontal bar chart ("hbars", see bot.charts): one named bar per row."""

from __future__ import annotations

from collections.abc import Sequence

from bot.drawing import INK, MUTED, TEXT, THIS, Canvas, fit, text_width, title_block

MAX_BARS = 30  # more rows would not read on a phone; callers summarise the rest in the note
ROW = 46  # px a bar's row takes
LABEL_SHARE = 0.42  # the most of the width a label may take; longer ones end in "…"


def hbars(
    title: str,
    bars: Sequence[Sequence[object]],
    note: str | None = None,
    colour: str = THIS,
) -> bytes:
    """`bars` are [label, value, shown] (and an optional fourth item, the bar's own colour),
    drawn top to bottom as given; bars scale to the largest value, `shown` at each end."""
    rows = [
        (str(b[0]), max(float(str(b[1])), 0.0), str(b[2]), str(b[3]) if len(b) > 3 else colour)
        for b in bars
    ][:MAX_BARS]
    probe = Canvas(1)
    top = title_block(probe, title, note)
    canvas = Canvas(top + max(len(rows), 1) * ROW + 20)
    title_block(canvas, title, note)
    if not rows:
        return canvas.png()
    usable = canvas.width - 48
    labels = [fit(row[0], TEXT, usable * LABEL_SHARE) for row in rows]
    label_width = max(text_width(label, TEXT) for label in labels)
    shown_width = max(text_width(row[2], TEXT) for row in rows)
    start = 24 + label_width + 14
    length = max(canvas.width - 24 - shown_width - 10 - start, 40)
    largest = max(row[1] for row in rows) or 1.0
    for index, row in enumerate(rows):
        y = top + index * ROW
        end = start + max(length * row[1] / largest, 3)
        canvas.rounded((start, y + 6, end, y + ROW - 6), row[3], 4)
        baseline = y + ROW / 2 + TEXT * 0.36
        canvas.text(start - 14, baseline, labels[index], TEXT, align="right")
        canvas.text(end + 10, baseline, row[2], TEXT, fill=MUTED if row[1] == 0 else INK)
    return canvas.png()
