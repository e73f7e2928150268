"""One error boundary for the Slack adapter: whatever its code raises, in an ack function or
in the work after the ack, the person is told in their language with an error id, and the log
holds the id and the error's type, never the exception's message."""

from __future__ import annotations

import pytest

from adapters.slack import blocks
from tests.slack.flows import ANSWERS, open_form
from tests.slack.harness import SlackClientSide
from tests.slack_fake import FakeSlack
from tests.unexpected import assert_logged, broken, error_id_in


async def test_a_command_whose_form_cannot_be_drawn_tells_the_person_in_their_language(
    user_side: SlackClientSide,
    slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slack.add_user("U4", name="ravi", locale="hi-IN")
    monkeypatch.setattr(blocks, "modal", broken)  # after the ack, in the command's work
    response, _ = await user_side.command(user="U4", name="ravi")
    assert response.status == 200 and await response.text() == ""
    await slack.wait_for("response")
    (told,) = slack.responses
    assert told["response_type"] == "ephemeral"
    assert_logged(caplog, error_id_in(str(told["text"]), "hi"))
    assert slack.calls_to("views.open") == []


async def test_a_submission_that_fails_before_its_ack_closes_and_tells_the_person(
    user_side: SlackClientSide,
    slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    view = await open_form(user_side)
    monkeypatch.setattr(blocks, "values", broken)  # in the ack function, before the core
    response = await user_side.submit(view, ANSWERS)
    assert response.status == 200 and await response.text() == ""  # not Bolt's 500
    (told,) = await slack.wait_for("chat.postMessage")
    assert told.args["channel"] == "U1"  # no channel in a submission: the person's DM
    assert_logged(caplog, error_id_in(str(told.args["text"]), "en"))
