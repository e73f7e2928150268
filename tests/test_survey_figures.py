"""Customer surveys in the figures: goals on CSAT and on the response rate, the customer's own
answer in "customers satisfied", and the week's surveys in the digest: the response rate, CSAT
and the customers' words without names or contact data (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.digest.feedback import QUOTE_CHARS, survey_week
from bot.goals import service
from bot.goals.periods import week_before
from bot.settings import Settings
from storage.db import Database
from storage.models import Complaint, RetentionCheck
from tests.factories import MARKUP, add_survey, log_complaint, texts
from tests.jobs import prepare
from tests.test_goals import at, complaint, goal_values, ids

NOV = datetime(2026, 11, 2, tzinfo=UTC)  # the clock's Monday: the digest's week is Nov 2–8
NEXT_MONDAY = datetime(2026, 11, 9, 9, 0, tzinfo=UTC)
ON_THE_SPOT = {"solution_mode": "on_the_spot", "follow_up_at": None}


def nov(day: int, hour: int = 12) -> datetime:
    return NOV.replace(day=day, hour=hour)


async def seed_surveys(db: Database) -> int:
    """Week of Oct 26: resolution scores 5, 4 and 2, one unanswered and one skipped; one-month
    surveys answered (one only after the week ended), expired; the week before: a score of 1."""
    workspace, member = await ids(db)
    async with db.transaction() as session:
        session.add_all(
            complaint(workspace, member, n, at(0, n), resolved_at=at(0, n + 1)) for n in range(1, 7)
        )
        session.add(complaint(workspace, member, 7, at(-6), resolved_at=at(-5)))
    for number, sent, answered, score in (
        (1, at(1), at(1, 5), 5),
        (2, at(2), at(2, 5), 4),
        (3, at(3), at(4), 2),
        (4, at(4), None, None),  # sent, not answered
        (7, at(-4), at(-3), 1),  # the week before
    ):
        await add_survey(db, number, "resolution", sent, answered, score=score)
    await add_survey(db, 6, "resolution", None, state="skipped")  # never sent: not counted
    await add_survey(db, 5, "retention", at(2), at(3), satisfied="yes", bought_again="yes")
    await add_survey(db, 6, "retention", at(5), state="expired")
    # Sent on Sunday evening, answered on Monday night: answered, for the week it was sent in.
    await add_survey(db, 1, "retention", at(6, 20), at(7, 1), satisfied="no", bought_again="no")
    return workspace


async def test_goals_on_csat_and_the_response_rate_met_and_missed(
    carebot: CareBot, asha: Actor, db: Database, clock: ManualClock
) -> None:
    await carebot.command(asha, "help")
    form = (await carebot.command(asha, "goal", "add")).form
    assert form is not None
    (metric,) = [f for f in form.fields if f.name == "metric"]
    offered = {c.value: c.label for c in metric.choices}
    assert offered["csat_pct"] == "CSAT: resolution surveys scoring 4–5"
    assert offered["survey_response_pct"] == "Survey response rate"

    workspace = await seed_surveys(db)
    for values in (
        goal_values("csat_pct", None, "ge", "60", "week"),
        goal_values("csat_pct", None, "ge", "80", "month"),
        goal_values("survey_response_pct", None, "ge", "70", "week"),
        goal_values("survey_response_pct", None, "ge", "90", "week"),
    ):
        reply = await carebot.submit(asha, "goal.save", values, {})
        assert reply.errors is None, reply.errors
    week = week_before(clock.now(), ZoneInfo("UTC"))
    async with db.session() as session:
        found = {s.goal.number: s for s in await service.statuses(session, workspace, week)}
    # CSAT: 5 and 4 of 5, 4 and 2 → 2 of 3; the mean 11/3. The week before: a 1 → 0%.
    assert (found[1].actual, found[1].mean, found[1].met) == (
        Decimal(200) / 3,
        Decimal(11) / 3,
        True,
    )
    assert (found[1].before, found[2].met) == (Decimal(0), False)
    # Sent in the week: 4 resolution, 3 one-month surveys; answered: 5. The week before: 1 of 1.
    assert (found[3].actual, found[3].met, found[3].before) == (Decimal(500) / 7, True, 100)
    assert found[4].met is False

    shown = texts(await carebot.command(asha, "goal", "list"))
    for line in (
        "Goal 1 · CSAT: resolution surveys scoring 4–5: 66.7%, mean score 3.7 of 5"
        " (target at least 60%) · met · +66.7 points on the week before",
        # October complete (the week holds its last day): the 1 of Oct 23 counts too.
        "Goal 2 · CSAT: resolution surveys scoring 4–5: 50%, mean score 3 of 5"
        " (target at least 80%) · off-track · Oct 1, 2026 – Oct 31, 2026",
        "Goal 3 · Survey response rate: 71.4% (target at least 70%) · met"
        " · −28.6 points on the week before",
        "Goal 4 · Survey response rate: 71.4% (target at least 90%) · off-track",
    ):
        assert line in shown, shown


async def test_no_survey_answered_is_no_data_and_the_form_refuses_what_it_should(
    carebot: CareBot, asha: Actor, db: Database
) -> None:
    await carebot.command(asha, "help")
    for values, field, error in (
        ({"target": "120"}, "target", "A percentage target is between 0 and 100."),
        ({"param": "5"}, "param", "takes no parameter"),
    ):
        typed = {**goal_values("csat_pct", None, "ge", "80", "week"), **values}
        reply = await carebot.submit(asha, "goal.save", typed, {})
        assert reply.errors is not None and error in reply.errors.errors[field]
    await carebot.submit(asha, "goal.save", goal_values("csat_pct", None, "ge", "80", "week"), {})
    await carebot.submit(
        asha, "goal.save", goal_values("survey_response_pct", None, "ge", "50", "week"), {}
    )
    shown = texts(await carebot.command(asha, "goal", "list"))
    assert "CSAT: resolution surveys scoring 4–5: no data (target at least 80%)" in shown
    assert "Survey response rate: no data (target at least 50%)" in shown
    assert "mean score" not in shown


async def test_the_customers_answer_beats_the_agents_in_customers_satisfied(
    carebot: CareBot, asha: Actor, db: Database, clock: ManualClock
) -> None:
    for _ in range(4):
        await log_complaint(carebot, asha, **ON_THE_SPOT)
    async with db.session() as session:
        checks = {
            c.complaint_id: c.id for c in (await session.scalars(select(RetentionCheck))).all()
        }
        numbers = {c.id: c.number for c in (await session.scalars(select(Complaint))).all()}
    check_of = {numbers[complaint_id]: check for complaint_id, check in checks.items()}

    async def agent_records(number: int, satisfied: str, bought_again: str) -> None:
        opened = await carebot.action(asha, "retention.record", str(check_of[number]))
        assert opened.form is not None
        values = {"satisfied": satisfied, "bought_again": bought_again}
        await carebot.submit(asha, "retention.record", values, opened.form.state)

    # #1: the agent heard "no" on the phone; then the customer answered the survey: yes.
    await agent_records(1, "no", "no")
    await add_survey(db, 1, "retention", nov(3), nov(4), satisfied="yes", bought_again="not_yet")
    # #2: answered on the survey page only; the survey flow copied it into the check.
    await add_survey(db, 2, "retention", nov(3), nov(5), satisfied="yes", bought_again="yes")
    async with db.transaction() as session:
        check = await session.get(RetentionCheck, check_of[2])
        assert check is not None
        check.state, check.source, check.answered_at = "done", "customer", nov(5)
        check.satisfied, check.bought_again = "yes", "yes"
    # #3: the agent's call only. #4: a resolution survey's 5 of 5 is CSAT, not this.
    await agent_records(3, "no", "no")
    await add_survey(db, 4, "resolution", nov(3), nov(4), score=5)
    async with db.session() as session:
        sources = [c.source for c in (await session.scalars(select(RetentionCheck))).all()]
    assert sorted(filter(None, sources)) == ["agent", "agent", "customer"]

    for metric, target in (("satisfied_pct", "60"), ("bought_again_pct", "50")):
        await carebot.submit(asha, "goal.save", goal_values(metric, None, "ge", target, "week"), {})
    clock.set(NEXT_MONDAY)
    shown = texts(await carebot.command(asha, "goal", "list"))
    # Yes (the customer, over the agent's no), yes (counted once), no: 2 of 3.
    assert "Customers satisfied at the retention check: 66.7% (target at least 60%) · met" in shown
    # Not yet (not bought), yes, no: 1 of 3.
    assert "Customers who bought again: 33.3% (target at least 50%) · off-track" in shown


async def the_week_in_surveys(carebot: CareBot, asha: Actor, db: Database) -> None:
    """Three complaints (two customers' details typed in their answers); two surveys answered
    in the week, one sent and unanswered; an answer from the week before."""
    await carebot.command(asha, "digest", "channel here")
    await log_complaint(carebot, asha, **ON_THE_SPOT)
    await log_complaint(
        carebot,
        asha,
        customer_name="Anita Desai",
        customer_phone="+91 91234 56789",
        customer_address="4 Juhu Tara Road",
        **ON_THE_SPOT,
    )
    await log_complaint(carebot, asha, **ON_THE_SPOT)
    long = "The courier never called ahead and " * 10
    await add_survey(
        db,
        1,
        "resolution",
        nov(3),
        nov(4),
        score=5,
        better=f"Ravi Kumar here: call me on 98765 43210 or at ravi.k@example.com!\n{MARKUP}",
    )
    await add_survey(db, 2, "resolution", nov(3), nov(6), score=2, better=long + "Anita.")
    await add_survey(db, 3, "resolution", nov(5))  # sent, not answered
    await add_survey(db, 3, "retention", nov(1), nov(1, 13), satisfied="yes", better="Old news")


async def test_the_digest_shows_the_response_rate_csat_and_quotes_without_names(
    carebot: CareBot, asha: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    await the_week_in_surveys(carebot, asha, db)
    clock.set(NEXT_MONDAY)
    preview = texts(await carebot.command(asha, "digest", "preview"))
    outgoing = await prepare(db, settings, clock, "digest")
    (sent,) = [texts(o.reply) for o in outgoing]
    for shown in (preview, sent):
        assert "Customer surveys this week" in shown
        assert "Response rate: 67% · 2 of 3 answered" in shown
        assert "CSAT (scores 4–5 of 5): 50%, mean score 3.5 of 5" in shown
        quotes = shown.split("What could we have done better? Customers' answers\n")[1]
        first, second = quotes.splitlines()[:2]  # newest first
        assert first.startswith("“The courier never called ahead and The courier")
        assert first.endswith("…” (score 2 of 5)")
        assert len(first) - len("“” (score 2 of 5)") <= QUOTE_CHARS
        assert second == f"“••• here: call me on ••• or at •••! {MARKUP}” (score 5 of 5)"
        for secret in ("Ravi", "Kumar", "98765", "ravi.k", "example.com", "Anita", "Old news"):
            assert secret not in shown, secret


async def test_at_most_three_quotes_and_none_without_surveys(
    carebot: CareBot, asha: Actor, db: Database, clock: ManualClock
) -> None:
    await carebot.command(asha, "help")
    clock.set(NEXT_MONDAY)
    shown = texts(await carebot.command(asha, "digest", "preview"))
    assert "Customer surveys" not in shown and "done better" not in shown

    for number in range(1, 6):
        await log_complaint(carebot, asha, **ON_THE_SPOT)
        await add_survey(db, number, "retention", nov(3), nov(3, number), better=f"Answer {number}")
    await add_survey(db, 1, "resolution", nov(3), nov(4), better="  \n ")  # nothing to quote
    await add_survey(db, 2, "resolution", nov(3), nov(4), better="ravi kumar +919876543210")
    workspace, _ = await ids(db)
    async with db.session() as session:
        week = await survey_week(session, workspace, week_before(clock.now(), ZoneInfo("UTC")))
    assert [q.text for q in week.quotes] == ["Answer 5", "Answer 4", "Answer 3"]
    assert (week.sent, week.answered, week.scores.rated) == (7, 7, 0)
    shown = texts(await carebot.command(asha, "digest", "preview"))
    assert "“Answer 5”\n“Answer 4”\n“Answer 3”" in shown
    assert "CSAT (scores 4–5 of 5): no data" in shown
