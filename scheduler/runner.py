"""Wakes the engine every `scheduler_tick_seconds` inside the bot's event loop.

APScheduler only provides the wake-up: its job store stays in memory and holds one interval
job, because the due work itself lives in the database (restarts and several processes need
nothing else). One tick at a time (max_instances=1), and wake-ups missed while a long tick ran
are folded into one (coalesce=True).

`wake()` is the outbox's door: an event that recorded posts (cards) asks for them at once,
without waiting for the next tick. Those ticks claim only the outbox's kinds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler  # type: ignore[import-untyped]

from bot.errors import logged
from bot.outbox import KINDS as OUTBOX
from scheduler.engine import Engine

log = logging.getLogger("carebot.scheduler")

OUTBOX_TICKS = 4  # outbox ticks at once, at most: a burst of events costs a few, not one each

# APScheduler logs "Running job ..." at INFO on every wake-up: noise every 30 seconds.
logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)


class Runner:
    """`start()` from inside the running loop (an adapter's start-up), `await stop()` on the
    way out: stop lets the tick in progress end, so no claimed job waits for its lease."""

    def __init__(self, engine: Engine, every: float | None = None) -> None:
        self.engine = engine
        self.every = every if every is not None else engine.settings.scheduler_tick_seconds
        self._scheduler: AsyncIOScheduler | None = None
        self._tick: asyncio.Task[object] | None = None
        self._outbox: set[asyncio.Task[None]] = set()
        self._again: set[str] = set()  # kinds woken while OUTBOX_TICKS drains ran

    @property
    def running(self) -> bool:
        return self._scheduler is not None

    def start(self) -> None:
        if self._scheduler is not None:
            raise RuntimeError("the scheduler is already running")
        scheduler = AsyncIOScheduler(timezone=UTC)
        scheduler.add_job(
            self._wake,
            "interval",
            seconds=self.every,
            id="carebot-tick",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,  # a late wake-up still runs: the work is due regardless
            next_run_time=datetime.now(UTC),  # catch up at once after a restart
        )
        scheduler.start()
        self._scheduler = scheduler

    def wake(self, kinds: Sequence[str] = OUTBOX) -> None:
        """Delivers the due outbox (or the due jobs of `kinds`: a survey answer's alert) now,
        from inside the running loop; returns at once.

        Ticks run side by side, up to OUTBOX_TICKS: one that waits on a slow post must not hold
        the next card (claims keep them apart). Past that, the wake-up is folded into one more
        round of a running drain."""
        self._outbox = {task for task in self._outbox if not task.done()}
        if len(self._outbox) >= OUTBOX_TICKS:
            self._again.update(kinds)
            return
        self._outbox.add(asyncio.get_running_loop().create_task(self._drain(tuple(kinds))))

    async def drained(self) -> None:
        """Waits until the outbox woken so far has been delivered (tests, shutdown)."""
        while pending := [task for task in self._outbox if not task.done()]:
            await asyncio.gather(*(asyncio.shield(task) for task in pending))

    async def _drain(self, kinds: tuple[str, ...]) -> None:
        while True:
            try:
                await self.engine.tick(kinds=kinds)
            except Exception as exc:  # by type and id: its message can quote a customer
                logged(exc, "scheduler outbox", logger=log, event="scheduler.outbox_failed")
            if not self._again:
                return
            kinds, self._again = tuple(sorted(self._again)), set()

    async def stop(self, grace: float | None = None) -> None:
        """Stops waking the engine and waits for the tick in progress (at most `grace`
        seconds; after that it is cancelled and its claimed jobs return when their lease ends)."""
        with contextlib.suppress(TimeoutError, Exception):
            await asyncio.wait_for(self.drained(), grace)
        if self._scheduler is None:
            return
        self._scheduler.shutdown(wait=False)
        self._scheduler = None
        tick = self._tick
        if tick is None or tick.done():
            return
        try:
            await asyncio.wait_for(asyncio.shield(tick), grace)
        except TimeoutError:
            tick.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await tick
        except Exception:
            pass  # already logged by _wake

    async def _wake(self) -> None:
        # Shielded: APScheduler cancels its running jobs on shutdown, and a tick cut in the
        # middle would leave claimed jobs waiting for their lease; stop() awaits it instead.
        self._tick = asyncio.ensure_future(self.engine.tick())
        try:
            await asyncio.shield(self._tick)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            logged(exc, "scheduler tick", logger=log, event="scheduler.tick_failed")
