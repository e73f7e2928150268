"""Storing assessment runs: start or resume, answer, go back, pause, and read results.

A run's row is locked while an answer is recorded (SQLite runs one transaction at a time
anyway), so a double click or two devices cannot record two answers for one question.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError

from bot.assessment import scoring
from bot.assessment.questions import ITEMS, QUESTION_SET
from bot.assessment.scoring import Band
from bot.context import Context
from storage.models import Assessment, AssessmentAnswer, Member


@dataclass(frozen=True)
class Result:
    run: Assessment
    scores: dict[int, Fraction]
    total: Fraction
    band: Band

    @property
    def completed_at(self) -> datetime:
        assert self.run.completed_at is not None
        return self.run.completed_at


def result(run: Assessment) -> Result:
    scores = scoring.section_scores({a.item: a.score for a in run.answers})
    total = scoring.total(scores)
    return Result(run, scores, total, scoring.band(total))


async def unfinished(ctx: Context) -> Assessment | None:
    return await ctx.session.scalar(
        select(Assessment)
        .where(Assessment.member_id == ctx.member.id, Assessment.completed_at.is_(None))
        .with_for_update(of=Assessment, key_share=True)
    )


async def start_or_resume(ctx: Context) -> tuple[Assessment, bool]:
    """The person's unfinished run, or a new one; True when it is new.

    Two starts at once (two devices, a retried command) meet at the unique index on open runs:
    the second finds the run the first created."""
    run = await unfinished(ctx)
    if run is not None:
        run.paused_at = None
        return run, False
    run = Assessment(
        workspace_id=ctx.workspace.id,
        member_id=ctx.member.id,
        question_set=QUESTION_SET,
        position=0,
        started_at=ctx.now(),
        answers=[],
    )
    try:
        async with ctx.session.begin_nested():
            ctx.session.add(run)
    except IntegrityError:
        found = await unfinished(ctx)
        assert found is not None
        return found, False
    return run, True


async def own_run(ctx: Context, run_id: int) -> Assessment | None:
    """The run if it is the acting person's (locked for the change to come), else None."""
    return await ctx.session.scalar(
        select(Assessment)
        .where(Assessment.id == run_id, Assessment.member_id == ctx.member.id)
        .with_for_update(of=Assessment, key_share=True)
    )


def answer(ctx: Context, run: Assessment, position: int, score: int) -> bool:
    """Records `score` for the statement at `position`; False when that question is not the
    one on screen any more (a double click, a stale message) and nothing changed."""
    if run.completed_at is not None or position != run.position or not 1 <= score <= 5:
        return False
    code = ITEMS[position].code
    existing = next((a for a in run.answers if a.item == code), None)
    if existing is None:
        run.answers.append(
            AssessmentAnswer(assessment_id=run.id, item=code, score=score, answered_at=ctx.now())
        )
    else:
        existing.score, existing.answered_at = score, ctx.now()
    run.position += 1
    run.paused_at = None
    if run.position == len(ITEMS):
        run.completed_at = ctx.now()
    return True


def back(run: Assessment, position: int) -> bool:
    if run.completed_at is not None or position != run.position or position == 0:
        return False
    run.position -= 1
    return True


def pause(ctx: Context, run: Assessment, position: int) -> bool:
    if run.completed_at is not None or position != run.position:
        return False
    run.paused_at = ctx.now()
    return True


def _completed() -> Select[Assessment]:
    return select(Assessment).where(
        Assessment.completed_at.is_not(None), Assessment.question_set == QUESTION_SET
    )


async def history(ctx: Context, member: Member) -> list[Result]:
    """A person's results in this question set, oldest first."""
    runs = await ctx.session.scalars(
        _completed()
        .where(Assessment.member_id == member.id)
        .order_by(Assessment.completed_at, Assessment.id)
    )
    return [result(run) for run in runs]


async def previous(ctx: Context, run: Assessment) -> Result | None:
    """The same person's result just before this one, to show the change."""
    assert run.completed_at is not None
    before = await ctx.session.scalar(
        _completed()
        .where(
            Assessment.member_id == run.member_id,
            Assessment.completed_at < run.completed_at,
            Assessment.id != run.id,
        )
        .order_by(Assessment.completed_at.desc(), Assessment.id.desc())
        .limit(1)
    )
    return result(before) if before is not None else None


async def team(ctx: Context) -> list[Result]:
    """Every completed result in the workspace, oldest first (for the latest and the trend)."""
    runs = await ctx.session.scalars(
        _completed()
        .where(Assessment.workspace_id == ctx.workspace.id)
        .order_by(Assessment.completed_at, Assessment.id)
    )
    return [result(run) for run in runs]


async def find(ctx: Context, run_id: int) -> Assessment | None:
    return await ctx.session.scalar(
        select(Assessment).where(
            Assessment.id == run_id, Assessment.workspace_id == ctx.workspace.id
        )
    )
