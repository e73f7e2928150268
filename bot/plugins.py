"""What an adapter plug-in (`carebot.adapters` entry point) offers `carebot run`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.settings import Settings


@dataclass(frozen=True)
class Adapter:
    """`start(settings)` runs the adapter until it is stopped; `configured()` says whether
    its platform's credentials are set (its own settings, read from the environment), so that
    `carebot run` starts the first platform configured. The core knows no platform's
    settings."""

    start: Callable[[Settings], int]
    configured: Callable[[], bool]

    def __call__(self, settings: Settings) -> int:
        return self.start(settings)
