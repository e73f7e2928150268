"""Targets and business time as people read them: "4 hours", "2 business days",
"1 hour 5 minutes", and the priorities' names."""

from __future__ import annotations

from datetime import timedelta

from bot.i18n import N_, Translator
from bot.sla.targets import Span

PRIORITY_LABELS = {
    "low": N_("Low"),
    "normal": N_("Normal"),
    "high": N_("High"),
    "urgent": N_("Urgent"),
}


def priority_label(priority: str, t: Translator) -> str:
    return t(PRIORITY_LABELS.get(priority, PRIORITY_LABELS["normal"]))


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
