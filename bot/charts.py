"""Charts are drawn in a short-lived child process, never in the bot's own.

Drawing needs Pillow and the fonts of three scripts, several MB a process does not give back
once loaded: a bot that drew one weekly digest would stay that large for good. Views
describe a chart (`Chart`, plain JSON); `with_charts` draws every chart of a reply in one
child (`python -m bot.chart_worker`) while the event loop goes on, and puts the PNGs in
place. A chart that cannot be drawn is left out of the message, which still goes out with
its words.

Every word on a chart is in the reader's language: the view translates it (titles, names,
legends; numbers and dates with the Translator) and passes it in the chart's arguments; the
worker only draws, shaping Latin, Devanagari and Bengali script (bot.drawing). Charts are
800 px wide with text of 22 px or more, to read on a phone at half that width.

Kinds (`Chart.of(kind, **args)`):

- "hbars", for any feature: `Chart.of("hbars", title=str, bars=[[label, value, shown], ...],
  note=str | None)`: one horizontal bar per row, top to bottom as given, scaled to the
  largest `value` (a float); `label` (str) left of its bar, `shown` (str, the value as the
  reader writes it) at its end, the title on top and the optional note under it in smaller
  type. The chart grows with the rows; at most 30 are drawn (bot.bar_chart.MAX_BARS), so a
  caller with more says "+N" in the note. Optional: a fourth item per bar, its colour
  ("#rrggbb"), and `colour=` for every bar.
- "radar": an assessment result by section against the one before (bot.assessment.charts).
- "trend": assessment totals over time over the three bands (bot.assessment.charts).
- "goals": each goal's recent weeks against its target, met or off track (bot.goals.charts).
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import sys
from dataclasses import dataclass, replace
from typing import Any

from bot.ui import Attachment, Post, Reply

log = logging.getLogger(__name__)

TIMEOUT = 60.0  # seconds for a child to draw a reply's charts (usually well under one)


@dataclass(frozen=True)
class Chart:
    """What to draw: a kind the worker knows and its arguments, as JSON text (immutable)."""

    kind: str
    args: str

    @classmethod
    def of(cls, kind: str, **args: Any) -> Chart:
        return cls(kind, json.dumps(args, sort_keys=True))


def chart_file(filename: str, title: str, chart: Chart) -> Attachment:
    """An attachment whose PNG is drawn just before the reply goes out."""
    return Attachment(filename, title, b"", chart=chart)


def _pending(reply: Reply) -> list[Chart]:
    return [
        file.chart
        for post in reply.posts
        for file in post.message.files
        if file.chart is not None and not file.content
    ]


async def draw(charts: list[Chart]) -> list[bytes]:
    """The PNGs of `charts`, in order, drawn in one child process."""
    request = json.dumps([{"kind": c.kind, "args": json.loads(c.args)} for c in charts])
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.chart_worker",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(child.communicate(request.encode()), TIMEOUT)
    except BaseException:
        if child.returncode is None:
            child.kill()
            await child.wait()
        raise
    if child.returncode != 0:
        last = err.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"chart worker exited with {child.returncode}: {last[0]}")
    return [base64.b64decode(png) for png in json.loads(out)]


async def with_charts(reply: Reply) -> Reply:
    """`reply` with its charts drawn; without them (logged) if they could not be."""
    charts = _pending(reply)
    if not charts:
        return reply
    try:
        drawn = dict(zip(charts, await draw(charts), strict=True))
    except Exception as exc:  # the words matter more than the picture
        log.error("charts.failed: %s", type(exc).__name__, extra={"error": type(exc).__name__})
        drawn = {}

    def post_with(post: Post) -> Post:
        files = tuple(
            replace(file, content=drawn[file.chart]) if file.chart in drawn else file
            for file in post.message.files
            if file.chart is None or file.content or file.chart in drawn
        )
        return replace(post, message=replace(post.message, files=files))

    return replace(reply, posts=tuple(post_with(post) for post in reply.posts))
