"""Facts from the complaint log beside the workbook's questions, so the policy is written
from what happened: the last 90 days, in the workspace's time zone."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from bot.categories import category_label
from bot.context import Context
from bot.digest.content import top_issues
from bot.goals.metrics import measure
from bot.goals.periods import Window, local_day

DAYS = 90


def window(ctx: Context) -> Window:
    today = local_day(ctx.now(), ctx.zone)
    return Window(today - timedelta(days=DAYS - 1), today + timedelta(days=1), ctx.zone)


def _pct(ctx: Context, value: Decimal | None) -> str:
    return ctx.t("no data") if value is None else ctx.t.percent(value, 0)


async def lines(ctx: Context, kinds: tuple[str, ...]) -> list[str]:
    t, span, ws = ctx.t, window(ctx), ctx.workspace.id
    found: list[str] = []
    for kind in kinds:
        if kind == "resolution":
            hours = await measure(ctx.session, ws, "resolution_median_hours", None, span)
            text = (
                t("no data") if hours is None else t("{hours} h").format(hours=t.number(hours, 1))
            )
            found.append(t("Median time to resolve a complaint: {value}").format(value=text))
        elif kind == "satisfaction":
            satisfied = await measure(ctx.session, ws, "satisfied_pct", None, span)
            again = await measure(ctx.session, ws, "bought_again_pct", None, span)
            found.append(
                t("Satisfied at the one-month check: {satisfied}; bought again: {again}").format(
                    satisfied=_pct(ctx, satisfied), again=_pct(ctx, again)
                )
            )
        elif kind == "follow_ups":
            on_time = await measure(ctx.session, ws, "follow_ups_on_time_pct", None, span)
            found.append(t("Follow-ups done on time: {value}").format(value=_pct(ctx, on_time)))
        elif kind == "top_categories":
            issues, _ = await top_issues(ctx.session, ws, span)
            named = ", ".join(f"{category_label(i.category, t)} ({i.count})" for i in issues)
            found.append(
                t("What customers complain about most: {categories}").format(
                    categories=named or t("no complaints yet")
                )
            )
    if found:
        last = t.ngettext(
            "From the complaint log, last {days} day:",
            "From the complaint log, last {days} days:",
            DAYS,
        )
        found.insert(0, last.format(days=t.number(DAYS, 0)))
    return found
