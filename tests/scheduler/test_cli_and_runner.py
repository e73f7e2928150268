"""`carebot jobs list` / `carebot jobs run-due`, and the Runner that wakes the engine."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import cast

import pytest

import scheduler.engine
from bot.cli import main
from bot.clock import ManualClock
from bot.settings import Settings
from scheduler.engine import Engine
from scheduler.outcomes import TickReport
from scheduler.runner import Runner
from storage.db import Database
from tests.scheduler.conftest import PLATFORM, EchoKind, Recorder, add_jobs, add_workspace, load
from tests.unexpected import assert_logged, broken

CAREBOT = str(Path(sys.executable).parent / "carebot")
WAIT = 10  # seconds before a test that waits on the event loop is declared stuck


@pytest.fixture
def cli_env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("DATABASE_URL", database_url)


async def run_main(argv: list[str]) -> int:
    """main() runs its own event loop: give it a thread, as the terminal would a process."""
    return await asyncio.to_thread(main, argv)


async def test_run_due_at_a_time_delivers_what_is_due_then(
    cli_env: None,
    db: Database,
    clock: ManualClock,
    kind: EchoKind,
    recorder: Recorder,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    now = clock.now()
    early, late = await add_jobs(
        db, await add_workspace(db, now), [now + timedelta(days=1), now + timedelta(days=3)], now
    )
    monkeypatch.setattr("scheduler.commands.load_deliverers", lambda *_: {PLATFORM: recorder})

    assert await run_main(["jobs", "run-due", "--at", "2026-11-03T14:30+05:30"]) == 0

    out = capsys.readouterr().out
    assert "claimed 1, sent 1, nothing to send 0, retried 0, failed 0, skipped 0" in out
    assert recorder.per_job() == {early: 1}
    job = await load(db, early)
    assert (job.state, job.done_at) == ("done", now + timedelta(days=1))  # 09:00 UTC
    assert (await load(db, late)).state == "pending"


async def test_jobs_list_shows_the_pending_jobs_due_soonest_first(
    cli_env: None, db: Database, clock: ManualClock, capsys: pytest.CaptureFixture[str]
) -> None:
    now = clock.now()
    ws = await add_workspace(db, now, "slack", "T042")
    await add_jobs(db, ws, [now + timedelta(hours=h) for h in (5, 1, 3)], now, kind="follow_up")

    assert await run_main(["jobs", "list"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["id", "kind", "workspace", "due", "(UTC)", "state", "attempts"]
    assert [line.split()[4] for line in lines[1:4]] == ["10:00:00", "12:00:00", "14:00:00"]
    first = ["2", "follow_up", "slack:T042", "2026-11-02", "10:00:00", "pending", "0"]
    assert lines[1].split() == first
    assert lines[-1] == "3 of 3 pending jobs shown"


def test_the_carebot_command_runs_due_jobs_and_reports_a_platform_without_deliverer(
    database_url: str, db: Database, clock: ManualClock, tmp_path: Path
) -> None:
    """Through the installed script: no deliverer is installed for the test platform, so the
    job stays pending and the report says so."""
    now = clock.now()
    asyncio.run(_one_job(database_url, now))
    env = {**os.environ, "DATABASE_URL": database_url}

    def carebot(*args: str) -> str:
        result = subprocess.run(
            [CAREBOT, *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert "test:T1" in carebot("jobs", "list")
    out = carebot("jobs", "run-due", "--at", "2026-11-02T09:00:00")
    assert "claimed 1," in out
    assert "no deliverer for test: 1 jobs left pending" in out
    assert "pending" in carebot("jobs", "list")


async def _one_job(url: str, now: datetime) -> None:
    db = Database(url)
    try:
        await add_jobs(db, await add_workspace(db, now), [now], now)
    finally:
        await db.dispose()


def test_a_time_without_an_offset_is_utc_and_nonsense_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["jobs", "run-due", "--at", "tomorrow"])
    assert "use a time like" in capsys.readouterr().err


class SlowEngine:
    """Stands in for the engine: each tick waits until the test lets it end."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.ended = 0

    async def tick(self) -> TickReport:
        self.started.set()
        await self.release.wait()
        self.ended += 1
        return TickReport()


async def test_the_runner_ticks_at_once_and_stop_lets_the_tick_end(settings: Settings) -> None:
    engine = SlowEngine(settings.model_copy(update={"scheduler_tick_seconds": 3600}))
    runner = Runner(cast(Engine, engine))
    runner.start()
    await asyncio.wait_for(engine.started.wait(), WAIT)

    stopping = asyncio.create_task(runner.stop())
    for _ in range(20):
        await asyncio.sleep(0)
    assert not stopping.done()  # waits for the tick in progress
    engine.release.set()
    await asyncio.wait_for(stopping, WAIT)

    assert engine.ended == 1
    assert not runner.running


async def test_the_runner_drives_the_engine(
    db: Database, settings: Settings, clock: ManualClock, kind: EchoKind, recorder: Recorder
) -> None:
    (job_id,) = await add_jobs(db, await add_workspace(db, clock.now()), [clock.now()], clock.now())
    delivered = asyncio.Event()
    recorder.on_deliver = delivered.set
    runner = Runner(Engine(db, settings, clock, {PLATFORM: recorder}), every=3600)

    runner.start()
    try:
        await asyncio.wait_for(delivered.wait(), WAIT)
    finally:
        await runner.stop()

    assert recorder.per_job() == {job_id: 1}
    assert (await load(db, job_id)).state == "done"


async def test_a_tick_that_fails_is_logged_by_type_and_error_id_only(
    db: Database,
    settings: Settings,
    clock: ManualClock,
    recorder: Recorder,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The runner's boundary: nobody to tell, so one ERROR line with the id and the type and a
    stack of types; the exception's message (which can quote a customer) is nowhere."""
    monkeypatch.setattr(scheduler.engine, "claim_due", broken)
    runner = Runner(Engine(db, settings, clock, {PLATFORM: recorder}), every=3600)
    runner.wake()
    await asyncio.wait_for(runner.drained(), WAIT)
    (line,) = [r for r in caplog.records if getattr(r, "event", None) == "scheduler.outbox_failed"]
    assert_logged(caplog, str(getattr(line, "error_id", "")))
