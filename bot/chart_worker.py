"""Draws charts for bot.charts: a JSON list of {kind, args} on standard input, a JSON list of
base64 PNGs on standard output. Run as `python -m bot.chart_worker`; it exits when done, so
Pillow's memory goes with it."""

from __future__ import annotations

import base64
import json
import sys
from collections.abc import Callable
from typing import Any

from bot.assessment.charts import radar, trend
from bot.bar_chart import hbars
from bot.goals.charts import goals


def _hbars(args: dict[str, Any]) -> bytes:
    return hbars(args["title"], args["bars"], args.get("note"), **_colour(args))


def _colour(args: dict[str, Any]) -> dict[str, str]:
    return {"colour": args["colour"]} if args.get("colour") else {}


def _radar(args: dict[str, Any]) -> bytes:
    return radar(
        args["title"],
        args["sections"],
        [float(v) for v in args["current"]],
        [float(v) for v in args["previous"]] if args.get("previous") else None,
        args["legends"],
        args["scale"],
    )


def _trend(args: dict[str, Any]) -> bytes:
    totals = [float(v) for v in args["totals"]]
    return trend(args["title"], args["labels"], totals, args["bands"], args["axis"])


def _goals(args: dict[str, Any]) -> bytes:
    return goals(args["title"], args["goals"], args["legends"], args.get("note"))


KINDS: dict[str, Callable[[dict[str, Any]], bytes]] = {
    "hbars": _hbars,
    "radar": _radar,
    "trend": _trend,
    "goals": _goals,
}


def draw(kind: str, args: dict[str, Any]) -> bytes:
    """One chart's PNG (the worker's loop, and tests that draw in their own process)."""
    return KINDS[kind](args)


def main() -> None:
    requests = json.load(sys.stdin)
    pngs = [draw(r["kind"], r["args"]) for r in requests]
    json.dump([base64.b64encode(png).decode("ascii") for png in pngs], sys.stdout)


if __name__ == "__main__":
    main()
