"""Slack's protocol at the edges: signatures, retries, rate limits, refusals, installs, health."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlparse

from aiohttp import ClientSession
from sqlalchemy import func, select, text

from bot.clock import ManualClock
from bot.settings import Settings
from storage.db import Database
from storage.models import Complaint, DeliveryFailure, Workspace
from tests.slack.flows import ANSWERS, log_complaint, open_form, shown
from tests.slack.harness import SlackClientSide, slack_app
from tests.slack_fake import INSTALLED_TOKEN, FakeSlack


async def rows(db: Database, model: type) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_forged_stale_and_unsigned_requests_are_refused_and_store_nothing(
    user_side: SlackClientSide, slack: FakeSlack, db: Database
) -> None:
    view = await open_form(user_side)
    forged = await user_side.submit(view, ANSWERS, signature="v0=" + "0" * 64)
    stale = await user_side.submit(view, ANSWERS, timestamp=int(time.time()) - 600)
    unsigned = await user_side.submit(view, ANSWERS, signed=False)
    command, _ = await user_side.command("list")  # a correctly signed one still works

    assert (forged.status, stale.status, unsigned.status) == (401, 401, 401)
    assert command.status == 200
    assert await rows(db, Complaint) == 0
    assert slack.calls_to("chat.postMessage") == []


async def test_app_home_shows_my_work_and_event_retries_are_not_redone(
    user_side: SlackClientSide, slack: FakeSlack
) -> None:
    await log_complaint(user_side)
    opened = {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"}
    assert (await user_side.event(opened)).status == 200
    (publish,) = await slack.wait_for("views.publish")
    assert publish.args["user_id"] == "U1" and publish.response["ok"] is True
    home = shown({"blocks": publish.args["view"]["blocks"]})
    assert "My open complaints" in home and "#1 · Delivery · Normal · Open" in home

    retried = await user_side.event(opened, retry=1)
    assert retried.status == 200
    await user_side.event({**opened, "tab": "messages"})
    await user_side.event(opened)
    await slack.wait_for("views.publish", 2)
    assert len(slack.calls_to("views.publish")) == 2  # the retry and the messages tab: nothing


async def test_a_rate_limit_is_waited_out_and_the_card_still_arrives(
    user_side: SlackClientSide, slack: FakeSlack
) -> None:
    slack.rate_limit_next("chat.postMessage", retry_after=0)
    card = await log_complaint(user_side)
    assert "Complaint #1" in card["text"]
    limited, delivered = await slack.wait_for("chat.postMessage", 2)
    assert [r.method for r in slack.rate_limits_served] == ["chat.postMessage"]
    assert limited.status == 429 and delivered.response["ok"] is True


async def test_a_permanent_refusal_is_recorded_for_admins_not_retried(
    user_side: SlackClientSide, slack: FakeSlack, db: Database
) -> None:
    slack.missing_channels.add("C1")
    view = await open_form(user_side)
    await user_side.submit(view, ANSWERS)
    await slack.wait_for("chat.postEphemeral")
    await user_side.delivered()  # the card, from the outbox

    assert len(slack.calls_to("chat.postMessage")) == 1  # no retry of a permanent error
    assert await rows(db, Complaint) == 1  # the complaint is kept all the same
    async with db.session() as session:
        found = (await session.scalars(select(DeliveryFailure))).all()
        assert len(found) == 1, [(f.channel, f.error, f.at) for f in found]
        (failure,) = found
    assert (failure.channel, failure.error) == ("C1", "channel_not_found")

    opened = {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"}
    await user_side.event(opened)  # U1 was the workspace's first member: its admin
    (publish,) = await slack.wait_for("views.publish")
    assert "C1 · channel_not_found" in shown({"blocks": publish.args["view"]["blocks"]})


async def test_a_workspace_installs_through_oauth_and_is_served_with_its_token(
    db: Database, settings: Settings, clock: ManualClock, slack: FakeSlack
) -> None:
    async with slack_app(
        db,
        settings,
        clock,
        slack,
        slack_client_id=slack.client_id,
        slack_client_secret=slack.client_secret,
    ) as side:
        session: ClientSession = side.session
        install = await session.get(f"{side.base}/slack/install")
        page = await install.text()
        assert install.status == 200
        link = re.search(r'href="(https://slack.com/oauth/v2/authorize[^"]+)"', page)
        assert link is not None
        query = parse_qs(urlparse(link.group(1).replace("&amp;", "&")).query)
        assert query["client_id"] == [slack.client_id] and "commands" in query["scope"][0]

        # Bolt's state cookie is marked Secure; a browser on https sends it back as is.
        cookie = install.cookies["slack-app-oauth-state"]
        code = slack.new_oauth_code(installer="U1")
        redirect = await session.get(
            f"{side.base}/slack/oauth_redirect",
            params={"code": code, "state": query["state"][0]},
            headers={"Cookie": f"{cookie.key}={cookie.value}"},
        )
        assert redirect.status == 200, await redirect.text()
        async with db.engine.connect() as connection:
            stored = await connection.execute(text("SELECT team_id, bot_token FROM slack_bots"))
            assert stored.all() == [("T1", INSTALLED_TOKEN)]

        view = await open_form(side)
        assert view["callback_id"] == "complaint.create"
        assert slack.calls_to("views.open")[-1].token == INSTALLED_TOKEN

        forged = await session.get(
            f"{side.base}/slack/oauth_redirect", params={"code": "x", "state": "not-ours"}
        )
        assert forged.status == 400


async def test_health_reports_the_database(user_side: SlackClientSide, db: Database) -> None:
    healthy = await user_side.session.get(f"{user_side.base}/healthz")
    assert healthy.status == 200 and await healthy.json() == {"ok": True, "database": "ok"}
    await db.engine.dispose()
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Workspace)) is not None
