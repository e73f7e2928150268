"""The bot's DM channel with each person, opened once and remembered.

Slack answers conversations.open with the same id every time, so asking once per person
saves a round trip on every DM; a thousand reminders at once would otherwise open the same
hundred DMs ten times each. Concurrent asks for one person share a single call.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable

MAX_PEOPLE = 10_000  # remembered at most, least recently used forgotten first

Open = Callable[[], Awaitable[str | None]]


class DmChannels:
    def __init__(self, size: int = MAX_PEOPLE) -> None:
        self.size = size
        self._known: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._opening: dict[tuple[str, str], asyncio.Future[str | None]] = {}

    async def get(self, team: str, user: str, open_dm: Open) -> str | None:
        key = (team, user)
        if key in self._known:
            self._known.move_to_end(key)
            return self._known[key]
        if key in self._opening:
            return await asyncio.shield(self._opening[key])
        future: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
        self._opening[key] = future
        try:
            channel = await open_dm()
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here: the waiters, if any, raise it themselves
            raise
        finally:
            del self._opening[key]
        future.set_result(channel)
        if channel is not None:  # a refusal (user gone) is asked again next time
            self._known[key] = channel
            if len(self._known) > self.size:
                self._known.popitem(last=False)
        return channel

    def forget(self, team: str, user: str) -> None:
        """After Slack refused a post to the remembered channel."""
        self._known.pop((team, user), None)
