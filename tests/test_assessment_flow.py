"""The self-assessment through the core, as a manager takes it: start, answer, back, pause,
resume after a restart, double and stale clicks, results, history and the team view."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from sqlalchemy import func, select

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.i18n import Translator
from bot.settings import Settings
from bot.ui import Audience, Button, Post, Reply
from storage.db import Database
from storage.models import Assessment, AssessmentAnswer
from tests.conftest import person
from tests.factories import texts

PNG = b"\x89PNG\r\n\x1a\n"


def dm(reply: Reply) -> Post:
    (post,) = [p for p in reply.posts if p.to is Audience.DM]
    return post


def button(reply: Reply, label: str) -> Button:
    found = [b for b in dm(reply).message.buttons if b.label == label or b.label.startswith(label)]
    assert found, [b.label for b in dm(reply).message.buttons]
    return found[0]


async def press(bot: CareBot, actor: Actor, reply: Reply, label: str) -> Reply:
    chosen = button(reply, label)
    return await bot.action(actor, chosen.action, chosen.value)


async def take(bot: CareBot, actor: Actor, scores: list[int]) -> Reply:
    reply = await bot.command(actor, "assessment")
    for score in scores:
        reply = await press(bot, actor, reply, f"{score} ·")
    return reply


async def count(db: Database, model: type) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_typed_in_a_channel_it_continues_in_the_dm(carebot: CareBot, meera: Actor) -> None:
    reply = await carebot.command(meera, "assessment")
    assert reply.posts[0].to is Audience.ACTOR
    assert "continues in your direct messages" in reply.posts[0].message.text
    question = dm(reply).message
    assert "1 of 25 · section 1 of 7" in question.text
    assert "Customer-focused culture" in texts(reply)
    assert "We are committed to doing whatever it takes" in texts(reply)
    labels = [b.label for b in question.buttons]
    assert labels == [
        "1 · None of the time",
        "2 · Rarely",
        "3 · Some of the time",
        "4 · Most of the time",
        "5 · All of the time",
        "Pause",
    ]
    in_dm = Actor("console", "T1", "meera", "Meera", channel_id="D1", is_dm=True)
    again = await carebot.command(in_dm, "assessment")
    assert [p.to for p in again.posts] == [Audience.DM]  # no note when already in the DM
    assert "1 of 25" in dm(again).message.text


async def test_25_answers_give_total_band_weakest_sections_and_a_chart(
    carebot: CareBot, meera: Actor, db: Database
) -> None:
    # Section 1: 5,4,4,3 = 4; section 5 all 2s; the rest 4s: 4*6 + 2 = 26 -> adequate.
    scores = [5, 4, 4, 3] + [4] * 4 + [4] * 3 + [4] * 3 + [2] * 3 + [4] * 5 + [4] * 3
    reply = await take(carebot, meera, scores)
    result = dm(reply).message
    assert result.text == "Your result: 26 of 35 · Adequate"
    shown = texts(reply)
    assert "needs improvement overall" in shown
    assert "5. Being easy to reach: 2" in shown and "1. Customer-focused culture: 4" in shown
    weak = shown.split("Work on these first")[1]
    assert weak.lstrip().startswith("5. Being easy to reach (2)")
    assert "maximum waiting times" in weak
    (chart,) = result.files
    assert chart.content.startswith(PNG) and chart.mime == "image/png"
    async with db.session() as session:
        (run,) = (await session.scalars(select(Assessment))).all()
        assert run.question_set == "csq-1" and run.completed_at is not None
    assert await count(db, AssessmentAnswer) == 25


async def test_back_changes_the_previous_answer(
    carebot: CareBot, meera: Actor, db: Database
) -> None:
    reply = await take(carebot, meera, [5, 5])
    assert "3 of 25" in dm(reply).message.text
    reply = await press(carebot, meera, reply, "Back")
    assert "2 of 25" in dm(reply).message.text
    assert "Your answer before: 5 — All of the time" in texts(reply)
    reply = await press(carebot, meera, reply, "1 ·")
    assert "3 of 25" in dm(reply).message.text
    for _ in range(23):
        reply = await press(carebot, meera, reply, "3 ·")
    # Section 1 is (5+1+3+3)/4 = 3: the corrected answer counts, once.
    assert "1. Customer-focused culture: 3" in texts(reply)
    assert await count(db, AssessmentAnswer) == 25


async def test_pause_and_resume_after_a_restart(
    db: Database, settings: Settings, clock: ManualClock, meera: Actor, database_url: str
) -> None:
    bot = CareBot(db, settings, clock)
    reply = await take(bot, meera, [4] * 7)
    reply = await press(bot, meera, reply, "Pause")
    assert dm(reply).message.text == "Assessment paused at statement 8 of 25."

    restarted = Database(database_url)  # a new process: nothing kept in memory
    try:
        bot = CareBot(restarted, settings, clock)
        clock.advance(timedelta(days=3))
        reply = await bot.command(meera, "assessment")
        assert "8 of 25 · section 2 of 7" in dm(reply).message.text
        assert dm(reply).fresh  # a new message in the DM, not an edit of the old one far above
        for _ in range(18):
            reply = await press(bot, meera, reply, "4 ·")
        assert dm(reply).message.text == "Your result: 28 of 35 · Asset"
    finally:
        await restarted.dispose()


async def test_a_double_click_records_one_answer(
    carebot: CareBot, meera: Actor, db: Database
) -> None:
    reply = await carebot.command(meera, "assessment")
    first = button(reply, "4 ·")
    answers = await asyncio.gather(
        *(carebot.action(meera, first.action, first.value) for _ in range(2))
    )
    assert sorted("2 of 25" in dm(a).message.text for a in answers) == [True, True]
    assert sum("answered already" in texts(a) for a in answers) == 1
    assert await count(db, AssessmentAnswer) == 1


async def test_a_stale_question_message_changes_nothing(
    carebot: CareBot, meera: Actor, db: Database
) -> None:
    start = await carebot.command(meera, "assessment")
    await take(carebot, meera, [])  # the same run, resumed
    reply = await press(carebot, meera, start, "2 ·")
    reply = await press(carebot, meera, reply, "3 ·")
    stale = await press(carebot, meera, start, "5 ·")  # the first message, clicked late
    assert "answered already" in texts(stale)
    assert "3 of 25" in dm(stale).message.text
    async with db.session() as session:
        scores = dict(
            (await session.execute(select(AssessmentAnswer.item, AssessmentAnswer.score))).all()
        )
    assert scores == {"1a": 2, "1b": 3}


async def test_two_starts_at_once_make_one_assessment(
    carebot: CareBot, meera: Actor, db: Database
) -> None:
    await carebot.command(meera, "help")  # the member exists before the race
    replies = await asyncio.gather(*(carebot.command(meera, "assessment") for _ in range(3)))
    assert all("1 of 25" in dm(r).message.text for r in replies)
    assert await count(db, Assessment) == 1


async def test_someone_elses_buttons_do_nothing(
    carebot: CareBot, meera: Actor, db: Database
) -> None:
    reply = await carebot.command(meera, "assessment")
    other = person("Bob")
    chosen = button(reply, "5 ·")
    refused = await carebot.action(other, chosen.action, chosen.value)
    assert "not yours" in texts(refused)
    assert await count(db, AssessmentAnswer) == 0


async def test_a_second_assessment_shows_the_change_and_history_the_trend(
    carebot: CareBot, meera: Actor, clock: ManualClock
) -> None:
    await take(carebot, meera, [3] * 25)
    clock.advance(timedelta(days=40))
    reply = await take(carebot, meera, [4] * 4 + [3] * 21)
    shown = texts(reply)
    assert "Your result: 22 of 35 · Adequate" in shown
    assert "1. Customer-focused culture: 4 (+1)" in shown
    assert "2. Products and sales materials: 3 (±0)" in shown
    assert "Total before: 21 on Nov 2, 2026 (+1)." in shown
    # The radar names its sections and says which line is which in words.
    (radar,) = dm(reply).message.files
    assert radar.chart is not None
    drawn = json.loads(radar.chart.args)
    assert drawn["legends"] == ["This result (Dec 12, 2026)", "The one before (Nov 2, 2026)"]
    assert drawn["sections"][0] == "1. Customer-focused culture"

    history = await carebot.command(meera, "assessment", "history")
    lines = texts(history)
    assert lines.index("Dec 12, 2026: 22 of 35 · Adequate") < lines.index(
        "Nov 2, 2026: 21 of 35 · Adequate"
    )
    (chart,) = dm(history).message.files
    assert chart.content.startswith(PNG)
    answers = await press(carebot, meera, history, "Answers of Dec 12, 2026")
    assert "4 — We are committed to doing whatever it takes" in texts(answers)


async def test_the_team_view_aggregates_and_names_people_only_for_admins(
    carebot: CareBot, asha: Actor, meera: Actor, bob: Actor, clock: ManualClock
) -> None:
    await carebot.command(asha, "help")  # Asha is the workspace's first member: its admin
    await take(carebot, meera, [5] * 25)  # 35, asset
    await take(carebot, bob, [1] * 2 + [2] * 23)  # section 1 is 1.5: 13.5, at risk
    refused = await carebot.command(bob, "assessment", "team")
    assert "Only managers and admins" in texts(refused)

    manager_reply = await carebot.command(meera, "assessment", "team")
    manager_view = texts(manager_reply)
    assert "Respondents: 2" in manager_view
    assert "Average total: 24.25 · Adequate" in manager_view  # (35 + 13.5) / 2
    assert "Asset: 1" in manager_view and "At risk: 1" in manager_view
    # The distribution of bands as named bars, then the average by month.
    bands_chart, _ = (f.chart for p in manager_reply.posts for f in p.message.files)
    assert bands_chart is not None
    counts = [bar[:3] for bar in json.loads(bands_chart.args)["bars"]]
    assert counts == [["Asset", 1.0, "1"], ["Adequate", 0.0, "0"], ["At risk", 1.0, "1"]]
    assert "November 2026: 24.25" in manager_view  # the month by its name, not 2026-11
    assert "Bob" not in manager_view  # individual results only for admins
    assert (
        manager_view.split("Weakest sections team-wide")[1]
        .lstrip()
        .startswith("1. Customer-focused culture (3.25)")
    )

    admin = await carebot.command(asha, "assessment", "team")
    assert "Bob: 13.5 · At risk" in texts(admin)
    answers = await press(carebot, asha, admin, "Answers of Bob")
    assert "Answers of Bob" in texts(answers)

    bob_run = button(admin, "Answers of Bob")
    refused = await carebot.action(meera, bob_run.action, bob_run.value)
    assert "Only the respondent and admins" in texts(refused)

    await carebot.command(meera, "language", "hi")
    hindi_reply = await carebot.command(meera, "assessment", "team")
    in_hindi = texts(hindi_reply)
    assert "नवंबर 2026" in in_hindi and "2026-11" not in in_hindi and "November" not in in_hindi
    # The charts' words are in the reader's language too.
    hi = Translator("hi")
    bands, trend = (
        json.loads(f.chart.args) for p in hindi_reply.posts for f in p.message.files if f.chart
    )
    assert [bar[0] for bar in bands["bars"]] == [hi("Asset"), hi("Adequate"), hi("At risk")]
    assert bands["title"] == hi("Respondents by band") != "Respondents by band"
    assert trend["bands"] == [hi("At risk"), hi("Adequate"), hi("Asset")]
