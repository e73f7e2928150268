"""The process killed with SIGKILL at random points while complaints are logged and reminders
delivered, then restarted: no acknowledged complaint is lost, none is saved twice, every due
reminder and every complaint's card is delivered (a kill between the commit and the post
included), and each is said again at most once per crash.

The worker (tests/faults/worker.py) is a real carebot process on the test's database; its
"ACK" lines are what a platform was told, its delivered log what a platform accepted.
"""

from __future__ import annotations

import asyncio
import random
import signal
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from storage.db import Database
from storage.models import Complaint, Delivery, Job
from tests.faults.worker import description

ROOT = Path(__file__).resolve().parents[2]
COMPLAINTS = 30
KILLS = 3  # runs killed at random moments, after one that dies mid-delivery
DIE_AT = 3  # the first run kills itself once the third reminder was accepted
SEED = 20261102
STARTUP = 60.0  # seconds a worker may take to import and connect, on a slow machine


@dataclass
class Outcome:
    acked: list[str] = field(default_factory=list)
    crashes: int = 0
    runs: int = 0


async def run_worker(
    url: str, log: Path, run: int, first: int, kill_after: float | None, die_at: int = 0
) -> tuple[list[str], bool]:
    """One worker process; killed with SIGKILL `kill_after` seconds after it is ready (unless
    it finished first). Returns the delivery ids it acknowledged, and whether it was killed."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.faults.worker",
        url,
        str(log),
        str(run),
        str(first),
        str(COMPLAINTS),
        str(die_at),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    try:
        ready = await asyncio.wait_for(process.stdout.readline(), STARTUP)
        if kill_after is not None:
            try:
                await asyncio.wait_for(process.wait(), kill_after)
            except TimeoutError:
                process.send_signal(signal.SIGKILL)
        out, err = await asyncio.wait_for(process.communicate(), STARTUP)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert ready == b"READY\n", (ready, err.decode()[-2000:])
    killed = process.returncode == -signal.SIGKILL
    if not killed:
        assert process.returncode == 0, err.decode()[-2000:]
        assert out.endswith(b"DONE\n"), out
    acked = [line.split()[1] for line in out.decode().splitlines() if line.startswith("ACK ")]
    return acked, killed


async def crash_and_restart(url: str, log: Path) -> Outcome:
    """A run that dies mid-delivery, KILLS runs killed at seeded random moments, then one that
    runs to the end."""
    rng = random.Random(SEED)
    outcome = Outcome()
    for run in range(KILLS + 2):
        first = len(outcome.acked)  # acks come in order: the unacknowledged one is retried
        kill_after = rng.uniform(0.02, 0.3) if 0 < run <= KILLS else None
        acked, killed = await run_worker(url, log, run, first, kill_after, DIE_AT * (run == 0))
        assert acked == [f"crash-{i}" for i in range(first, first + len(acked))]
        outcome.acked += acked
        outcome.crashes += killed
        outcome.runs += 1
    return outcome


async def test_killed_workers_lose_no_complaint_and_no_reminder(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    log = tmp_path / "delivered.log"
    outcome = await crash_and_restart(database_url, log)

    assert outcome.crashes >= 2, "the kills should land while there is work to do"
    assert outcome.runs == KILLS + 2
    assert outcome.acked == [f"crash-{i}" for i in range(COMPLAINTS)]  # the last run did it all
    async with db.session() as session:
        logged = Counter((await session.scalars(select(Complaint.description))).all())
        numbers = sorted((await session.scalars(select(Complaint.number))).all())
        deliveries = await session.scalar(select(func.count()).select_from(Delivery))
        jobs = (await session.execute(select(Job.kind, Job.state))).all()
    # Every acknowledged complaint is there, once; a retried submission saved nothing twice.
    assert logged == Counter(description(d) for d in outcome.acked)
    assert numbers == list(range(1, COMPLAINTS + 1))
    assert deliveries == COMPLAINTS

    # Every due reminder and every complaint's card (the outbox: committed with the complaint,
    # posted by the scheduler) went out at least once, and again at most once per crash.
    delivered = Counter(log.read_text().splitlines())
    # The days the test moves on also bring targets' warnings and breaches (tested once each
    # in tests/sla); here only reminders and cards are counted.
    delivered = Counter({line: n for line, n in delivered.items() if "target" not in line})
    cards = {f"Complaint #{n} · Delivery · Open|{n}" for n in numbers}
    assert set(delivered) <= {f"Follow-up due|{n}" for n in numbers} | cards, delivered
    for what in ("Follow-up due", "Complaint"):
        sent = Counter(
            {int(line.split("|")[1]): n for line, n in delivered.items() if line.startswith(what)}
        )
        assert set(sent) == set(numbers), f"{what} never delivered: {set(numbers) - set(sent)}"
        assert max(sent.values()) <= 1 + outcome.crashes, sent
    assert max(delivered.values()) >= 2  # what was accepted as the first run died went again
    targets = ("sla_warning", "sla_breach")  # each complaint's deadlines: tested in tests/sla
    assert Counter(job for job in jobs if job[0] not in targets) == Counter(
        {("follow_up", "done"): COMPLAINTS, ("card", "done"): COMPLAINTS}
    )
