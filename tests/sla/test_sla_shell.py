"""Targets in the terminal shell: a manager sets them, an urgent complaint is logged, and as
the clock moves its agent is warned, then told of the breach, once each."""

from __future__ import annotations

from pathlib import Path

from storage.db import Database
from tests.test_shell import LOG_A_COMPLAINT, run_cli


def urgent_without_steps() -> list[str]:
    lines = list(LOG_A_COMPLAINT)
    lines[lines.index("2") + 1] = "1"  # after the category, the priority: Urgent
    lines[lines.index("Called the courier")] = ""  # no step yet: no first response
    return lines


async def test_an_urgent_complaint_is_warned_then_breached_once(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    session = [
        "/as Asha manager",
        "/sla hours mon-sun 00:00-23:59",  # open at any hour the test runs
        "/sla warn 50",
        "/sla hours funday 09:00-18:00",
        *urgent_without_steps(),
        "/clock +35m",
        "/clock +35m",
        "/clock +1h",
    ]
    result = run_cli(["shell"], session, database_url, tmp_path)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "“funday” is not a day" in out
    assert "Warning: at 50%" in out
    assert out.count("Complaint #1 needs a first response by") == 1
    assert out.count("Complaint #1 missed its first-response target by") == 1
    assert "Priority: Urgent" in out
    assert "Traceback" not in out + result.stderr
