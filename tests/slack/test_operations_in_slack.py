"""HTTP mode serves /metrics beside /healthz: signed Slack requests show up in the counts."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import SecretStr

import adapters.slack as slack_adapter
from adapters.slack.settings import SlackSettings
from bot.settings import Settings
from storage.db import Database
from tests.slack.flows import ANSWERS, buttons, log_complaint, open_form
from tests.slack.harness import TOKEN, SlackClientSide
from tests.slack_fake import FakeSlack
from tests.test_operations import free_port, pages, value

EVENTS = "carebot_events_total"


async def scrape(side: SlackClientSide) -> str:
    page = await side.session.get(f"{side.base}/metrics")
    assert page.status == 200
    assert page.headers["Content-Type"].startswith("text/plain")
    return await page.text()


async def test_metrics_count_slack_requests_by_kind_and_outcome(
    user_side: SlackClientSide, slack: FakeSlack, db: Database
) -> None:
    # The registry is the process's own: other tests counted too, so compare before and after.
    before = await scrape(user_side)

    card = await log_complaint(user_side)  # /complaint, then the modal submitted
    view = await open_form(user_side)
    refused = await user_side.submit(view, {**ANSWERS, "customer_phone": "12ab"})
    assert refused.status == 200
    await user_side.press(buttons(card)["Details"])
    await slack.wait_for("response", 1)  # answered through the response_url

    expected = {
        ("command", "ok"): 2,
        ("submit", "ok"): 1,
        ("submit", "refused"): 1,
        ("action", "ok"): 1,
    }

    def deltas(after: str) -> dict[tuple[str, str], float]:
        return {
            (kind, outcome): value(after, EVENTS, kind=kind, outcome=outcome)
            - value(before, EVENTS, kind=kind, outcome=outcome)
            for kind, outcome in expected
        }

    after = await scrape(user_side)
    for _ in range(50):  # an action is counted once the core answered, after Slack's ack
        if deltas(after) == expected:
            break
        await asyncio.sleep(0.05)
        after = await scrape(user_side)
    assert deltas(after) == expected
    timed = "carebot_event_duration_seconds_count"
    assert value(after, timed, kind="submit") - value(before, timed, kind="submit") == 2
    assert "carebot_jobs_due" in after

    healthy = await user_side.session.get(f"{user_side.base}/healthz")
    assert healthy.status == 200 and await healthy.json() == {"ok": True, "database": "ok"}


async def test_socket_mode_serves_both_pages_on_a_server_of_its_own(
    settings: Settings, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    port, seen = free_port(), []

    class SocketMode:  # stands in for Bolt's handler: "connected" until it has looked
        def __init__(self, _app: object, token: str) -> None:
            assert token == "xapp-1-A1-1-abc"

        async def start_async(self) -> None:
            seen.append(await pages(port))

    monkeypatch.setattr(slack_adapter, "AsyncSocketModeHandler", SocketMode)
    config = settings.model_copy(update={"host": "127.0.0.1", "port": port})
    own = SlackSettings(  # type: ignore[call-arg]
        _env_file=None,
        slack_bot_token=SecretStr(TOKEN),
        slack_app_token=SecretStr("xapp-1-A1-1-abc"),
        slack_api_url=slack.base_url,
    )
    await slack_adapter.serve(config, own)

    ((status, text),) = seen
    assert status == 200 and "carebot_jobs_due" in text
