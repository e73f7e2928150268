"""/complaint export and /report on Discord (simcord): the file is an attachment of the
answer only the person sees; an agent's file has no customer's personal data."""

from __future__ import annotations

import csv
import io

from tests.discord.flows import World, ephemeral, log_complaint, shown


async def test_an_export_is_a_private_attachment(world: World) -> None:
    await log_complaint(world)
    exported = await world.meera.slash(world.channel, "complaint export", format="csv")
    (answer,) = ephemeral(exported)
    assert "1 complaint exported." in shown(answer)
    (attachment,) = answer.attachments
    assert attachment.filename.startswith("complaints-") and attachment.filename.endswith(".csv")
    (row,) = list(csv.DictReader(io.StringIO((await attachment.read()).decode())))
    assert row["customer_phone"] == "+919876543210" and row["category"] == "delivery"

    agents = await world.bob.slash(world.channel, "complaint export")
    (answer,) = ephemeral(agents)
    assert "only managers and admins get those" in shown(answer)
    (row,) = list(csv.DictReader(io.StringIO((await answer.attachments[0].read()).decode())))
    assert "customer_phone" not in row and row["number"] == "1"

    report = await world.meera.slash(world.channel, "report categories", period="month")
    assert "Delivery: 1 complaint" in shown(ephemeral(report)[0])
