"""`/report`'s messages: a table in sections and fields (readable on every platform, a page of
agents at a time) and an "hbars" chart of the same figures, with each bar's value as shown."""

from __future__ import annotations

from bot import paging
from bot.categories import category_label
from bot.charts import Chart, chart_file
from bot.digest.content import Cost, Issue
from bot.goals.periods import Window
from bot.goals.views import NO_DATA, window_text
from bot.i18n import Translator
from bot.paging import Page
from bot.reports.figures import AgentFigures
from bot.ui import Message, Section
from bot.validation import minor_to_amount

# Discord shows a message in at most 10 embeds, and an agent's fields open an embed of their own.
AGENTS_PAGE = 8


def _hours(agent: AgentFigures, t: Translator) -> str:
    if agent.median_hours is None:
        return t(NO_DATA)
    return t("{value} h").format(value=t.number(agent.median_hours, 1))


def _of(part: int, whole: int, t: Translator) -> str:
    """ "3 of 4 (75%)", or no data when there was nothing to count."""
    if not whole:
        return t(NO_DATA)
    return t("{part} of {whole} ({percent})").format(
        part=t.number(part, 0), whole=t.number(whole, 0), percent=t.percent(part * 100 / whole, 0)
    )


def _csat(agent: AgentFigures, t: Translator) -> str:
    scores = agent.scores
    if scores.csat is None:
        return t("no surveys")
    surveys = t.ngettext(
        "{percent} of {count} survey", "{percent} of {count} surveys", scores.rated
    )
    return surveys.format(percent=t.percent(scores.csat, 0), count=t.number(scores.rated, 0))


def agent_section(agent: AgentFigures, t: Translator) -> Section:
    return Section(
        title=agent.name,
        fields=(
            (t("Taken"), t.number(agent.taken, 0)),
            (t("Resolved"), t.number(agent.resolved, 0)),
            (t("Median time to resolve"), _hours(agent, t)),
            (t("Follow-ups on time"), _of(agent.follow_ups_on_time, agent.follow_ups_due, t)),
            (t("Retention checks done"), t.number(agent.checks_done, 0)),
            (t("CSAT"), _csat(agent, t)),
        ),
    )


def agents_message(
    page: Page[AgentFigures], window: Window, command: str, t: Translator
) -> Message:
    span = window_text(window, t)
    title = t("Agents, {window}").format(window=span)
    if not page.total:
        return Message(text=title, sections=(Section(body=t("No complaints in this period.")),))
    footer = " ".join(
        filter(None, (paging.count_line(page, t), paging.next_hint(page, command, t)))
    )
    chart = Chart.of(
        "hbars",
        title=t("Complaints resolved per agent"),
        bars=[[a.name, float(a.resolved), t.number(a.resolved, 0)] for a in page],
        note=span,
    )
    return Message(
        text=title,
        sections=(
            *(agent_section(agent, t) for agent in page),
            *((Section(body=footer),) if footer else ()),
        ),
        files=(
            chart_file(
                f"agents-{window.first_day:%Y%m%d}-p{page.number}.png",
                t("Complaints resolved per agent"),
                chart,
            ),
        ),
    )


def categories_message(
    frequency: list[Issue], by_cost: dict[str, list[Cost]], window: Window, t: Translator
) -> Message:
    span = window_text(window, t)
    title = t("Categories, {window}").format(window=span)
    if not frequency:
        return Message(text=title, sections=(Section(body=t("No complaints in this period.")),))
    counts = [
        t.ngettext(
            "{category}: {count} complaint", "{category}: {count} complaints", i.count
        ).format(category=category_label(i.category, t), count=t.number(i.count, 0))
        for i in frequency
    ]
    sections = list(paging.sections(counts, t("By how often they came up:")))
    files = [
        chart_file(
            f"categories-{window.first_day:%Y%m%d}.png",
            t("Complaints per category"),
            Chart.of(
                "hbars",
                title=t("Complaints per category"),
                bars=[
                    [category_label(i.category, t), float(i.count), t.number(i.count, 0)]
                    for i in frequency
                ],
                note=span,
            ),
        )
    ]
    for code, paid in by_cost.items():
        amounts = [(c.category, minor_to_amount(c.minor, code)) for c in paid]
        heading = t("By compensation paid ({currency}):").format(currency=code)
        lines = [f"{category_label(c, t)}: {t.money(amount, code)}" for c, amount in amounts]
        sections.extend(paging.sections(lines, heading))
        files.append(
            chart_file(
                f"compensation-{code.lower()}-{window.first_day:%Y%m%d}.png",
                heading,
                Chart.of(
                    "hbars",
                    title=heading,
                    bars=[
                        [category_label(c, t), float(amount), t.money(amount, code)]
                        for c, amount in amounts
                    ],
                    note=span,
                ),
            )
        )
    if not by_cost:
        sections.append(Section(body=t("No compensation was paid in this period.")))
    return Message(text=title, sections=tuple(sections), files=tuple(files[:4]))
