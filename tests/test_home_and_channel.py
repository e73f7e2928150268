"""The home view, the complaints channel, complaints from a chat message, and posted refs."""

from __future__ import annotations

from datetime import timedelta

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from tests.conftest import person
from tests.factories import log_complaint, texts


async def test_home_shows_my_open_complaints_and_follow_ups_due(
    carebot: CareBot, asha: Actor, bob: Actor, clock: ManualClock
) -> None:
    await log_complaint(carebot, bob, follow_up_at="+3d")
    await log_complaint(carebot, bob, follow_up_at="+2h")
    await log_complaint(carebot, asha)

    async def sections() -> dict[str | None, str]:
        (post,) = (await carebot.command(bob, "home")).posts
        assert post.message.buttons[0].label == "Log a complaint"
        return {s.title: s.body or "" for s in post.message.sections}

    home = await sections()
    assert "#1" in home["My open complaints"] and "#2" in home["My open complaints"]
    assert "#3" not in home["My open complaints"]
    assert "#2" in home["Follow-ups due"] and "#1" not in home["Follow-ups due"]

    clock.advance(timedelta(days=3))
    assert "#1" in (await sections())["Follow-ups due"]


async def test_admins_see_messages_the_platform_refused(
    carebot: CareBot, asha: Actor, bob: Actor
) -> None:
    await carebot.command(asha, "home")
    await carebot.record_failure(bob, "C404", "channel_not_found")
    assert "C404 · channel_not_found" in texts(await carebot.command(asha, "home"))
    assert "channel_not_found" not in texts(await carebot.command(bob, "home"))


async def test_a_manager_chooses_the_channel_for_cards(
    carebot: CareBot, asha: Actor, bob: Actor
) -> None:
    assert "Only managers and admins" in texts(
        await carebot.command(bob, "complaint", "channel here")
    )
    answer = texts(await carebot.command(asha, "complaint", "channel here"))
    assert answer == "Complaint cards will be posted in this channel."
    elsewhere = person("Bob", workspace="T1")
    reply = await log_complaint(carebot, elsewhere)
    assert reply.posts[0].channel == "C1"
    await carebot.command(asha, "complaint", "channel off")
    assert (await log_complaint(carebot, bob)).posts[0].channel is None


async def test_a_chat_message_becomes_a_complaint_form(carebot: CareBot, asha: Actor) -> None:
    reply = await carebot.action(asha, "complaint.from_message", "  The box was crushed  ")
    assert reply.form is not None
    description = next(f for f in reply.form.fields if f.name == "description")
    assert description.initial == "The box was crushed"


async def test_a_posted_card_is_found_again_for_its_next_change(
    carebot: CareBot, asha: Actor
) -> None:
    first = await log_complaint(carebot, asha)
    assert first.posts[0].posted is None
    await carebot.remember_post(asha, "complaint:1", "C1", "1700000000.000100")
    await carebot.remember_post(asha, "complaint:1", "C2", "1700000000.000200")
    step = await carebot.submit(asha, "complaint.step", {"text": "Called"}, {"number": "1"})
    assert step.posts[0].posted == ("C2", "1700000000.000200")
    other = await log_complaint(carebot, person("Ola", workspace="T2"))
    assert other.posts[0].posted is None  # the same ref in another workspace is another card
