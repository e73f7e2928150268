"""/complaint export and /report through the real Slack app: the file reaches the person's DM
through Slack's three-step upload (an ephemeral answer cannot carry files), and parses back."""

from __future__ import annotations

import io

import openpyxl

from tests.slack.flows import log_complaint, shown
from tests.slack.harness import SlackClientSide


async def test_an_export_is_uploaded_to_the_askers_dm(user_side: SlackClientSide) -> None:
    slack = user_side.slack
    await log_complaint(user_side)
    answered = len(slack.responses)
    response, _ = await user_side.command(command="/complaint", text="export xlsx")
    assert response.status == 200
    await slack.wait_for("files.completeUploadExternal")
    (shared,) = slack.files
    assert shared.filename.startswith("complaints-") and shared.filename.endswith(".xlsx")
    assert shared.title == "Complaint log" and shared.channel.startswith("D")
    sheet = openpyxl.load_workbook(io.BytesIO(shared.content)).active
    assert sheet is not None
    header, row = list(sheet.iter_rows(values_only=True))
    assert dict(zip(header, row, strict=True))["customer_name"] == "Ravi Kumar"  # asha: admin
    await slack.wait_for("response", answered + 1)
    assert any("1 complaint exported." in shown(r) for r in slack.responses[answered:])

    await user_side.command(command="/report", text="agents", user="U2", name="bob")
    await slack.wait_for("response", answered + 2)
    assert slack.responses[-1]["text"] == "Only managers and admins can see reports."
