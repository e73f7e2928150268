"""What the fuzz tests (tests/test_fuzz_*.py) type and check: arbitrary text as people and
platforms send it, and the one promise every reply keeps, whatever was sent.

Examples are derived from each test's name on CI (CI=true: the same cases every run, so a
failure there is a bug, never bad luck); elsewhere they are random, to find new ones. The core's
fuzz tests share their examples between the backends (half each when PostgreSQL is there too),
and run the core in an event loop of their own, so that the number of examples can follow.
"""

from __future__ import annotations

import asyncio
import logging
import os
import string
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, timedelta, timezone

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor, Role
from bot.i18n import SUPPORTED_LOCALES, Translator
from bot.settings import Settings
from bot.ui import Reply
from storage.db import Database
from tests.conftest import PG_URL, START, _empty_tables
from tests.factories import texts

# As bot/app.py says it when a handler raised (it also logs it: no_unexpected_errors sees that).
SOMETHING_WENT_WRONG = "Something went wrong on our side; nothing was saved. Error id: {error_id}"
# The sentence before the error id, in every language: a reply must never contain it.
CRASHED = tuple(
    Translator(locale)(SOMETHING_WENT_WRONG).split("{")[0] for locale in SUPPORTED_LOCALES
)
assert all(sentence.strip() for sentence in CRASHED), CRASHED


def share(examples: int) -> int:
    """One backend's share of a test's examples."""
    return examples // 2 if PG_URL else examples


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=os.environ.get("CI") == "true",
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


# --- text -------------------------------------------------------------------------------------

SCRIPTS = (
    "रवि कुमार",  # Hindi
    "पार्सल दोन आठवडे उशिरा आले",  # Marathi
    "রবি কুমার, ঢাকা",  # Bengali
    "Si Juan dela Cruz",  # Tagalog
    "क्‍ष",  # with a zero width joiner
    "😀👨‍👩‍👧🇮🇳",
    "١٢٣",  # Arabic-Indic digits
    "१२",  # Devanagari digits
    "৫০০",  # Bengali digits
    "²³",  # superscripts: digits to str.isdigit, not to int()
    "Ⅻ½",
    "１２３",  # fullwidth
    "\u202eevil",
    "e\u0301",  # a combining accent (NFC)
)
SQL = (
    "'; DROP TABLE complaints; --",
    "1' OR '1'='1",
    "%",
    "_%_",
    "\\",
    "$$ $1",
    "NULL",
    '"quoted"',
    "<script>alert(1)</script>",
    "*bold* <@U1> <!channel>",
)
NUMBERS = (
    "0",
    "-1",
    "150.505",
    "1e999",
    "-0",
    "NaN",
    "Infinity",
    "0x10",
    "1_000",
    "1,00,000",
    " 42 ",
    "+5",
    "99999999999999999999",
    "2147483648",
    "9223372036854775808",
    "#3",
)
DATES = (
    "+2d",
    "+0m",
    "+9999mo",
    "+9999w",
    "+ 3 h",
    "2026-11-02",
    "2026-02-30 10:00",
    "2026-11-02 25:00",
    "0001-01-01",
    "0001-01-01T00:00+05:00",
    "9999-12-31T23:59:59",
    "9999-12-31T23:59-05:00",
    "2026-11-02T09:00:00Z",
    "tomorrow",
)
CONTROL = st.text(st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Zs"]), max_size=8)
HUGE = st.builds(
    lambda piece, times: piece * times,
    st.sampled_from(["x", "क्ष", "😀", "a b ", "\x00", "1", "ক"]),
    st.integers(50, 5000),
)
DATETIMES = st.datetimes(
    timezones=st.sampled_from(
        [None, UTC, timezone(timedelta(hours=14)), timezone(-timedelta(hours=12, minutes=30))]
    )
).map(lambda moment: moment.isoformat(sep=" "))
WORDS = st.sampled_from(SCRIPTS + SQL + NUMBERS + DATES)
TEXT: st.SearchStrategy[str] = st.one_of(
    st.text(max_size=30),
    WORDS,
    CONTROL,
    HUGE,
    DATETIMES,
    st.integers().map(str),
    st.floats().map(str),
    st.builds(lambda a, b: f"{a}{b}", WORDS, st.text(string.printable, max_size=10)),
)
LOCALES = st.sampled_from(SUPPORTED_LOCALES)


def actor(name: str, locale: str | None, *, dm: bool = False, role: Role | None = None) -> Actor:
    """Asha the admin or Bob the agent, in the shell's workspace, in their client's language."""
    return Actor(
        "console",
        "T1",
        name.lower(),
        name,
        channel_id=None if dm else "C1",
        is_dm=dm,
        platform_role=role,
        locale=locale,
    )


@contextmanager
def core_on(database_url: str) -> Iterator[tuple[asyncio.Runner, CareBot]]:
    """CareBot on emptied tables, in an event loop of the test's own (run coroutines with
    runner.run): hypothesis then drives plain functions, with settings chosen at run time."""
    with asyncio.Runner() as runner:
        db = Database(database_url)
        try:
            runner.run(_empty_tables(db))
            config = Settings(  # type: ignore[call-arg]
                _env_file=None, database_url=database_url, default_phone_region="IN"
            )
            yield runner, CareBot(db, config, ManualClock(START))
        finally:
            runner.run(db.dispose())


# --- the promise ------------------------------------------------------------------------------


def never_crashed(reply: Reply) -> None:
    """No reply ever says something went wrong on our side, in any language."""
    shown = texts(reply)
    assert not any(sentence in shown for sentence in CRASHED), shown[:500]


@contextmanager
def no_unexpected_errors(logger: str = "bot.app") -> Iterator[list[logging.LogRecord]]:
    """Errors logged by `logger` (an unexpected exception is logged there with its id)."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(logging.ERROR)
    target = logging.getLogger(logger)
    target.addHandler(handler)
    try:
        yield records
    finally:
        target.removeHandler(handler)
    assert not records, [r.getMessage() for r in records][:5]
