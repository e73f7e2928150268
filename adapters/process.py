"""A chat platform's long-running process, the same for each: logging set up (its secrets, and
the adapter's own, scrubbed), then served until it is stopped."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from pydantic_settings import BaseSettings

from bot.logs import configure
from bot.settings import Settings

Own = TypeVar("Own", bound=BaseSettings)


def run(
    settings: Settings, own: Own, serve: Callable[[Settings, Own], Coroutine[Any, Any, None]]
) -> int:
    configure(settings, own)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a person stops it
        asyncio.run(serve(settings, own))
    return 0
