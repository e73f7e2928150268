"""Targets and business time as people read them: how far a deadline is ("2 business hours
left", "late by 1 business day": business days are whole working days of the workspace's
calendar; below a day, hours; below an hour, "less than a business hour"), a target ("4
hours", "2 business days"), a wait ("1 hour 5 minutes"), and the priorities' names."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.i18n import N_, Translator
from bot.sla.calendar import Calendar
from bot.sla.targets import Span

HOUR = timedelta(hours=1)
PRIORITY_LABELS = {
    "low": N_("Low"),
    "normal": N_("Normal"),
    "high": N_("High"),
    "urgent": N_("Urgent"),
}


def priority_label(priority: str, t: Translator) -> str:
    return t(PRIORITY_LABELS.get(priority, PRIORITY_LABELS["normal"]))


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


def span_words(span: Span, t: Translator) -> str:
    if span.unit == "d":
        text = t.ngettext("{count} business day", "{count} business days", span.amount)
    else:
        text = t.ngettext("{count} hour", "{count} hours", span.amount)
    return text.format(count=t.number(span.amount, 0))


def duration_words(delta: timedelta, t: Translator) -> str:
    """Hours and minutes (days of 24 hours when longer than a day), never seconds."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(t.ngettext("{count} day", "{count} days", days).format(count=days))
    if hours:
        parts.append(t.ngettext("{count} hour", "{count} hours", hours).format(count=hours))
    if minutes or not parts:
        parts.append(t.ngettext("{count} minute", "{count} minutes", minutes).format(count=minutes))
    return " ".join(parts[:2])
