"""Logs: JSON lines with structured fields, no secret and no customer's data in any of them."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import event

from adapters.discord.settings import DiscordSettings
from adapters.slack.settings import SlackSettings
from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.logs import MASK, configure
from bot.settings import Settings
from storage.db import Database
from tests.factories import log_complaint, texts

SLACK_BOT = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx"
SLACK_USER = "xoxp-1234567890-0987654321-1122334455-abcdef0123456789"
SLACK_APP = "xapp-1-A0123456789-1234567890123-abcdef0123456789abcdef"
DISCORD = "MTA5ODc2NTQzMjEwOTg3NjU0Mw.GhIjKl.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789ab"
SIGNING = "8f742231b10e8888abcd99yyyzzz85a5"

# A customer no other test has: found anywhere in the logs, it leaked.
NAME, PHONE, ADDRESS = "Zubeida Quarshie-Nakamura", "98111 22334", "7 Tamarind Close, Nagpur"
EMAIL = "zqn.orders@marigold-mail.example"
LEAKS = ("Zubeida", "Quarshie", "Nakamura", "98111", "22334", "9811122334", "Tamarind", "zqn.o")
LEAKS += ("marigold",)


def config(**fields: Any) -> Settings:
    return Settings(_env_file=None, **fields)  # type: ignore[call-arg]


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_json_lines_carry_time_level_logger_message_and_extras() -> None:
    stream = io.StringIO()
    configure(config(log_format="json"), stream=stream)
    log = logging.getLogger("carebot.test")
    log.info("job %d sent", 7, extra={"event": "scheduler.job", "job_id": 7, "kind": "digest"})
    log.debug("not at INFO")

    (line,) = lines(stream)
    assert line["level"] == "INFO" and line["logger"] == "carebot.test"
    assert line["message"] == "job 7 sent"
    assert line["time"].endswith("+00:00")
    assert (line["event"], line["job_id"], line["kind"]) == ("scheduler.job", 7, "digest")


def test_text_lines_end_with_the_extras_and_the_level_is_the_settings() -> None:
    stream = io.StringIO()
    configure(config(log_level="debug", log_format="TEXT"), stream=stream)
    logging.getLogger("carebot.test").debug("tick", extra={"claimed": 3, "duration": 0.5})
    assert stream.getvalue().rstrip().endswith("DEBUG carebot.test tick claimed=3 duration=0.5")


def test_configuring_again_replaces_the_handler_and_keeps_libraries_quiet() -> None:
    first, second = io.StringIO(), io.StringIO()
    configure(config(), stream=first)
    configure(config(log_level="DEBUG"), stream=second, level=logging.WARNING)
    logging.getLogger("carebot.test").info("hidden")
    logging.getLogger("carebot.test").warning("shown")
    assert first.getvalue() == "" and "shown" in second.getvalue()
    assert "hidden" not in second.getvalue()
    configure(config(log_level="DEBUG"), stream=second)
    # aiosqlite logs every statement with its parameters at DEBUG: held at INFO.
    assert logging.getLogger("aiosqlite").getEffectiveLevel() == logging.INFO


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_tokens_and_secrets_are_redacted_wherever_they_appear(fmt: str) -> None:
    stream = io.StringIO()
    settings = config(log_format=fmt)
    slack = SlackSettings(  # type: ignore[call-arg]
        _env_file=None, slack_bot_token=SLACK_BOT, slack_signing_secret=SIGNING
    )
    own = DiscordSettings(_env_file=None, discord_token=DISCORD)  # type: ignore[call-arg]
    configure(settings, slack, own, stream=stream)
    log = logging.getLogger("carebot.test")
    log.warning("calling Slack with %s and %s", SLACK_BOT, SLACK_USER)
    log.warning("socket mode: %s", SLACK_APP)
    log.warning("gateway token %s", DISCORD, extra={"token": DISCORD, "detail": SLACK_BOT})
    log.warning("signing secret %s", SIGNING)
    log.warning("settings %r", slack)  # a SecretStr shows as stars
    log.warning("db postgresql+asyncpg://carebot:hunter2secret@db:5432/carebot is down")
    log.info('GET /slack/oauth_redirect?code=1234.5678.abcd&state=s3cr3t-state HTTP/1.1" 302')
    try:
        raise RuntimeError(f"Slack said invalid_auth for {SLACK_BOT}")
    except RuntimeError:
        log.exception("call failed")

    out = stream.getvalue()
    for secret in (
        SLACK_BOT,
        SLACK_USER,
        SLACK_APP,
        DISCORD,
        SIGNING,
        "hunter2secret",
        "1234.5678.abcd",
        "s3cr3t-state",
    ):
        assert secret not in out
    assert out.count(MASK) >= 10
    assert "postgresql+asyncpg://carebot:[redacted]@db:5432/carebot" in out
    assert "RuntimeError: Slack said invalid_auth for [redacted]" in out
    assert str(SecretStr("x")) in out  # the settings' repr, stars in place of every secret
    if fmt == "json":
        assert all(isinstance(line, dict) for line in lines(stream))


async def test_no_customer_data_in_any_log_even_when_an_event_fails(
    db: Database,
    settings: Settings,
    clock: ManualClock,
    asha: Actor,
    caplog: pytest.LogCaptureFixture,
) -> None:
    stream = io.StringIO()
    configured = settings.model_copy(update={"log_level": "DEBUG", "log_format": "json"})
    configure(configured, stream=stream)
    caplog.set_level(logging.DEBUG)
    carebot = CareBot(db, configured, clock)
    data = {
        "customer_name": NAME,
        "customer_phone": PHONE,
        "customer_email": EMAIL,
        "customer_address": ADDRESS,
    }

    assert (await log_complaint(carebot, asha, **data)).errors is None
    assert NAME in texts(await carebot.command(asha, "complaint", "show 1"))
    await carebot.command(asha, "complaint", f"search {NAME}")
    await carebot.command(asha, "complaint", f"search {EMAIL}")
    bad = await log_complaint(
        carebot, asha, **data | {"customer_phone": PHONE * 3, "customer_email": f"{EMAIL}@"}
    )
    assert bad.errors

    def fail_insert(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO COMPLAINTS"):
            raise RuntimeError(f"disk full while saving {NAME}, {PHONE}")

    # An unexpected error whose message (and SQLAlchemy's, with the INSERT's parameters)
    # quotes the customer: the person gets an error id, the log gets the id and the stack.
    event.listen(db.engine.sync_engine, "before_cursor_execute", fail_insert)
    try:
        failed = texts(await log_complaint(carebot, asha, **data))
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", fail_insert)
    assert "Error id:" in failed
    error_id = failed.rsplit(" ", 1)[-1]

    records = [vars(record) for record in caplog.records]
    everything = caplog.text + repr(records) + stream.getvalue()
    for leak in LEAKS:
        assert leak not in everything, leak
    (error,) = [line for line in lines(stream) if line.get("error_id") == error_id]
    assert error["level"] == "ERROR" and error["event"] == "complaint.create"
    assert error["kind"] == "submit" and error["platform"] == "console"
    assert "Traceback" in error["stack"] and "fail_insert" in error["stack"]
    events = [line for line in lines(stream) if line.get("outcome")]
    assert [(e["kind"], e["event"], e["outcome"]) for e in events] == [
        ("submit", "complaint.create", "ok"),
        ("command", "complaint show", "ok"),  # the words of the command, never what followed
        ("command", "complaint search", "ok"),
        ("command", "complaint search", "ok"),
        ("submit", "complaint.create", "refused"),
        ("submit", "complaint.create", "error"),
    ]
    assert all(isinstance(e["duration"], float) for e in events)
