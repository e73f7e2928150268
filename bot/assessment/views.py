"""The assessment's messages: one statement at a time, the result, history and the team view."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from fractions import Fraction

from bot import paging
from bot.assessment import scoring
from bot.assessment.questions import ITEMS, SCALE, SECTION_OF, SECTIONS
from bot.assessment.scoring import BAND_LABELS, BAND_MEANINGS, Band
from bot.assessment.service import Result
from bot.charts import Chart, chart_file
from bot.context import Context
from bot.ui import Button, Message, Section
from storage.models import Assessment

PREFIX = "assessment"
TEAM_ACTION = f"{PREFIX}.team"  # the team view's Previous and Next page buttons
# People on a page of the team view: their answers' buttons and the two page buttons stay
# within Discord's 25 buttons a message.
PEOPLE_PAGE = 20


def ref(run: Assessment) -> str:
    """The one DM message a run is shown in, edited as the person answers."""
    return f"{PREFIX}:{run.id}"


def score_text(ctx: Context, value: Fraction) -> str:
    return ctx.t.number(scoring.shown(value))


def total_text(ctx: Context, value: Fraction) -> str:
    return ctx.t.number(scoring.shown_total(value))


def change_text(ctx: Context, now: Fraction, before: Fraction) -> str:
    delta = scoring.shown(now - before)
    if delta == 0:
        return "±0"
    return ("+" if delta > 0 else "−") + ctx.t.number(abs(delta))


def band_text(ctx: Context, band: Band) -> str:
    return ctx.t(BAND_LABELS[band])


# A band's colour on charts, as the trend chart's bands (bot.assessment.charts).
BAND_COLOURS = {Band.ASSET: "#2da44e", Band.ADEQUATE: "#d4a72c", Band.AT_RISK: "#cf222e"}


def trend_chart(ctx: Context, title: str, labels: list[str], totals: list[Fraction]) -> Chart:
    """Totals on the 7–35 scale over time, the three bands named on the chart."""
    t = ctx.t
    return Chart.of(
        "trend",
        title=title,
        labels=labels,
        totals=[float(total) for total in totals],
        bands=[band_text(ctx, b) for b in (Band.AT_RISK, Band.ADEQUATE, Band.ASSET)],
        axis=t("Total of 35"),
    )


def question(ctx: Context, run: Assessment) -> Message:
    t = ctx.t
    item = ITEMS[run.position]
    section = SECTION_OF[item.code]
    progress = t("{n} of {total} · section {section} of {sections}").format(
        n=run.position + 1, total=len(ITEMS), section=section.number, sections=len(SECTIONS)
    )
    sections = [
        Section(title=t(section.title), body=t(section.intro)),
        Section(body=t(item.text)),
    ]
    given = next((a.score for a in run.answers if a.item == item.code), None)
    if given is not None:
        sections.append(
            Section(
                body=t("Your answer before: {score} — {words}").format(
                    score=given, words=t(SCALE[given])
                )
            )
        )
    answer = f"{PREFIX}.answer:{run.id}"
    buttons = [
        Button(f"{score} · {t(words)}", answer, f"{run.position}:{score}")
        for score, words in SCALE.items()
    ]
    if run.position > 0:
        buttons.append(Button(t("Back"), f"{PREFIX}.back:{run.id}", str(run.position)))
    buttons.append(Button(t("Pause"), f"{PREFIX}.pause:{run.id}", str(run.position)))
    return Message(
        text=t("Customer service self-assessment · {progress}").format(progress=progress),
        sections=tuple(sections),
        buttons=tuple(buttons),
        ref=ref(run),
    )


def paused(ctx: Context, run: Assessment) -> Message:
    t = ctx.t
    return Message(
        text=t("Assessment paused at statement {n} of {total}.").format(
            n=run.position + 1, total=len(ITEMS)
        ),
        sections=(Section(body=t("Type /assessment when you want to go on where you stopped.")),),
        ref=ref(run),
    )


def _dates(ctx: Context, current: Result, previous: Result | None) -> list[date]:
    days = [current.completed_at.astimezone(ctx.zone).date()]
    if previous is not None:
        days.append(previous.completed_at.astimezone(ctx.zone).date())
    return days


def result(ctx: Context, current: Result, previous: Result | None) -> Message:
    t = ctx.t
    headline = t("Your result: {total} of 35 · {band}").format(
        total=total_text(ctx, current.total), band=band_text(ctx, current.band)
    )
    rows = []
    for section in SECTIONS:
        now = current.scores[section.number]
        value = score_text(ctx, now)
        if previous is not None:
            value += f" ({change_text(ctx, now, previous.scores[section.number])})"
        rows.append((f"{section.number}. {t(section.title)}", value))
    sections = [
        Section(body=t(BAND_MEANINGS[current.band])),
        Section(title=t("Section scores (1 to 5)"), fields=tuple(rows)),
    ]
    if previous is not None:
        sections.append(
            Section(
                body=t("Total before: {total} on {date} ({change}).").format(
                    total=total_text(ctx, previous.total),
                    date=t.date(previous.completed_at),
                    change=change_text(ctx, current.total, previous.total),
                )
            )
        )
    weak = [SECTIONS[number - 1] for number in scoring.weakest(current.scores)]
    sections.append(
        Section(
            title=t("Work on these first"),
            body="\n".join(
                f"{s.number}. {t(s.title)} ({score_text(ctx, current.scores[s.number])}): "
                f"{t(s.advice)}"
                for s in weak
            ),
        )
    )
    days = _dates(ctx, current, previous)
    this, *before = [t.date(r.completed_at) for r in (current, previous) if r is not None]
    chart = Chart.of(
        "radar",
        title=t("Section scores (1 to 5)"),
        sections=[f"{s.number}. {t(s.title)}" for s in SECTIONS],
        current=[float(current.scores[s.number]) for s in SECTIONS],
        previous=[float(previous.scores[s.number]) for s in SECTIONS] if previous else None,
        legends=[
            t("This result ({date})").format(date=this),
            *(t("The one before ({date})").format(date=day) for day in before),
        ],
        scale=[t.number(k, 0) for k in range(1, 6)],
    )
    return Message(
        text=headline,
        sections=tuple(sections),
        buttons=(Button(t("History"), f"{PREFIX}.history", ""),),
        ref=ref(current.run),
        files=(chart_file(f"assessment-{days[0].isoformat()}.png", t("Your assessment"), chart),),
    )


def history(ctx: Context, results: list[Result]) -> Message:
    t = ctx.t
    if not results:
        return Message(
            text=t("You have not completed an assessment yet. Type /assessment to take one.")
        )
    lines = [
        t("{date}: {total} of 35 · {band}").format(
            date=t.date(r.completed_at),
            total=total_text(ctx, r.total),
            band=band_text(ctx, r.band),
        )
        for r in reversed(results)
    ]
    chart = trend_chart(
        ctx,
        t("Your total over time"),
        [t.short_date(r.completed_at.astimezone(ctx.zone).date()) for r in results],
        [r.total for r in results],
    )
    return Message(
        text=t("Your assessments"),
        sections=(Section(body="\n".join(lines)),),
        buttons=tuple(
            Button(
                t("Answers of {date}").format(date=t.date(r.completed_at)),
                f"{PREFIX}.answers:{r.run.id}",
            )
            for r in list(reversed(results))[:5]
        ),
        files=(chart_file("assessment-history.png", t("Your assessments"), chart),),
    )


def answers(ctx: Context, current: Result) -> Message:
    t = ctx.t
    given = {a.item: a.score for a in current.run.answers}
    sections = tuple(
        Section(
            title=f"{s.number}. {t(s.title)} · {score_text(ctx, current.scores[s.number])}",
            body="\n".join(f"{given[i.code]} — {t(i.text)}" for i in s.items),
        )
        for s in SECTIONS
    )
    return Message(
        text=t("Answers of {name}, {date}: {total} of 35 · {band}").format(
            name=current.run.member.display_name,
            date=t.date(current.completed_at),
            total=total_text(ctx, current.total),
            band=band_text(ctx, current.band),
        ),
        sections=sections,
    )


def _people_page(
    ctx: Context, people: list[Result], number: int
) -> tuple[tuple[Section, ...], tuple[Button, ...]]:
    """A page of the latest result per person, weakest first, with the count of all, a button
    for each one's answers and the buttons to the other pages (names: admins only)."""
    t = ctx.t
    page = paging.paged(sorted(people, key=lambda r: r.total), number, PEOPLE_PAGE)
    lines = [
        t("{name}: {total} · {band}").format(
            name=r.run.member.display_name,
            total=total_text(ctx, r.total),
            band=band_text(ctx, r.band),
        )
        for r in page
    ]
    shown = paging.sections(lines, t("Latest result per person"))
    counted = paging.count_line(page, t) if page.total > PEOPLE_PAGE or not page.items else ""
    buttons = tuple(
        Button(
            t("Answers of {name}").format(name=r.run.member.display_name),
            f"{PREFIX}.answers:{r.run.id}",
        )
        for r in page
    )
    return (
        shown + ((Section(body=counted),) if counted else ()),
        buttons + paging.page_buttons(page, TEAM_ACTION, "", t),
    )


def team(ctx: Context, results: list[Result], show_people: bool, number: int = 1) -> Message:
    """The latest result per respondent, aggregated; names only for admins, a page at a time
    (the aggregate and the chart on the first page only)."""
    t = ctx.t
    latest: dict[int, Result] = {}
    for r in results:  # oldest first, so the last one per person wins
        latest[r.run.member_id] = r
    if not latest:
        return Message(text=t("Nobody in this workspace has completed an assessment yet."))
    people = list(latest.values())
    if number > 1 and show_people:
        shown, more = _people_page(ctx, people, number)
        return Message(
            text=t("The team's customer service assessment"), sections=shown, buttons=more
        )
    average = scoring.mean(r.total for r in people)
    bands = Counter(r.band for r in people)
    section_means = {s.number: scoring.mean(r.scores[s.number] for r in people) for s in SECTIONS}
    weak = scoring.weakest(section_means)
    by_month: dict[date, list[Fraction]] = defaultdict(list)
    for r in results:
        by_month[r.completed_at.astimezone(ctx.zone).date().replace(day=1)].append(r.total)
    months = sorted(by_month)[-12:]
    sections = [
        Section(
            fields=(
                (t("Respondents"), t.number(len(people), 0)),
                (
                    t("Average total"),
                    total_text(ctx, average) + " · " + band_text(ctx, scoring.band(average)),
                ),
                *((band_text(ctx, b), t.number(bands.get(b, 0), 0)) for b in Band),
            )
        ),
        Section(
            title=t("Weakest sections team-wide"),
            body="\n".join(
                f"{n}. {t(SECTIONS[n - 1].title)} ({score_text(ctx, section_means[n])}): "
                f"{t(SECTIONS[n - 1].advice)}"
                for n in weak
            ),
        ),
        Section(
            title=t("Average total by month"),
            body="\n".join(
                t("{month}: {total}").format(
                    month=t.month(month), total=total_text(ctx, scoring.mean(by_month[month]))
                )
                for month in months
            ),
        ),
    ]
    buttons: tuple[Button, ...] = ()
    if show_people:
        shown, buttons = _people_page(ctx, people, 1)
        sections += shown
    chart = trend_chart(
        ctx,
        t("Average total by month"),
        [t.short_month(m) for m in months],
        [scoring.mean(by_month[m]) for m in months],
    )
    distribution = Chart.of(
        "hbars",
        title=t("Respondents by band"),
        bars=[
            [
                band_text(ctx, b),
                float(bands.get(b, 0)),
                t.number(bands.get(b, 0), 0),
                BAND_COLOURS[b],
            ]
            for b in Band
        ],
        note=t("Each respondent's latest result"),
    )
    return Message(
        text=t("The team's customer service assessment"),
        sections=tuple(sections),
        buttons=buttons,
        files=(
            chart_file("assessment-team-bands.png", t("Respondents by band"), distribution),
            chart_file("assessment-team.png", t("Average total by month"), chart),
        ),
    )
