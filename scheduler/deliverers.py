"""Deliverers are plug-ins, like adapters: the scheduler finds them by platform name.

An adapter registers `factory(settings, db) -> Deliverer | None` under the entry-point group
`carebot.deliverers`, named by the platform (`workspace.platform`): "console", "slack"... A
factory returns None (or raises) when its platform is not configured here, e.g. no token; that
platform's jobs then stay pending and every tick reports them.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Mapping
from importlib.metadata import entry_points

from bot.scheduled import Deliverer
from bot.settings import Settings
from storage.db import Database

GROUP = "carebot.deliverers"
DelivererFactory = Callable[[Settings, Database], Deliverer | None]

log = logging.getLogger("carebot.scheduler")


def load_deliverers(settings: Settings, db: Database) -> dict[str, Deliverer]:
    found: dict[str, Deliverer] = {}
    for entry in entry_points(group=GROUP):
        try:
            factory: DelivererFactory = entry.load()
            deliverer = factory(settings, db)
        except Exception as exc:  # one broken plug-in must not stop the others' jobs
            log.warning(
                "scheduler.deliverer_unavailable platform=%s error=%s",
                entry.name,
                type(exc).__name__,
            )
            continue
        if deliverer is not None:
            found[entry.name] = deliverer
    return found


async def close_deliverers(deliverers: Mapping[str, Deliverer]) -> None:
    """Deliverers that hold connections (an HTTP session) may offer `aclose()`."""
    for deliverer in deliverers.values():
        close = getattr(deliverer, "aclose", None)
        if close is not None:
            result = close()
            if inspect.isawaitable(result):
                await result
