"""The policy workbook in the terminal: numbered buttons, a prompt per question, the file."""

from __future__ import annotations

import re
from pathlib import Path

from storage.db import Database
from tests.test_shell import run_cli


def read(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


async def test_write_a_section_and_save_the_document(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    session = [
        "/policy",
        "4",  # Speed
        "1",  # Write
        "Calls answered within three rings",
        "/policy document",
    ]
    result = run_cli(["shell"], session, database_url, tmp_path)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Customer service policy: 0 of 10 sections final" in out
    assert "Maximum waiting times and who answers" in out
    assert "Saved as version 1 of “Speed”." in out
    (path,) = re.findall(r"Saved to (\S+\.md):", out)
    assert "Calls answered within three rings" in read(path)
    assert "Traceback" not in out + result.stderr
