"""The pseudo-locale in Slack: everything the app posted, opened or answered for a complaint
and an error, read by a person whose workspace speaks `qps`."""

from __future__ import annotations

import json
from typing import Any

from bot.clock import ManualClock
from bot.settings import Settings
from storage.db import Database
from tests.pseudo import leaks, pseudo_locale  # noqa: F401
from tests.slack.flows import ANSWERS, buttons, log_complaint, open_form
from tests.slack.harness import slack_app
from tests.slack_fake import FakeSlack

# Keys whose strings Slack shows; ids, values, urls and metadata are not read.
SHOWN = {"text", "alt_text", "title", "fallback", "header"}
# Leaks known and left to the work that removes them (each names it); none may be added here.
EXPECTED: tuple[str, ...] = ()
TYPED = [str(v) for v in ANSWERS.values()] + ["Called the courier again", "12ab", "weather"]


def strings(value: Any, key: str = "") -> list[str]:
    """The strings Slack would show of a Web API call's arguments (blocks, views, texts)."""
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in strings(v, k)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v, key)]
    if isinstance(value, str) and key in SHOWN:
        return [value]
    return []


async def test_slack_shows_only_pseudo_text(
    pseudo_locale: str,  # noqa: F811
    db: Database,
    settings: Settings,
    clock: ManualClock,
    slack: FakeSlack,
) -> None:
    answered: list[str] = []
    async with slack_app(db, settings, clock, slack, default_locale=pseudo_locale) as side:
        # Each person chooses it: their Slack's language (en-US) comes before the workspace's.
        await side.command(pseudo_locale, command="/language")
        await side.command(pseudo_locale, command="/language", user="U2", name="bob")
        await slack.wait_for("response", 2)  # both chose it before they act (work follows acks)
        card = await log_complaint(side)
        view = await open_form(side)
        refused = await side.submit(view, {**ANSWERS, "customer_phone": "12ab"})
        answered.append(await refused.text())
        opened = len(slack.calls_to("views.open"))
        for button in buttons(card).values():  # four open a form; Details answers in a message
            await side.press(button)
        await slack.wait_for("views.open", opened + 4)
        response, _ = await side.command("categories add Billing", user="U2", name="bob")
        answered.append(await response.text())
        response, _ = await side.command("show 42")
        answered.append(await response.text())
        response, _ = await side.command("frobnicate")
        answered.append(await response.text())
        await side.delivered()
        # Two /language answers, Details, the refusal, #42 and the unknown word, by response_url.
        await slack.wait_for("response", 6)
    shown = [s for call in slack.calls for s in strings(call.args)]
    shown += [s for body in slack.responses for s in strings(body)]
    shown += [s for body in answered if body for s in strings(json.loads(body))]
    shown += [e for body in answered if body for e in json.loads(body).get("errors", {}).values()]
    found = [
        line
        for line in leaks("\n".join(shown), TYPED, ["asha", "bob"])
        if not any(known in line for known in EXPECTED)
    ]
    assert not found, "\n".join(found)
