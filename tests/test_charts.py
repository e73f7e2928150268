"""Charts are drawn in a child process: the bot's own process never loads matplotlib (it would
keep ~40 MB for good), and a chart that cannot be drawn leaves its message's words intact."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from bot.charts import Chart, chart_file, with_charts
from bot.ui import Message, Post, Reply

PNG = b"\x89PNG\r\n\x1a\n"


def _reply(*charts: Chart) -> Reply:
    files = tuple(chart_file(f"c{n}.png", f"Chart {n}", c) for n, c in enumerate(charts))
    return Reply(posts=(Post(Message(text="Top issues", files=files)),))


async def test_every_chart_of_a_reply_is_drawn_as_a_png() -> None:
    reply = _reply(
        Chart.of("bars", counts=[["1", 3.0], ["2", 1.0]], costs=[["1", 150.5]]),
        Chart.of("trend", days=["2026-10-01", "2026-11-01"], totals=[19.0, 26.5]),
        Chart.of("radar", current=[4, 3, 5, 2, 2, 4, 3], previous=None, labels=["2026-11-02"]),
    )
    files = (await with_charts(reply)).posts[0].message.files
    assert [f.filename for f in files] == ["c0.png", "c1.png", "c2.png"]
    assert all(f.content.startswith(PNG) and len(f.content) > 1000 for f in files)
    assert len({f.content for f in files}) == 3


async def test_a_chart_that_cannot_be_drawn_is_left_out_and_the_words_stay(
    caplog: pytest.LogCaptureFixture,
) -> None:
    reply = _reply(Chart.of("pie", slices=[1, 2]))
    drawn = await with_charts(reply)
    (post,) = drawn.posts
    assert post.message.text == "Top issues" and post.message.files == ()
    assert "charts.failed: RuntimeError" in caplog.text


def test_the_bot_process_draws_a_chart_without_loading_matplotlib() -> None:
    script = textwrap.dedent(
        """
        import asyncio, sys
        import adapters.slack, adapters.discord, bot.app, scheduler.engine
        from bot.charts import Chart, chart_file, with_charts
        from bot.ui import Message, Post, Reply
        chart = chart_file("t.png", "T", Chart.of("trend", days=["2026-11-01"], totals=[20.0]))
        reply = asyncio.run(with_charts(Reply(posts=(Post(Message("x", files=(chart,))),))))
        assert reply.posts[0].message.files[0].content.startswith(b"\\x89PNG")
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("matplotlib", "numpy", "PIL")))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]"
