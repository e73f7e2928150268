"""Nothing slow before the ack: a submission is answered from what is kept of the person, never
waiting on users.info; and a /complaint whose modal Slack would not open tells the person."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import func, select

from adapters.slack.words import FORM_NOT_OPENED
from storage.db import Database
from storage.models import Complaint
from tests.slack.flows import ANSWERS, open_form
from tests.slack.harness import SlackClientSide
from tests.slack_fake import FakeSlack


async def complaints(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Complaint)) or 0)


async def test_a_rate_limited_profile_lookup_does_not_hold_the_submissions_ack(
    user_side: SlackClientSide, slack: FakeSlack, db: Database
) -> None:
    """Bob submits a form before carebot knows him (users.info answered 429, Retry-After 3):
    the ack, with the complaint saved, comes at once; the lookup goes on behind it."""
    view = await open_form(user_side)
    slack.rate_limit_next("users.info", retry_after=3)
    asked = len(slack.calls_to("users.info"))
    started = time.monotonic()
    answer = await user_side.submit(view, ANSWERS, user="U2", name="bob")
    took = time.monotonic() - started
    assert answer.status == 200 and await answer.text() == ""
    assert took < 1.5, took  # Slack shows an error at 3 s
    assert await complaints(db) == 1
    await slack.wait_for("chat.postMessage")  # the card
    # the lookup, retried after Retry-After, lands in the cache for Bob's next event
    calls = await slack.wait_for("users.info", asked + 2)
    assert [c.args.get("user") for c in calls[asked:]] == ["U2", "U2"]


async def test_a_slow_profile_lookup_is_asked_once_however_many_events_wait_on_it(
    user_side: SlackClientSide, slack: FakeSlack
) -> None:
    slack.delay_next("users.info", 1.5)
    await asyncio.gather(*(user_side.command("list", user="U2", name="bob") for _ in range(4)))
    await slack.wait_for("response", 4)  # answered after at most a second's wait each
    await slack.wait_for("users.info", 1)
    assert [c.args.get("user") for c in slack.calls_to("users.info")] == ["U2"]


async def test_a_form_slack_would_not_open_is_explained_to_the_person(
    user_side: SlackClientSide, slack: FakeSlack
) -> None:
    slack.fail_next("views.open", "expired_trigger_id")
    response, _ = await user_side.command()
    assert response.status == 200
    (told,) = [r["text"] for r in await _responses(slack, 1)]
    assert told == FORM_NOT_OPENED

    for _ in range(3):  # more 5xx than slack_sdk retries
        slack.server_error_next("views.open")
    await user_side.command()
    assert [r["text"] for r in await _responses(slack, 2)][1] == FORM_NOT_OPENED


async def test_the_explanation_is_in_the_persons_language(
    user_side: SlackClientSide, slack: FakeSlack
) -> None:
    slack.add_user("U4", name="ravi", locale="hi-IN")
    slack.fail_next("views.open", "expired_trigger_id")
    await user_side.command(user="U4", name="ravi")
    (told,) = [r["text"] for r in await _responses(slack, 1)]
    assert told != FORM_NOT_OPENED and "Slack" in told


async def _responses(slack: FakeSlack, count: int) -> list[dict[str, object]]:
    await slack.wait_for("response", count)
    return list(slack.responses)
