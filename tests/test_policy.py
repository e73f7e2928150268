"""The policy workbook: a team goes from an empty workbook to a complete, versioned policy
document, with who wrote what, what changed, evidence from the log and training reminders."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.policy.content import DISCRETION, SECTIONS
from bot.settings import Settings
from bot.ui import Audience, Reply
from storage.db import Database
from storage.models import Job, TrainingSession
from tests.factories import log_complaint, texts
from tests.jobs import prepare
from tests.test_shell import run_cli

VISION = {
    "success": "Orders arrive on time\nPeople call us back",
    "customers": "They trust our delivery dates",
    "steps": "A complaint log\nA call a month later",
    "elements": "Reliable\nFriendly",
    "statement": "Reliable, friendly, on time.",
}


def buttons(reply: Reply) -> dict[str, tuple[str, str]]:
    return {b.label: (b.action, b.value) for p in reply.posts for b in p.message.buttons}


async def press(bot: CareBot, actor: Actor, reply: Reply, label: str) -> Reply:
    action, value = buttons(reply)[label]
    return await bot.action(actor, action, value)


async def write(bot: CareBot, actor: Actor, section: str, values: dict[str, str]) -> Reply:
    opened = await bot.action(actor, f"policy.write:{section}", "")
    assert opened.form is not None
    return await bot.submit(actor, opened.form.form_id, values, opened.form.state)


async def test_the_team_writes_a_section_together_with_versions_and_history(
    carebot: CareBot, asha: Actor, meera: Actor, bob: Actor
) -> None:
    await carebot.command(asha, "help")
    overview = await carebot.command(bob, "policy", "")
    assert "0 of 10 sections final" in texts(overview)
    assert "Vision statement: not started" in texts(overview)

    section = await press(carebot, bob, overview, "Vision statement")
    opened = await press(carebot, bob, section, "Write")
    assert opened.form is not None
    assert opened.form.fields[0].label == "1. Reasons for success in 3–5 years"
    saved = await carebot.submit(bob, opened.form.form_id, VISION, opened.form.state)
    assert "Saved as version 1 of “Vision statement”." in texts(saved)
    assert "Last written by Bob" in texts(saved)

    changed = {**VISION, "statement": "Reliable, friendly, always on time."}
    again = await write(carebot, meera, "vision", changed)
    assert "version 2" in texts(again)
    same = await write(carebot, meera, "vision", changed)
    assert "Nothing changed." in texts(same)

    history = await carebot.action(bob, "policy.history:vision", "")
    shown = texts(history)
    assert shown.index("Version 2 · Meera") < shown.index("Version 1 · Bob")
    assert "- Reliable, friendly, on time." in shown
    assert "+ Reliable, friendly, always on time." in shown
    assert "Written by: Bob, Meera" in texts(await carebot.command(bob, "policy", ""))


async def test_managers_mark_sections_final_and_a_change_undoes_it(
    carebot: CareBot, asha: Actor, meera: Actor, bob: Actor
) -> None:
    await carebot.command(asha, "help")
    await write(carebot, bob, "speed", {"answer": "Calls answered within 3 rings"})
    refused = await carebot.action(bob, "policy.final:speed", "")
    assert "Only managers and admins" in texts(refused)
    marked = await carebot.action(meera, "policy.final:speed", "")
    assert "“Speed” is marked final." in texts(marked) and "final" in texts(marked)
    assert "Speed: final" in texts(await carebot.command(bob, "policy", ""))
    await write(carebot, bob, "speed", {"answer": "Calls answered within 2 rings"})
    assert "Speed: changed since marked final" in texts(await carebot.command(bob, "policy", ""))
    empty = await carebot.action(meera, "policy.final:retention", "")
    assert "Write something in this section" in texts(empty)


async def test_evidence_from_the_log_stands_beside_the_questions(
    carebot: CareBot, asha: Actor, clock: ManualClock
) -> None:
    await log_complaint(carebot, asha, follow_up_at=None)
    await log_complaint(carebot, asha, follow_up_at=None, category="billing")
    await log_complaint(carebot, asha, follow_up_at=None, category="billing")
    clock.advance(timedelta(hours=5))
    await carebot.submit(
        asha,
        "complaint.resolve",
        {"solution": "x", "solution_mode": "on_the_spot"},
        {"number": "1"},
    )
    shown = texts(await carebot.command(asha, "policy", "complaints"))
    assert "From the complaint log, last 90 days:" in shown
    assert "Median time to resolve a complaint: 5 h" in shown
    assert "What customers complain about most: Billing or refund (2), Delivery (1)" in shown
    assert "Satisfied at the one-month check: no data" in shown


async def test_training_dates_are_checked_then_reminded_the_day_before(
    carebot: CareBot, asha: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    await carebot.command(asha, "digest", "channel here")
    bad = await write(carebot, asha, "training", {"kickoff": "someday", "sessions": "+1d\n+2w"})
    assert bad.errors is not None and set(bad.errors.errors) == {"kickoff"}
    async with db.session() as session:
        assert (await session.scalars(select(TrainingSession))).all() == []  # nothing half-saved

    plan = {"kickoff": "+3d", "sessions": "+10d\n+24d", "topics": "Resolving complaints"}
    assert "version 1" in texts(await write(carebot, asha, "training", plan))
    async with db.session() as session:
        jobs = (await session.scalars(select(Job).where(Job.kind == "training"))).all()
    assert sorted(j.due_at for j in jobs) == [
        clock.now() + timedelta(days=d - 1) for d in (3, 10, 24)
    ]
    first = min(jobs, key=lambda j: j.due_at)
    assert await prepare(db, settings, clock, first.key) != ()
    (out,) = await prepare(db, settings, clock, first.key)
    (post,) = out.reply.posts
    assert post.to is Audience.CHANNEL and post.channel == "C1"
    assert post.message.text.startswith("Kick-off meeting on")

    await write(carebot, asha, "training", {**plan, "sessions": "+10d"})  # one session dropped
    async with db.session() as session:
        kept = (
            await session.scalars(
                select(TrainingSession).where(TrainingSession.cancelled.is_(False))
            )
        ).all()
        dropped = (await session.scalars(select(Job).where(Job.state == "cancelled"))).all()
    assert len(kept) == 2 and len(dropped) == 1


async def test_from_an_empty_workbook_to_a_complete_policy_document(
    carebot: CareBot, asha: Actor, database_url: str, tmp_path
) -> None:
    await carebot.command(asha, "goal", "")
    goal = await carebot.command(asha, "goal", "add")
    assert goal.form is not None
    await carebot.submit(
        asha,
        goal.form.form_id,
        {"metric": "satisfied_pct", "comparison": "ge", "target": "80", "period": "month"},
        goal.form.state,
    )
    for section in SECTIONS:
        values = {item.code: f"{section.code}/{item.code} answer" for item in section.items}
        if section.code == "vision":
            values = VISION
        if section.code == "training":
            values = {"kickoff": "+3d", "sessions": "+10d", "topics": "Complaint skills"}
        assert "Saved as version 1" in texts(await write(carebot, asha, section.code, values))
        assert "marked final" in texts(
            await carebot.action(asha, f"policy.final:{section.code}", "")
        )

    reply = await carebot.command(asha, "policy", "document")
    (file,) = reply.posts[0].message.files
    assert file.filename.endswith(".md") and file.mime == "text/markdown"
    text = file.content.decode("utf-8")
    assert text.startswith("# Customer service policy")
    assert "10 of 10 sections final" in text and "(draft)" not in text
    assert "Reliable, friendly, on time." in text
    for code in ("product", "speed", "communication", "follow_up", "complaints", "retention"):
        assert f"{code}/answer answer" in text
    assert "Customers satisfied at the retention check" in text  # the goal
    assert all(step.split(":")[0] in text for step in DISCRETION)
    assert "Complaint skills" in text
    home = texts(await carebot.command(asha, "home", ""))
    assert "10 of 10 sections final" in home and "Reliable, friendly, on time." in home

    exported = run_cli(["export", "policy", "--format", "md"], [], database_url, tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.startswith("# Customer service policy")
    assert "Reliable, friendly, on time." in exported.stdout
