"""Charts are drawn in a child process: the bot's own process never loads Pillow or the fonts
(it would keep them for good), and a chart that cannot be drawn leaves its message's words
intact."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from bot.charts import Chart, chart_file, with_charts
from bot.ui import Message, Post, Reply

PNG = b"\x89PNG\r\n\x1a\n"
BANDS = ["At risk", "Adequate", "Asset"]


def _reply(*charts: Chart) -> Reply:
    files = tuple(chart_file(f"c{n}.png", f"Chart {n}", c) for n, c in enumerate(charts))
    return Reply(posts=(Post(Message(text="Top issues", files=files)),))


async def test_every_chart_of_a_reply_is_drawn_as_a_png() -> None:
    reply = _reply(
        Chart.of("hbars", title="Top issues", bars=[["Delivery", 3.0, "3"], ["Billing", 1.0, "1"]]),
        Chart.of(
            "trend",
            title="Total",
            labels=["10/1", "11/1"],
            totals=[19.0, 26.5],
            bands=BANDS,
            axis="Total of 35",
        ),
        Chart.of(
            "radar",
            title="Sections",
            sections=list("ABCDEFG"),
            current=[4, 3, 5, 2, 2, 4, 3],
            previous=None,
            legends=["This result"],
            scale=list("12345"),
        ),
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


def test_the_bot_process_draws_a_chart_without_loading_pillow() -> None:
    script = textwrap.dedent(
        """
        import asyncio, sys
        import adapters.slack, adapters.discord, bot.app, scheduler.engine
        from bot.charts import Chart, chart_file, with_charts
        from bot.ui import Message, Post, Reply
        chart = chart_file("t.png", "T", Chart.of("hbars", title="T", bars=[["a", 1.0, "1"]]))
        reply = asyncio.run(with_charts(Reply(posts=(Post(Message("x", files=(chart,))),))))
        assert reply.posts[0].message.files[0].content.startswith(b"\\x89PNG")
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("matplotlib", "numpy", "PIL")))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]"
