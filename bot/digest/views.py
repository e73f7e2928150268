"""How the digest reads: the week's goals, the log's numbers, the top issues, and charts of
the goals and the top issues."""

from __future__ import annotations

from decimal import Decimal

from bot.assessment.scoring import BAND_LABELS, shown_total
from bot.categories import category_label
from bot.charts import Chart, chart_file
from bot.digest.content import Digest
from bot.digest.feedback import SurveyWeek
from bot.goals.metrics import METRICS
from bot.goals.views import (
    mean_score_text,
    metric_label,
    status_lines,
    target_text,
    value_text,
    verdict,
    window_text,
)
from bot.i18n import Translator
from bot.paging import SECTION_CHARS
from bot.ui import Attachment, Message, Section
from bot.validation import minor_to_amount

# The goals' share of the digest: one section (Slack: 3,000 characters), leaving the rest of
# Discord's 6,000 to the counts, the top issues and the team's assessment.
GOALS_CHARS = SECTION_CHARS - 200
MAX_GOALS = 8  # goals on the digest's chart; the list in words has them all
MAX_COST_CHARTS = 3  # compensation charts, one per currency
COST_COLOUR = "#bf8700"


def _issues(digest: Digest, t: Translator, currency: str) -> tuple[Section, list[Attachment]]:
    """The top issues in words, and one bar chart per ranking: how often, then what each
    currency's compensation came to (the workspace's currency first)."""
    window = window_text(digest.issues_window, t)
    title = t("Top issues, last four weeks ({window})").format(window=window)
    if not digest.by_frequency:
        return Section(title=title, body=t("No complaints in these four weeks.")), []
    lines = [t("By how often they came up:")]
    lines += [
        f"{category_label(i.category, t)}: {t.number(i.count, 0)}" for i in digest.by_frequency
    ]
    for code, paid in digest.by_cost.items():
        lines.append(t("By compensation paid ({currency}):").format(currency=code))
        lines += [
            f"{category_label(c.category, t)}: {t.money(minor_to_amount(c.minor, code), code)}"
            for c in paid
        ]
    charts = [
        chart_file(
            f"top-issues-{digest.week.label}.png",
            t("Top issues"),
            Chart.of(
                "hbars",
                title=t("Top issues: how often they came up"),
                bars=[
                    [category_label(i.category, t), float(i.count), t.number(i.count, 0)]
                    for i in digest.by_frequency
                ],
                note=window,
            ),
        )
    ]
    codes = sorted(digest.by_cost, key=lambda code: (code != currency, code))
    for code in codes[:MAX_COST_CHARTS]:
        amounts = [(c.category, minor_to_amount(c.minor, code)) for c in digest.by_cost[code]]
        chart = Chart.of(
            "hbars",
            title=t("Top issues: compensation paid ({currency})").format(currency=code),
            bars=[
                [category_label(category, t), float(amount), t.money(amount, code)]
                for category, amount in amounts
            ],
            note=window,
            colour=COST_COLOUR,
        )
        name = f"top-issues-{code.lower()}-{digest.week.label}.png"
        charts.append(chart_file(name, t("Compensation paid"), chart))
    return Section(title=title, body="\n".join(lines)), charts


def _goals_chart(digest: Digest, t: Translator) -> Attachment | None:
    """The goals' recent weeks against their targets, one small panel each."""
    if not digest.goals:
        return None
    panels = []
    for status in digest.goals[:MAX_GOALS]:
        goal = status.goal
        unit = METRICS[goal.metric].unit
        panels.append(
            {
                "name": t("Goal {number}: {metric}").format(
                    number=goal.number, metric=metric_label(goal.metric, goal.param, t)
                ),
                "status": "none" if status.met is None else "met" if status.met else "off",
                "verdict": verdict(status, t),
                "latest": value_text(unit, status.actual, t),
                "target": float(goal.target),
                "target_text": t("Target: {target}").format(target=target_text(goal, t)),
                "values": [
                    None if v is None else float(v) for v in digest.goal_history.get(goal.id, [])
                ],
                "weeks": [t.short_date(w.first_day) for w in digest.weeks],
            }
        )
    more = len(digest.goals) - len(panels)
    chart = Chart.of(
        "goals",
        title=t("Goals week by week"),
        goals=panels,
        legends=[t("This goal's figure each week"), t("Target")],
        note=t.ngettext(
            "{count} more goal is in the list above.",
            "{count} more goals are in the list above.",
            more,
        ).format(count=more)
        if more
        else None,
    )
    return chart_file(f"goals-{digest.week.label}.png", t("Goals"), chart)


def _team(digest: Digest, t: Translator) -> str:
    if digest.team is None:
        return t("No assessment yet. Type /assessment to take it.")
    return t("The team's latest: {total} of 35 · {band} · respondents: {respondents}").format(
        total=t.number(shown_total(digest.team.total)),
        band=t(BAND_LABELS[digest.team.band]),
        respondents=digest.team.respondents,
    )


def _percent(part: int, whole: int, t: Translator) -> str:
    return t.percent(Decimal(part) * 100 / whole, 0)


def _surveys(surveys: SurveyWeek, t: Translator) -> tuple[Section, ...]:
    """The week's response rate and CSAT, and the customers' words, when there are any."""
    if not surveys.shown:
        return ()
    scores = surveys.scores
    rate = (
        t("{percent} · {answered} of {sent} answered").format(
            percent=_percent(surveys.answered, surveys.sent, t),
            answered=t.number(surveys.answered, 0),
            sent=t.number(surveys.sent, 0),
        )
        if surveys.sent
        else t("no surveys sent")
    )
    csat = t("no data")
    if scores.rated and scores.mean is not None:
        csat = t("{value}, {mean}").format(
            value=_percent(scores.satisfied, scores.rated, t), mean=mean_score_text(scores.mean, t)
        )
    sections = [
        Section(
            title=t("Customer surveys this week"),
            fields=(
                (t("Response rate"), rate),
                (t("CSAT (scores 4–5 of 5)"), csat),
            ),
        )
    ]
    if surveys.quotes:
        lines = [
            t("“{quote}” (score {score} of 5)").format(quote=q.text, score=q.score)
            if q.score is not None
            else t("“{quote}”").format(quote=q.text)
            for q in surveys.quotes
        ]
        title = t("What could we have done better? Customers' answers")
        sections.append(Section(title=title, body="\n".join(lines)))
    return tuple(sections)


def _targets(digest: Digest, t: Translator) -> tuple[Section, ...]:
    """First responses and resolutions within target, and the week's breaches by category:
    numbers and categories only."""
    week = digest.targets
    if not week.shown:
        return ()

    def share(part: int, whole: int) -> str:
        if not whole:
            return t("no data")
        return t("{percent} · {part} of {whole}").format(
            percent=_percent(part, whole, t), part=t.number(part, 0), whole=t.number(whole, 0)
        )

    total = sum(b.count for b in week.breaches)
    breaches = t.number(total, 0)
    if week.breaches:
        breaches += "\n" + "\n".join(
            f"{category_label(b.category, t)}: {t.number(b.count, 0)}" for b in week.breaches
        )
    return (
        Section(
            title=t("Targets this week"),
            fields=(
                (t("First responses within target"), share(*week.responses)),
                (t("Resolved within target"), share(*week.resolutions)),
                (t("Deadlines breached"), breaches),
            ),
        ),
    )


def render(digest: Digest, t: Translator, *, currency: str, late: bool = False) -> Message:
    """The digest in `t`'s language. Only counts, amounts, categories, goals and survey answers
    without names or contact data: it goes to a channel, so no customer's details and no
    complaint's own words."""
    headline = t("Weekly digest · {week}").format(week=window_text(digest.week, t))
    if late:
        headline += " · " + t("sent late")
    counts = digest.complaints
    # One message in a channel: the goals that fit, then how many more and where to see them.
    goals = status_lines(digest.goals, t, GOALS_CHARS) or t(
        "No goals yet. A manager adds one with /goal add."
    )
    issues, charts = _issues(digest, t, currency)
    goals_chart = _goals_chart(digest, t)
    sections = (
        Section(title=t("Goals"), body=goals),
        Section(
            title=t("Complaints"),
            fields=(
                (t("New this week"), t.number(counts.new, 0)),
                (t("Resolved this week"), t.number(counts.resolved, 0)),
                (t("Open now"), t.number(counts.open, 0)),
                (t("Follow-ups overdue now"), t.number(counts.overdue, 0)),
                (t("Escalated this week"), t.number(counts.escalated, 0)),
            ),
        ),
        Section(
            title=t("Retention checks this week"),
            fields=(
                (t("Done"), t.number(digest.checks_done, 0)),
                (t("Missed"), t.number(digest.checks_missed, 0)),
            ),
        ),
        *_targets(digest, t),
        *_surveys(digest.surveys, t),
        issues,
        Section(title=t("Self-assessment"), body=_team(digest, t)),
    )
    files = ([goals_chart] if goals_chart else []) + charts
    return Message(text=headline, sections=sections, files=tuple(files))
