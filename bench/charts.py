"""Time to draw a digest's charts end to end, in each language, against a bare import.

For each of en, hi, mr, bn and tl: the digest of a week with two goals and three top issues
is rendered by the real view (`bot.digest.views.render`, the reader's Translator), and its
charts — the goals' weeks, the top issues by how often and by compensation — are drawn by
`bot.charts.with_charts` from the Reply, as the bot does before a post goes out: one child
process (`python -m bot.chart_worker`) starts, imports Pillow and the fonts, draws the three
PNGs and exits. Baseline, in the same run: a bare `python -c "import PIL.Image"` (matplotlib
is no longer a dependency), the least any child that draws with Pillow costs. Goal: at most
1.5 s per digest. Nothing is asserted; the script prints figures (medians of --runs).

    python bench/charts.py [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time

from bot.charts import with_charts
from bot.digest.views import render
from bot.i18n import Translator
from bot.ui import Post, Reply
from tests.test_chart_drawing import _digest

LANGUAGES = ("en", "hi", "mr", "bn", "tl")
GOAL_SECONDS = 1.5


def baseline(runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import PIL.Image"], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


async def digest_charts(language: str, runs: int) -> tuple[float, int, int]:
    """The median seconds to draw one digest's charts, how many, and their bytes."""
    message = render(_digest(), Translator(language), currency="INR")
    reply = Reply(posts=(Post(message),))
    times, drawn = [], reply
    for _ in range(runs):
        start = time.perf_counter()
        drawn = await with_charts(reply)
        times.append(time.perf_counter() - start)
    files = drawn.posts[0].message.files
    assert all(f.content for f in files), "a chart was not drawn"
    return statistics.median(times), len(files), sum(len(f.content) for f in files)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    base = baseline(runs)
    print(f'baseline: python -c "import PIL.Image": {base * 1000:.0f} ms median of {runs}')
    for language in LANGUAGES:
        seconds, count, size = asyncio.run(digest_charts(language, runs))
        verdict = "ok" if seconds <= GOAL_SECONDS else "over the goal"
        print(
            f"{language}: {count} charts in {seconds * 1000:.0f} ms ({seconds / base:.2f}× "
            f"baseline, {size // 1024} KB of PNG) — goal {GOAL_SECONDS} s: {verdict}"
        )


if __name__ == "__main__":
    main()
