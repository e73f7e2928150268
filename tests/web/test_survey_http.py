"""The survey page as HTTP: opting out, the headers every response carries, methods, a
database that does not answer, and the page served wherever carebot serves HTTP."""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import re
from datetime import timedelta

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestClient, TestServer

from adapters.health import health_app, serve_http
from adapters.slack.app import build_app, web_app
from adapters.slack.settings import SlackSettings
from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.logs import configure
from bot.settings import Settings
from storage.db import Database
from tests.jobs import prepare
from tests.web.dom import parse
from tests.web.surveys import (
    audit_actions,
    opt_outs,
    path_of,
    resolved,
    send_due_surveys,
    survey_link,
    surveys,
)

UNREACHABLE = "postgresql+asyncpg://carebot@127.0.0.1:1/carebot"


async def test_unsubscribing_asks_first_and_the_customer_is_not_asked_again(
    client: TestClient,
    link: str,
    carebot: CareBot,
    db: Database,
    settings: Settings,
    clock: ManualClock,
    asha: Actor,
) -> None:
    before = await audit_actions(db)
    page = parse(await (answer := await client.get(f"{link}/unsubscribe")).text())
    assert answer.status == 200
    assert page.one("h1").text == "Stop receiving surveys?"
    form = page.one("form")
    assert form.attrs["method"] == "post"
    assert form.one("button").text == "Yes, stop sending me surveys"
    # Opening it (a mail app's prefetch, say) records nothing.
    assert (await opt_outs(db), await audit_actions(db)) == (0, before)

    for _ in range(2):  # the button pressed twice: the same, once
        answer = await client.post(f"{link}/unsubscribe?lang=mr", data={"lang": "mr"})
        assert answer.status == 200
        page = parse(await answer.text())
        assert page.one("html").attrs["lang"] == "mr"
    assert await opt_outs(db) == 1  # the customer's phone
    assert "survey_opt_out" in await audit_actions(db)
    (survey,) = await surveys(db)
    assert survey.state == "open"  # this survey can still be answered: they came to it

    # Their next complaint is resolved: no survey goes out, and the agent is told why.
    clock.advance(timedelta(days=40))  # past the cooldown: only the opt-out stands
    await resolved(carebot, db, asha)
    clock.advance(timedelta(hours=25))
    (told,) = await send_due_surveys(db, settings, clock)
    assert "The customer asked not to receive surveys, so none was sent." in told
    assert "Link:" not in told
    later = (await surveys(db))[1]
    assert (later.state, later.skip_reason) == ("skipped", "opted_out")


async def test_a_one_click_unsubscribe_post_records_the_opt_out(
    client: TestClient, link: str, db: Database
) -> None:
    answer = await client.post(
        f"{link}/unsubscribe", data={"List-Unsubscribe": "One-Click"}, allow_redirects=False
    )
    assert answer.status == 200
    assert await opt_outs(db) == 1


async def test_every_survey_response_carries_the_security_headers(
    client: TestClient, link: str
) -> None:
    responses = [
        await client.get(link),
        await client.post(link, data={"token": link.rsplit("/", 1)[1]}),  # 422
        await client.get("/s/made-up-token"),  # 404
        await client.post(link, data={"better": "x" * 70_000}),  # 413
        await client.put(link),  # 405
        await client.get(f"{link}/unsubscribe"),
    ]
    assert [r.status for r in responses] == [200, 422, 404, 413, 405, 200]
    for answer in responses:
        headers = answer.headers
        csp = {
            part.split()[0]: part.split()[1:]
            for part in headers["Content-Security-Policy"].split("; ")
        }
        assert csp["default-src"] == ["'none'"]
        assert csp["form-action"] == ["'self'"]
        assert csp["frame-ancestors"] == ["'none'"]
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Cache-Control"] == "no-store"
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        # The one style element is allowed by its hash; nothing else could run or load.
        html = await answer.text()
        (style,) = re.findall(r"<style>(.*?)</style>", html, re.S)
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        assert csp["style-src"] == [f"'sha256-{digest}'"]
        assert "<script" not in html and " style=" not in html
        assert 'name="referrer" content="no-referrer"' in html


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS"])
async def test_other_methods_are_not_allowed(
    client: TestClient, link: str, db: Database, method: str
) -> None:
    for path in (link, f"{link}/unsubscribe"):
        answer = await client.request(method, path)
        assert answer.status == 405
        assert answer.headers["Allow"] == "GET, HEAD, POST"
        assert parse(await answer.text()).one("h1").text == "This page cannot be used that way."
    assert await opt_outs(db) == 0


async def test_a_database_that_does_not_answer_gets_a_polite_page(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    down = Database(UNREACHABLE)
    try:
        app = health_app(down, settings=settings.model_copy(update={"default_locale": "hi"}))
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            with caplog.at_level(logging.ERROR, logger="adapters.web.routes"):
                answer = await client.get("/s/WzEsMTc5NDkwOTYwMF0.I7fnbT1nbxSVkrHzb8if5XlAWIk")
            assert answer.status == 503
            page = parse(await answer.text())
            assert page.one("html").attrs["lang"] == "hi"
            assert answer.headers["Retry-After"] == "60"
    finally:
        await down.dispose()
    assert "survey page failed" in caplog.text and "WzEs" not in caplog.text


async def test_the_one_month_survey_asks_two_questions_with_radios(
    carebot: CareBot,
    db: Database,
    settings: Settings,
    clock: ManualClock,
    asha: Actor,
    client: TestClient,
) -> None:
    await resolved(carebot, db, asha)
    clock.advance(timedelta(days=32))  # the resolution survey, then the one-month check
    await send_due_surveys(db, settings, clock)
    (out,) = await prepare(db, settings, clock, "retention:1")
    link = next(
        value for section in out.reply.posts[0].message.sections for _, value in section.fields
    )
    page = parse(await (await client.get(path_of(link))).text())
    legends = [fieldset.one("legend").text for fieldset in page.all("fieldset")]
    assert legends == [
        "Are you satisfied with how we handled your complaint? (required)",
        "Have you bought from us again since? (required)",
    ]
    token = link.rsplit("/", 1)[1]
    data = {"token": token, "satisfied": "no", "bought_again": "not_yet", "better": "Sooner"}
    answer = await client.post(path_of(link), data=data)
    assert answer.status == 200
    retention = [s for s in await surveys(db) if s.kind == "retention"]
    assert [(s.satisfied, s.bought_again, s.better) for s in retention] == [
        ("no", "not_yet", "Sooner")
    ]


async def test_slack_http_mode_serves_the_page_unsigned_and_still_gates_its_events(
    carebot: CareBot,
    db: Database,
    settings: Settings,
    clock: ManualClock,
    asha: Actor,
) -> None:
    link = path_of(await survey_link(carebot, db, settings, clock, asha))
    config = Settings(_env_file=None, database_url=settings.database_url)  # type: ignore[call-arg]
    own = SlackSettings(  # type: ignore[call-arg]
        _env_file=None, slack_bot_token="xoxb-test", slack_signing_secret="s3cret"
    )
    app = build_app(CareBot(db, config, clock), db, own)
    application = web_app(app, db, 0, settings=config, clock=clock)
    async with TestClient(TestServer(application, host="127.0.0.1")) as client:
        assert (await client.get(link)).status == 200
        answer = await client.post(link, data={"token": link.rsplit("/", 1)[1], "score": "5"})
        assert answer.status == 200
        assert (await client.post("/slack/events", data={"command": "/complaint"})).status == 401
    (survey,) = await surveys(db)
    assert survey.score == 5


async def test_a_server_of_its_own_serves_the_page_beside_healthz(
    db: Database, settings: Settings, clock: ManualClock, link: str
) -> None:
    runner = await serve_http(db, "127.0.0.1", 0, settings=settings, clock=clock)
    assert runner is not None
    try:
        host, port = runner.addresses[0][:2]
        async with ClientSession() as session:
            assert (await session.get(f"http://{host}:{port}/healthz")).status == 200
            page = await session.get(f"http://{host}:{port}{link}")
            assert page.status == 200 and "How did we do?" in await page.text()
    finally:
        await runner.cleanup()


def test_survey_tokens_are_masked_in_logs() -> None:
    stream = io.StringIO()
    configure(Settings(_env_file=None), stream=stream)  # type: ignore[call-arg]
    token = "WzEsMTc5NDkwOTYwMF0.I7fnbT1nbxSVkrHzb8if5XlAWIk"
    logging.getLogger("aiohttp.access").warning('"GET /s/%s?lang=hi HTTP/1.1" 200', token)
    logging.getLogger("carebot.test").warning("link http://localhost:3000/s/%s/unsubscribe", token)
    logged = stream.getvalue()
    assert token not in logged and "WzEs" not in logged
    assert logged.count("/s/[redacted]") == 2
