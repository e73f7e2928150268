"""The pseudo-locale in the terminal shell: a complaint logged, shown and listed, a wrong
field and an unknown command, read by a person whose workspace speaks `qps`."""

from __future__ import annotations

import io

from adapters.console.shell import Shell
from bot.app import CareBot
from bot.clock import OffsetClock
from storage.db import Database
from tests.pseudo import leaks, pseudo_locale, qps_settings  # noqa: F401
from tests.test_shell import LOG_A_COMPLAINT

TYPED = [line.strip() for line in LOG_A_COMPLAINT if line.strip()] + [
    "Ravi.Kumar@example.com"
]  # as saved
# Leaks known and left to the work that removes them (each names it); none may be added here.
EXPECTED: tuple[str, ...] = ()


async def test_the_shell_speaks_only_pseudo_text(
    pseudo_locale: str,  # noqa: F811
    db: Database,
    database_url: str,
) -> None:
    settings = qps_settings(database_url)
    lines = list(LOG_A_COMPLAINT)
    lines[3] = "12ab"  # a malformed phone, asked again
    session = [
        *lines,
        "98765 43210",  # the phone, asked again
        "/complaint list",
        "/complaint show 1",
        "/weather",
        "/as Bob",
        "/complaint categories add Billing",
        "/clock +3d",
        "/complaint",
        "Ravi",
        "/help",
    ]
    clock = OffsetClock()
    out = io.StringIO()
    bot = CareBot(db, settings, clock)
    shell = Shell(bot, clock, settings, io.StringIO("\n".join(session) + "\n"), out)
    assert await shell.run() == 0
    shown = out.getvalue()
    found = [
        line
        for line in leaks(shown, [*TYPED, *session], ["Asha", "Bob"])
        if not any(known in line for known in EXPECTED)
    ]
    assert not found, "\n".join(found)


async def test_the_shell_follows_a_persons_language(
    pseudo_locale: str,  # noqa: F811
    db: Database,
    database_url: str,
) -> None:
    """The shell starts in English; the person makes the workspace's language and their own
    `qps`, and reads only it from then on."""
    settings = qps_settings(database_url, default_locale="en")
    session = [
        "/as Asha admin",
        f"/language workspace {pseudo_locale}",
        f"/language {pseudo_locale}",
        *LOG_A_COMPLAINT[1:],
        "/complaint show 1",
        "/complaint",
        "Ravi",
        "/cancel",
    ]
    clock = OffsetClock()
    out = io.StringIO()
    shell = Shell(
        CareBot(db, settings, clock), clock, settings, io.StringIO("\n".join(session) + "\n"), out
    )
    assert await shell.run() == 0
    shown = out.getvalue().split(f"> /language {pseudo_locale}", 1)[1]
    found = [
        line
        for line in leaks(shown, [*TYPED, *session], ["Asha"])
        if not any(known in line for known in EXPECTED)
    ]
    assert not found, "\n".join(found)
