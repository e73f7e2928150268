"""The terminal shell, driven as a person would: typed lines in, what they read out."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from adapters.console import render
from adapters.console.shell import Shell
from bot.app import CareBot
from bot.clock import OffsetClock
from bot.settings import Settings
from bot.tree import Router
from bot.ui import Message, Section
from storage.db import Database
from tests.factories import MARKUP, add_survey
from tests.paging_data import copies_of_first_complaint

CAREBOT = str(Path(sys.executable).parent / "carebot")

LOG_A_COMPLAINT = [
    "/as Asha manager",
    "/complaint",
    "Ravi Kumar",  # name
    "98765 43210",  # phone
    " Ravi.Kumar@Example.COM ",  # email
    "12 MG Road, Pune",  # address
    "",  # language: keep the workspace's
    "2",  # category: Delivery
    "",  # priority: keep normal
    "Parcel arrived two weeks late",  # what happened
    "",  # received by: keep
    "",  # received at: now
    "Refund the shipping fee",  # solution
    "2",  # promised for later
    "Called the courier",  # steps
    "+2d",  # follow-up
    "Shipping refund",  # compensation
    "150.50",  # amount
    "",  # currency: keep INR
    "Use the faster courier",  # prevention
]


def run_cli(
    args: list[str], lines: list[str], database_url: str, cwd: Path
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "DEFAULT_PHONE_REGION": "IN"}
    return subprocess.run(
        [CAREBOT, *args],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=60,
        check=False,
    )


async def test_a_whole_complaint_through_the_carebot_shell_command(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    session = [
        *LOG_A_COMPLAINT,
        "/complaint list",
        "/complaint show 1",
        "3",  # the third button: Follow-up done
        "1",  # satisfied
        "Call sooner next time",
        "/complaint show 1",
        "2",  # Resolve
        "",  # keep the solution
        "1",  # carried out on the spot
        "",
        "",
        "",
        "",
        "/complaint list open",
    ]
    result = run_cli(["shell"], session, database_url, tmp_path)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Complaint #1 is logged" in out
    steps = [line for line in out.splitlines() if line.startswith("· ")]  # the form's steps
    assert steps[:4] == [
        "· The customer",
        "· The complaint",
        "· The solution",
        "· Compensation and prevention",
    ]
    assert "[posted in the channel] ── Complaint #1 · Delivery · Open" in out
    assert "#1 · Delivery · Normal · Open" in out
    assert "+91 98765 43210" in out and "₹150.50 · Shipping refund" in out
    assert "Follow-up of complaint #1 recorded." in out
    assert "done" in out and "satisfied" in out
    assert "Complaint #1 is resolved." in out
    assert "No open complaints. Well done!" in out
    assert out.rstrip().endswith("Goodbye.")
    assert "Traceback" not in out + result.stderr

    exported = run_cli(["export", "complaints", "--format", "jsonl"], [], database_url, tmp_path)
    assert exported.returncode == 0, exported.stderr
    (row,) = [json.loads(line) for line in exported.stdout.splitlines()]
    assert row["customer_name"] == "Ravi Kumar" and row["customer_phone"] == "+919876543210"
    assert row["customer_address"] == "12 MG Road, Pune" and row["received_by"] == "Asha"
    assert row["customer_email"] == "Ravi.Kumar@example.com" and row["customer_language"] == "en"
    assert row["category"] == "delivery" and row["description"] == "Parcel arrived two weeks late"
    assert row["solution"] == "Refund the shipping fee" and row["solution_mode"] == "on_the_spot"
    assert row["steps"] == ["Called the courier"]
    assert row["compensation_amount"] == "150.50" and row["compensation_currency"] == "INR"
    assert row["prevention"] == "Use the faster courier" and row["status"] == "resolved"
    assert row["resolved_at"] is not None


async def test_export_as_csv_and_since_a_date(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    assert run_cli(["shell"], LOG_A_COMPLAINT, database_url, tmp_path).returncode == 0
    exported = run_cli(["export", "complaints", "--format", "csv"], [], database_url, tmp_path)
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert [r["customer_name"] for r in rows] == ["Ravi Kumar"]
    assert rows[0]["compensation_amount"] == "150.50"
    later = run_cli(["export", "complaints", "--since", "2999-01-01"], [], database_url, tmp_path)
    assert list(csv.DictReader(io.StringIO(later.stdout))) == []
    assert "0 complaints exported" in later.stderr
    bad = run_cli(["export", "complaints", "--since", "yesterday"], [], database_url, tmp_path)
    assert bad.returncode == 2 and "use a date like" in bad.stderr


async def shell_session(
    db: Database, settings: Settings, lines: list[str], routes: Router | None = None
) -> str:
    clock = OffsetClock()
    out = io.StringIO()
    shell = Shell(
        CareBot(db, settings, clock, routes=routes),
        clock,
        settings,
        io.StringIO("\n".join(lines) + "\n"),
        out,
    )
    assert await shell.run() == 0
    return out.getvalue()


async def test_a_wrong_field_is_asked_again_with_its_message(
    db: Database, settings: Settings
) -> None:
    lines = list(LOG_A_COMPLAINT)
    lines[3] = "12ab"  # a malformed phone
    lines[4] = "ravi@@example"  # a malformed email
    lines[17] = "-5"  # a negative amount
    fixes = ["98765 43210", "ravi@example.com", "150", "/complaint list"]
    out = await shell_session(db, settings, [*lines, *fixes])

    assert "Customer phone: This does not look like a phone number. Example: +91" in out
    assert "Customer's email: This does not look like an email address. Example: name@" in out
    assert "Compensation amount: The amount cannot be negative." in out
    assert "Customer phone [Enter keeps: 12ab]" in out
    assert "Complaint #1 is logged" in out
    assert out.count("Customer name (required)") == 1  # right fields are not asked again


async def test_a_choice_is_typed_by_its_number_its_label_or_its_value(
    db: Database, settings: Settings
) -> None:
    lines = list(LOG_A_COMPLAINT)
    lines[7] = "DELIVERY"  # the category by its value, in any letter case
    lines[12] = "  promised FOR later "  # the solution's mode by its label
    out = await shell_session(db, settings, [*lines, "/complaint show 1"])
    assert "Complaint #1 is logged" in out
    details = out.split("Complaint #1 is logged")[1]
    assert "Delivery" in details and "promised for later" in details


async def test_a_command_inside_a_form_cancels_it_and_runs(
    db: Database, settings: Settings
) -> None:
    out = await shell_session(db, settings, ["/complaint", "Ravi", "/complaint list"])
    assert "Form cancelled; nothing was saved." in out
    assert "No open complaints" in out


async def test_people_roles_and_the_clock(db: Database, settings: Settings) -> None:
    out = await shell_session(
        db,
        settings,
        [
            *LOG_A_COMPLAINT,
            "/as Bob",
            "/complaint show 1",
            "/clock +3d",
            "/complaint list overdue",
            "/clock soon",
            "9",
            "/help",
        ],
    )
    assert "You are now Bob." in out
    bob_view = out.split("You are now Bob.")[1]
    assert "R•••" in bob_view and "Ravi Kumar" not in bob_view.split("The shell's clock")[0]
    assert "The shell's clock says" in out
    assert "Overdue follow-ups" in out and "#1 · Delivery" in out.split("Overdue follow-ups")[1]
    assert "Use /clock +N" in out
    assert "There is no button with that number." in out
    assert "/as NAME [agent|manager|admin]" in out


async def test_end_of_input_in_the_middle_of_a_form_exits_cleanly(
    db: Database, settings: Settings
) -> None:
    out = await shell_session(db, settings, ["/complaint", "Ravi"])
    assert out.rstrip().endswith("Goodbye.")


async def test_a_customers_markup_in_the_digest_prints_as_typed(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    settings = settings.model_copy(update={"files_dir": str(tmp_path)})  # the digest's chart
    spot = LOG_A_COMPLAINT.index("2", LOG_A_COMPLAINT.index("Refund the shipping fee"))
    resolved = [*LOG_A_COMPLAINT[:spot], "1", *LOG_A_COMPLAINT[spot + 1 :]]  # on the spot
    await shell_session(db, settings, resolved)
    now = datetime.now(UTC)
    typed = f"{MARKUP}\x1b[2J\x1b]0;owned\x07"  # with a terminal's clear-screen and retitle
    await add_survey(db, 1, "resolution", now, now, score=3, better=typed)
    # A week on, the preview reports this week.
    out = await shell_session(db, settings, ["/as Asha manager", "/clock +7d", "/digest preview"])
    assert f"“{MARKUP} [2J ]0;owned” (score 3 of 5)" in out
    assert "\x1b" not in out and "\x07" not in out
    assert "Response rate: 100% · 1 of 1 answered" in out


def test_control_characters_never_reach_the_terminal() -> None:
    """Whatever text a message holds (a customer's words from a web page), the shell prints
    no escape sequence: it could clear the screen or retitle the terminal."""
    shown = render.message(
        Message(
            text="Complaint \x1b[31m#1",
            sections=(
                Section(
                    title="Notes\x07", body="Line one\n\x1b]0;owned\x07", fields=(("A", "\x9bB"),)
                ),
            ),
        )
    )
    assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown
    assert "Complaint �[31m#1" in shown and "  Line one\n  �]0;owned�" in shown


# The shell's own lines, each in English: none may show once the person chose Marathi.
SHELL_ENGLISH = (
    "(required)",
    "[Enter keeps:",
    "Type /cancel to stop filling this form.",
    "Form cancelled; nothing was saved.",
    "The shell's clock says",
    "[posted in the channel]",
    "saved to",
    "[for Asha]",
    "[direct message]",
    "You are now",
    "Goodbye.",
)


async def test_the_shell_speaks_the_language_the_person_chooses(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    settings = settings.model_copy(update={"files_dir": str(tmp_path)})
    lines = list(LOG_A_COMPLAINT)
    lines[3] = "12ab"  # asked again with "[Enter keeps: 12ab]"
    fixes = ["98765 43210"]
    out = await shell_session(
        db,
        settings,
        [
            "/as Asha manager",
            "/language mr",
            *lines[1:],
            *fixes,
            "/complaint",  # a form left for a command: cancelled
            "/clock +7d",  # the follow-up's reminder is printed "for Asha"
            "/as Asha manager",  # herself again: still Marathi
            "/assessment team",  # answered in a direct message
            "/digest preview",  # its chart saved to the folder
        ],
    )
    marathi = out.split("/language mr", 1)[1]
    assert "तक्रार #1" in marathi  # the complaint was logged, in Marathi
    assert "[Asha साठी]" in marathi and "top-issues-" in marathi  # the reminder, the chart
    for english in SHELL_ENGLISH:
        assert english not in marathi, english
    assert "Goodbye." not in out  # the last words too

    back = await shell_session(db, settings, ["/as Asha manager", "/language en", "/complaint"])
    after = back.split("/language en", 1)[1]
    assert "Customer name (required)" in after and "Type /cancel to stop filling" in after
    assert after.rstrip().endswith("Goodbye.")


async def test_the_first_words_follow_a_language_chosen_before(
    db: Database, settings: Settings
) -> None:
    """A person who chose Marathi yesterday is greeted in Marathi today; a name merely typed
    after /as is not registered by the shell looking up its language."""
    await shell_session(db, settings, ["/language mr"])
    out = await shell_session(db, settings, ["/as Nobody"])
    assert "carebot shell." not in out.splitlines()[0]
    assert "You are now Nobody." in out  # Nobody speaks the workspace's English


async def test_a_long_list_goes_on_with_page_n_and_its_next_page_button(
    db: Database, settings: Settings
) -> None:
    await shell_session(db, settings, LOG_A_COMPLAINT)
    await copies_of_first_complaint(db, 29)  # 30 complaints: two pages of 25
    lines = ["/as Asha manager", "/complaint list all", "6", "/complaint list all page 2"]
    out = await shell_session(db, settings, [*lines, "/complaint list all page 3"])

    _, _, first, pressed, typed, past, _ = out.split("\n> ")  # what each line answered
    assert "Showing 1–25 of 30." in first and "/complaint list all page 2" in first
    assert "#30 ·" in first and "#5 ·" not in first and "[6] Next page" in first
    for second in (pressed, typed):  # the button and the typed words show the same page
        assert "Showing 26–30 of 30." in second and "Next page" not in second
        assert "#5 ·" in second and "#1 ·" in second and "#6 ·" not in second
    assert "Page 3 is past the end: there are 2 pages." in past
