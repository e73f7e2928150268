"""The policy workbook on Discord: /policy, a section's buttons, its modal, the document."""

from __future__ import annotations

from sqlalchemy import select

from storage.db import Database
from storage.models import PolicyEntry
from tests.discord.flows import World, ephemeral, fill, labels, shown


async def test_a_section_written_in_a_modal_and_the_document_as_a_file(
    world: World, db: Database
) -> None:
    overview = await world.asha.slash(world.channel, "policy workbook")
    (message,) = ephemeral(overview)
    assert "0 of 10 sections final" in shown(message)
    section = await world.asha.click(message, label="Vision statement")
    (view,) = ephemeral(section)
    assert "Write" in labels(view)
    modal = await world.asha.click(view, label="Write")
    assert modal.modal is not None  # five prompts: one modal
    saved = await fill(world.asha, modal, {"statement": "Reliable, friendly, on time."})
    assert any("Saved as version 1" in shown(m) for m in ephemeral(saved))
    async with db.session() as session:
        (entry,) = (await session.scalars(select(PolicyEntry))).all()
    assert (entry.item, entry.text) == ("statement", "Reliable, friendly, on time.")

    document = await world.asha.slash(world.channel, "policy document")
    (answer,) = ephemeral(document)
    (file,) = answer.attachments
    assert file.filename == "customer-service-policy.md"
