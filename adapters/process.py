"""A chat platform's long-running process, the same for each: logging set up, then served
until it is stopped."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

from bot.logs import configure
from bot.settings import Settings


def run(settings: Settings, serve: Callable[[Settings], Coroutine[Any, Any, None]]) -> int:
    configure(settings)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a person stops it
        asyncio.run(serve(settings))
    return 0
