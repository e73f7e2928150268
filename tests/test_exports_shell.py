"""/complaint export and /report in the shell: the file is saved and its path printed; the
report's table is printed (its chart, once drawn, is saved the same way)."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from pathlib import Path

from bot.settings import Settings
from storage.db import Database
from tests.test_shell import LOG_A_COMPLAINT, shell_session


async def test_an_export_is_saved_and_a_report_printed(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    settings = settings.model_copy(update={"files_dir": str(tmp_path)})
    out = await shell_session(
        db,
        settings,
        [*LOG_A_COMPLAINT, "/as Meera manager", "/complaint export", "/report agents month"],
    )
    assert "1 complaint exported." in out
    (saved,) = re.findall(r"Saved to (\S+\.csv)", out)
    path = Path(saved)
    assert path.parent == tmp_path
    (row,) = list(
        csv.DictReader(io.StringIO(await asyncio.to_thread(path.read_text, encoding="utf-8")))
    )
    assert row["customer_name"] == "Ravi Kumar" and row["number"] == "1"
    assert "Agents, " in out and "Taken: 1" in out
