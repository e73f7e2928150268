"""The policy workbook in Slack: /policy, a section's buttons, its modal, the document file."""

from __future__ import annotations

from typing import Any

from tests.slack.flows import buttons, shown
from tests.slack.harness import SlackClientSide
from tests.slack_fake import FakeSlack


async def responded(side: SlackClientSide, count: int) -> dict[str, Any]:
    await side.slack.wait_for("response", count)
    return side.slack.responses[count - 1]


async def test_a_section_written_in_a_modal_then_the_document_in_the_dm(
    user_side: SlackClientSide, slack: FakeSlack
) -> None:
    response, _ = await user_side.command(command="/policy")
    assert response.status == 200
    overview = await responded(user_side, 1)
    assert "0 of 10 sections final" in shown(overview)

    await user_side.press(buttons(overview)["Speed"])
    section = await responded(user_side, 2)
    assert "Maximum waiting times and who answers" in shown(section)
    await user_side.press(buttons(section)["Write"])
    (opened,) = await slack.wait_for("views.open")
    view = opened.args["view"]
    assert view["title"]["text"] == "Policy workbook"
    answer = await user_side.submit(view, {"answer": "Calls answered within three rings"})
    assert answer.status == 200
    (note, *_) = await slack.wait_for("chat.postEphemeral")
    assert "Saved as version 1 of “Speed”." in note.args["text"]

    await user_side.command("document", command="/policy")
    await slack.wait_for("files.completeUploadExternal")
    (file,) = slack.files
    assert file.filename == "customer-service-policy.md" and file.channel.startswith("D")
    assert "Calls answered within three rings" in file.content.decode("utf-8")
