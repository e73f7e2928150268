"""Draws charts for bot.charts: a JSON list of {kind, args} on standard input, a JSON list of
base64 PNGs on standard output. Run as `python -m bot.chart_worker`; it exits when done, so
matplotlib's memory goes with it."""

from __future__ import annotations

import base64
import json
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

from bot.assessment.charts import radar, trend
from bot.digest.charts import bars


def _radar(args: dict[str, Any]) -> bytes:
    return radar(args["current"], args.get("previous"), args["labels"])


def _trend(args: dict[str, Any]) -> bytes:
    days = [date.fromisoformat(day) for day in args["days"]]
    return trend(days, args["totals"], args.get("labels"))


def _bars(args: dict[str, Any]) -> bytes:
    pairs = [(str(label), float(value)) for label, value in args["counts"]]
    costs = [(str(label), float(value)) for label, value in args["costs"]]
    return bars(pairs, costs, args.get("figures"))


KINDS: dict[str, Callable[[dict[str, Any]], bytes]] = {
    "radar": _radar,
    "trend": _trend,
    "bars": _bars,
}


def main() -> None:
    requests = json.load(sys.stdin)
    pngs = [KINDS[r["kind"]](r["args"]) for r in requests]
    json.dump([base64.b64encode(png).decode("ascii") for png in pngs], sys.stdout)


if __name__ == "__main__":
    main()
