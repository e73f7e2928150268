"""Slack users are spoken to in their client's language (users.info, include_locale) unless
they chose one with /language: the complaint form and the assessment, in each language."""

from __future__ import annotations

import pytest

from bot.i18n import SUPPORTED_LOCALES, Translator
from bot.language import NAMES
from tests.slack.flows import log_complaint, open_form, shown
from tests.slack.harness import SlackClientSide
from tests.slack.test_assessment_in_slack import Manager, start
from tests.slack_fake import FakeSlack

CLIENT = {"en": "en-US", "hi": "hi-IN", "mr": "mr-IN", "bn": "bn-IN", "tl": "fil-PH"}


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_the_complaint_form_in_the_clients_language(
    locale: str, user_side: SlackClientSide, slack: FakeSlack
) -> None:
    slack.users["U1"]["locale"] = CLIENT[locale]
    t = Translator(locale, "UTC")
    view = await open_form(user_side)
    assert view["title"]["text"] == t("Log a complaint")
    labels = [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]
    assert labels[0] == t("Customer name")
    await log_complaint(user_side)
    (note,) = await slack.wait_for("chat.postEphemeral")
    assert note.args["text"].startswith(
        t("Complaint #{number} is logged. Type /complaint show {number} for details.")
        .format(number=1)
        .split(".")[0]
    )


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_a_manager_takes_the_whole_assessment_in_the_language_they_chose(
    locale: str, user_side: SlackClientSide, slack: FakeSlack
) -> None:
    response, _ = await user_side.command(locale, command="/language")
    assert response.status == 200
    await slack.wait_for("response")
    t = Translator(locale, "UTC")

    assert slack.responses[-1]["text"] == t(
        "From now on, carebot uses this language with you: {language}"
    ).format(language=NAMES[locale])
    manager = Manager(user_side, await start(user_side))
    assert t("Customer-focused culture") in shown(manager.message)
    for _ in range(25):
        message = await manager.press("4 ·")
    result = t("Your result: {total} of 35 · {band}").format(total=t.number(28), band=t("Asset"))
    assert result in shown(message)
