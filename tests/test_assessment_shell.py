"""The self-assessment in the terminal shell: answers typed as digits, pause, a restart of the
program, and the chart saved to a file whose path is printed."""

from __future__ import annotations

import re
from pathlib import Path

from storage.db import Database
from tests.test_shell import run_cli


def is_png_under(path: Path, folder: Path) -> bool:
    return path.is_relative_to(folder.resolve()) and path.read_bytes().startswith(b"\x89PNG")


async def test_the_assessment_in_the_shell_survives_a_restart(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    first = run_cli(
        ["shell"],
        ["/as Meera manager", "/assessment", "5", "4", "6", "3", "7"],  # 6 = Back, 7 = Pause
        database_url,
        tmp_path,
    )
    assert first.returncode == 0, first.stderr
    assert "Your answer before: 4 — Most of the time" in first.stdout
    assert "Assessment paused at statement 3 of 25." in first.stdout

    # A new process: the assessment goes on at statement 3, with the answers kept (5, then 3).
    second = run_cli(
        ["shell"],
        ["/as Meera manager", "/assessment", *["4"] * 23, "/assessment history"],
        database_url,
        tmp_path,
    )
    out = second.stdout
    assert second.returncode == 0, second.stderr
    assert "3 of 25 · section 1 of 7" in out
    # Section 1 = (5+3+4+4)/4 = 4; every other section 4: 28, an asset.
    assert "[direct message] ── Your result: 28 of 35 · Asset" in out
    saved = re.findall(r"Saved to (\S+\.png):", out)
    assert len(saved) == 2  # the result's radar chart and the history's trend chart
    for path in saved:
        assert is_png_under(Path(path), tmp_path)
    assert "Traceback" not in out + second.stderr


async def test_a_wrong_digit_is_refused_without_recording_anything(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    result = run_cli(["shell"], ["/assessment", "9", "/assessment"], database_url, tmp_path)
    assert "There is no button with that number." in result.stdout
    assert result.stdout.count("1 of 25 · section 1 of 7") == 2
