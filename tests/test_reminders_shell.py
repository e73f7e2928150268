"""Due work in the terminal shell: moving the clock brings the follow-up reminder, and a month
after the resolution the retention check; each arrives once, and its buttons work."""

from __future__ import annotations

from pathlib import Path

from storage.db import Database
from tests.test_shell import LOG_A_COMPLAINT, run_cli


async def test_reminder_and_retention_check_arrive_once_as_the_clock_moves(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    session = [
        "/complaint survey delay off",  # this team calls its customers itself
        "/complaint survey one-month off",
        *LOG_A_COMPLAINT,  # follow-up in two days
        "/clock +1d",
        "/clock +1d",
        "/clock +1h",
        "2",  # Done – not satisfied
        "/complaint show 1",
        "2",  # Resolve
        "",
        "1",  # carried out on the spot
        "",
        "",
        "",
        "",
        "/clock +1mo",
        "/clock +1d",
        "1",  # Record the answers
        "1",  # satisfied: yes
        "2",  # bought again: no
        "Call back sooner",
        "/clock +1mo",
    ]
    result = run_cli(["shell"], session, database_url, tmp_path)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert out.count("[for Asha] ── Follow-up due: complaint #1 · Delivery") == 1
    before, after = out.split("Follow-up due: complaint #1", 1)
    assert before.count("The shell's clock says") == 2  # due after the second day, not before
    assert "Follow-up of complaint #1 recorded." in after
    assert out.count("Retention check due: complaint #1") == 1
    assert "Retention check of complaint #1 recorded. Thank you!" in out
    assert "Reminder: the retention check" not in out  # answered: no nudges
    assert "Traceback" not in out + result.stderr
