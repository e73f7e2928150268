"""How far a deadline is, in business time and in words: "2 business hours left",
"late by 1 business day". Business days are whole working days of the workspace's calendar;
below a day, hours; below an hour, "less than a business hour"."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.i18n import N_, Translator
from bot.sla.calendar import Calendar

HOUR = timedelta(hours=1)
PRIORITY_LABELS = {
    "low": N_("low"),
    "normal": N_("normal"),
    "high": N_("high"),
    "urgent": N_("urgent"),
}


def priority_label(code: str, t: Translator) -> str:
    return t(PRIORITY_LABELS[code]) if code in PRIORITY_LABELS else code


def time_left(t: Translator, calendar: Calendar, now: datetime, due: datetime) -> str:
    if due >= now:
        left = calendar.between(now, due)
        days, hours = _whole(left, calendar)
        if days:
            return t.ngettext(
                "{count} business day left", "{count} business days left", days
            ).format(count=t.number(days, 0))
        if hours:
            return t.ngettext(
                "{count} business hour left", "{count} business hours left", hours
            ).format(count=t.number(hours, 0))
        return t("less than a business hour left")
    late = calendar.between(due, now)
    days, hours = _whole(late, calendar)
    if days:
        return t.ngettext(
            "late by {count} business day", "late by {count} business days", days
        ).format(count=t.number(days, 0))
    if hours:
        return t.ngettext(
            "late by {count} business hour", "late by {count} business hours", hours
        ).format(count=t.number(hours, 0))
    return t("late by less than a business hour")


def _whole(span: timedelta, calendar: Calendar) -> tuple[int, int]:
    """Whole business days, or else whole hours (one of them, the other 0)."""
    days = span // calendar.day_length
    if days:
        return days, 0
    return 0, span // HOUR
