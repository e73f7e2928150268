"""`carebot customer export|erase` on the server, as an operator runs them (a subprocess)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from storage.db import Database
from storage.models import AuditEvent, Complaint
from tests.test_shell import LOG_A_COMPLAINT, run_cli

WORKSPACE = ["--workspace", "console:local"]  # the shell's workspace


async def test_export_then_erase_from_the_command_line(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    assert run_cli(["shell"], LOG_A_COMPLAINT, database_url, tmp_path).returncode == 0

    exported = run_cli(
        ["customer", "export", "+91 98765 43210", *WORKSPACE], [], database_url, tmp_path
    )
    assert exported.returncode == 0, exported.stderr
    doc = json.loads(exported.stdout)
    (complaint,) = doc["complaints"]
    assert doc["workspace"] == "console:local" and doc["customer"] == {"phone": "+919876543210"}
    assert complaint["customer_name"] == "Ravi Kumar" and complaint["number"] == 1
    assert complaint["steps"][0]["text"] == "Called the courier"
    assert complaint["customer_email"] == "Ravi.Kumar@example.com"
    assert complaint["customer_language"] == "en" and complaint["surveys"] == []
    assert "1 complaints exported" in exported.stderr

    by_email = ["customer", "export", "RAVI.KUMAR@example.com", *WORKSPACE]
    exported = run_cli(by_email, [], database_url, tmp_path)
    assert exported.returncode == 0, exported.stderr
    doc = json.loads(exported.stdout)
    assert doc["customer"] == {"email": "RAVI.KUMAR@example.com"}  # any letter case finds it
    assert [c["number"] for c in doc["complaints"]] == [1]

    asked = run_cli(["customer", "erase", "9876543210", *WORKSPACE], [], database_url, tmp_path)
    assert asked.returncode == 1 and "--yes" in asked.stderr
    async with db.session() as session:
        assert (await session.scalars(select(Complaint.customer_name))).one() == "Ravi Kumar"

    erased = run_cli(
        ["customer", "erase", "ravi kumar", *WORKSPACE, "--yes"], [], database_url, tmp_path
    )
    assert erased.returncode == 0, erased.stderr
    assert "1 complaints erased" in erased.stderr
    async with db.session() as session:
        row = (await session.scalars(select(Complaint))).one()
        events = list(
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action.in_(("customer_exported", "customer_erased")))
                .order_by(AuditEvent.id)
            )
        )
    assert (row.customer_name, row.customer_phone, row.customer_address) == ("erased", None, None)
    assert row.customer_email is None
    assert [(e.action, e.actor_id, e.changes["via"], e.changes["numbers"]) for e in events] == [
        ("customer_exported", None, "cli", [1]),
        ("customer_exported", None, "cli", [1]),
        ("customer_erased", None, "cli", [1]),
    ]
    assert [e.changes["matched_by"] for e in events] == ["phone", "email", "name"]
    assert "example.com" not in str([e.changes for e in events])
    assert all(e.changes["operator"] for e in events)

    again = run_cli(["customer", "export", "9876543210", *WORKSPACE], [], database_url, tmp_path)
    assert json.loads(again.stdout)["complaints"] == []


async def test_a_wrong_workspace_or_customer_is_refused(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    assert run_cli(["shell"], ["/help"], database_url, tmp_path).returncode == 0
    missing = ["customer", "export", "9876543210", "--workspace", "slack:TNOPE"]
    assert run_cli(missing, [], database_url, tmp_path).returncode == 2
    malformed = ["customer", "export", "9876543210", "--workspace", "local"]
    assert "PLATFORM:ID" in run_cli(malformed, [], database_url, tmp_path).stderr
    short = run_cli(["customer", "export", "x", *WORKSPACE], [], database_url, tmp_path)
    assert short.returncode == 2 and "phone number, email or full name" in short.stderr
    wrong = run_cli(["customer", "export", "ravi@", *WORKSPACE], [], database_url, tmp_path)
    assert wrong.returncode == 2 and "does not look like an email address" in wrong.stderr
