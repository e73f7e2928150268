"""Log lines are bounded, and a library that quotes what it was sent (Bolt) is cut to its
headline: a signed request the app has no listener for still holds a customer's data."""

from __future__ import annotations

import io
import json
import logging
from urllib.parse import urlencode

import pytest

from bot.logs import MESSAGE_MAX, STACK_MAX, configure
from bot.settings import Settings
from tests.slack.harness import SlackClientSide

CUSTOMER = ("Ravi Kumar", "98765", "MG Road")


@pytest.fixture
def logged(settings: Settings, caplog: pytest.LogCaptureFixture) -> io.StringIO:
    stream = io.StringIO()
    configure(settings.model_copy(update={"log_level": "DEBUG"}), stream=stream)
    caplog.set_level(logging.DEBUG)
    return stream


async def test_an_unhandled_signed_request_is_logged_without_its_fields(
    user_side: SlackClientSide, logged: io.StringIO, caplog: pytest.LogCaptureFixture
) -> None:
    payload = {  # a select menu's search as typed: Bolt quotes its value when unhandled
        "type": "block_suggestion",
        "action_id": "customer",
        "block_id": "customer",
        "team": {"id": "T1"},
        "user": {"id": "U1"},
        "value": "Ravi Kumar 98765 MG Road",
    }
    body = urlencode({"payload": json.dumps(payload)})
    answer = await user_side.raw(body, "application/x-www-form-urlencoded")
    assert answer.status == 404
    bolt = [r.getMessage() for r in caplog.records if r.name.startswith("slack_bolt")]
    assert "Unhandled request" in bolt
    logged_text = "\n".join(r.getMessage() for r in caplog.records) + logged.getvalue()
    assert [word for word in CUSTOMER if word in logged_text] == []


def test_a_huge_message_or_extra_is_cut(settings: Settings) -> None:
    stream = io.StringIO()
    configure(settings, stream=stream)
    logging.getLogger("carebot.test").warning("x" * 1_000_000, extra={"field": "y" * 1_000_000})
    (line,) = stream.getvalue().splitlines()
    assert len(line) < MESSAGE_MAX + STACK_MAX + 200
    assert "more characters]" in line


def test_a_library_error_keeps_its_headline_and_the_types_of_its_stack(
    settings: Settings,
) -> None:
    stream = io.StringIO()
    configure(settings, stream=stream)
    typed = " ".join(CUSTOMER)  # a stack shows source lines: the data must not be in them
    try:
        raise ValueError(typed)
    except ValueError as error:
        logging.getLogger("slack_bolt.AsyncApp").exception(
            f"Failed to run listener function (error: {error})"
        )
    logged = stream.getvalue()
    assert "Failed to run listener function" in logged and "builtins.ValueError" in logged
    assert [word for word in CUSTOMER if word in logged] == []
