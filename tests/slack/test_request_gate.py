"""Requests Slack did not sign, or could not have sent, through the real app over HTTP: refused
with 401, 400 or 413 and one short log line, never a 5xx, a traceback or a customer's data in
any log line at any level (Bolt's own check logged a refused request's whole body at INFO)."""

from __future__ import annotations

import io
import json
import logging
import time
from urllib.parse import urlencode

import pytest
from aiohttp import ClientResponse

from adapters.slack.gate import BODY_MAX, DEPTH_MAX
from bot.logs import configure
from bot.settings import Settings
from storage.db import Database
from tests.slack.flows import ANSWERS, open_form
from tests.slack.harness import SlackClientSide
from tests.slack_fake import FakeSlack

FORM = "application/x-www-form-urlencoded"
CUSTOMER = ("Ravi Kumar", "Ravi+Kumar", "98765", "43210", "MG Road", "MG+Road")
LINE_MAX = 1000  # an access-log line with its fields is ~400


def refusals(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "adapters.slack.gate"]


def leaks(caplog: pytest.LogCaptureFixture, stream: io.StringIO) -> list[str]:
    logged = [r.getMessage() + (r.exc_text or "") for r in caplog.records] + [stream.getvalue()]
    return [word for word in CUSTOMER if any(word in line for line in logged)]


@pytest.fixture
def logged(settings: Settings, caplog: pytest.LogCaptureFixture) -> io.StringIO:
    """Logging as `carebot run` sets it up with LOG_LEVEL=DEBUG, and captured at DEBUG."""
    stream = io.StringIO()
    configure(settings.model_copy(update={"log_level": "DEBUG"}), stream=stream)
    caplog.set_level(logging.DEBUG)
    return stream


async def test_refused_submissions_log_one_short_line_and_nothing_of_the_body(
    user_side: SlackClientSide, logged: io.StringIO, caplog: pytest.LogCaptureFixture
) -> None:
    view = await open_form(user_side)
    caplog.clear()
    stamp = int(time.time())
    huge = {**ANSWERS, "description": "Ravi Kumar 98765 43210 " * 38_000}  # ~900 KB
    answers = [
        await user_side.submit(view, ANSWERS, signed=False),
        await user_side.submit(view, ANSWERS, signature="v0=" + "0" * 64),
        await user_side.submit(view, ANSWERS, timestamp=stamp - 600),
        await user_side.submit(view, huge, signed=False),
        await user_side.submit(view, huge, signature="v0=" + "1" * 64),
    ]
    assert [a.status for a in answers] == [401] * 5
    reasons = [r.getMessage() for r in refusals(caplog)]
    assert reasons == [
        "slack request refused: unsigned",
        "slack request refused: wrong_signature",
        "slack request refused: stale_timestamp",
        "slack request refused: unsigned",
        "slack request refused: wrong_signature",
    ]
    assert leaks(caplog, logged) == []
    assert [line for line in logged.getvalue().splitlines() if len(line) >= LINE_MAX] == []
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_a_body_over_a_megabyte_is_refused_before_it_is_read(
    user_side: SlackClientSide, logged: io.StringIO, caplog: pytest.LogCaptureFixture
) -> None:
    body = urlencode({"payload": json.dumps({"type": "x", "text": "Ravi Kumar " * 100_000})})
    assert len(body) > BODY_MAX
    signed = await user_side.raw(body, FORM)
    unsigned = await user_side.raw(body, FORM, signed=False)
    assert (signed.status, unsigned.status) == (413, 413)
    assert [r.getMessage() for r in refusals(caplog)] == ["slack request refused: too_large"] * 2
    assert leaks(caplog, logged) == []


async def header_answers(side: SlackClientSide, headers: dict[str, str]) -> ClientResponse:
    body = urlencode({"command": "/complaint", "text": "list", "user_id": "U1", "team_id": "T1"})
    return await side.raw(body, FORM, signed=False, headers=headers)


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=" + "0" * 64},
        {"X-Slack-Request-Timestamp": "", "X-Slack-Signature": "v0=" + "0" * 64},
        {"X-Slack-Request-Timestamp": "ts.5", "X-Slack-Signature": "v0=" + "0" * 64},
        {"X-Slack-Request-Timestamp": "١٢٣", "X-Slack-Signature": "v0=" + "0" * 64},
        {"X-Slack-Request-Timestamp": "9" * 40, "X-Slack-Signature": "v0=" + "0" * 64},
        {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=é"},
        {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": ""},
        {"X-Slack-Signature": "v0=" + "0" * 64},
        {"X-Slack-Request-Timestamp": str(int(time.time()))},
    ],
)
async def test_malformed_signature_headers_get_401_not_a_500(
    user_side: SlackClientSide,
    headers: dict[str, str],
    logged: io.StringIO,
    caplog: pytest.LogCaptureFixture,
) -> None:
    answer = await header_answers(user_side, headers)
    assert answer.status == 401
    assert len(refusals(caplog)) == 1
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


@pytest.mark.parametrize("signed", [True, False])
async def test_a_deeply_nested_body_is_refused_without_a_recursion_error(
    user_side: SlackClientSide, signed: bool, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    deep = "[" * 50_000 + "]" * 50_000
    as_json = await user_side.raw(
        '{"type": "x", "a": ' + deep + "}", "application/json", signed=signed
    )
    as_form = await user_side.raw(urlencode({"payload": deep}), FORM, signed=signed)
    assert (as_json.status, as_form.status) == ((400, 400) if signed else (401, 401))
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_nesting_as_deep_as_the_limit_still_passes(user_side: SlackClientSide) -> None:
    event = {"type": "app_home_opened", "user": "U1", "tab": "messages"}
    nested: object = "x"
    for _ in range(DEPTH_MAX - 3):  # the event's envelope is three levels of its own
        nested = [nested]
    answer = await user_side.event({**event, "deep": nested})
    assert answer.status == 200
    brackets = '"[[[[ in a string is no nesting ' * 100
    assert (await user_side.event({**event, "text": brackets})).status == 200


async def test_a_nested_private_metadata_is_no_crash(
    user_side: SlackClientSide, slack: FakeSlack, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """The view's private_metadata is ours, but a signed request can carry anything there:
    a nesting json cannot decode, or state values that are not strings."""
    caplog.set_level(logging.INFO)
    view = await open_form(user_side)
    for metadata in (
        "[" * 50_000 + "]" * 50_000,
        json.dumps({"state": {"a": [[[["x"]]]], "b": {"c": 1}}, "channel": ["C1"]}),
        json.dumps({"state": {"k": "[" * 10_000}}),
    ):
        answer = await user_side.submit({**view, "private_metadata": metadata}, ANSWERS)
        assert answer.status == 200
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_a_request_that_is_not_valid_http_is_one_line_not_a_traceback(
    user_side: SlackClientSide, caplog: pytest.LogCaptureFixture
) -> None:
    """aiohttp logs a header line over 8 KB as an ERROR with its stack, quoting the bytes."""
    caplog.set_level(logging.INFO)
    answer = await user_side.raw("{}", "application/json", headers={"X-Long": "v" * 9000})
    assert answer.status == 400
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    (line,) = [r.getMessage() for r in caplog.records if r.name == "aiohttp.server"]
    assert line == "bad HTTP request refused: LineTooLong"
