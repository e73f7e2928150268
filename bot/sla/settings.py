"""Reading what managers type to `/sla`: working days and hours, holidays, dates, targets and
the warning's share. Each wrong word is one clear, translated sentence."""

from __future__ import annotations

import re
from datetime import date, time
from functools import cache

import holidays

from bot.errors import UserError
from bot.i18n import N_
from bot.sla.calendar import WEEKDAYS
from bot.sla.targets import PRIORITIES, Span

_TIMES = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


def parse_days(text: str) -> frozenset[int]:
    """`mon-fri`, `mon,wed,fri`, `sun-thu` (a range may go round the week's end)."""
    days: set[int] = set()
    for part in text.lower().split(","):
        first, _, last = part.strip().partition("-")
        start, end = _day(first), _day(last or first)
        while True:
            days.add(start)
            if start == end:
                break
            start = (start + 1) % 7
    return frozenset(days)


def _day(word: str) -> int:
    key = word.strip()[:3]
    if key not in WEEKDAYS or not word.strip():
        raise UserError(
            N_(
                "“{word}” is not a day: use mon, tue, wed, thu, fri, sat, sun, "
                "or a range such as mon-fri."
            ),
            word=word.strip(),
        )
    return WEEKDAYS.index(key)


def parse_times(text: str) -> tuple[time, time]:
    match = _TIMES.match(text.strip())
    opens = closes = None
    if match is not None:
        try:
            opens = time(int(match[1]), int(match[2]))
            closes = time(int(match[3]), int(match[4]))
        except ValueError:
            opens = None
    if opens is None or closes is None:
        raise UserError(
            N_("“{text}” is not a time range: use HH:MM-HH:MM, for example 09:30-18:30."),
            text=text.strip(),
        )
    if closes <= opens:
        raise UserError(N_("The working day must close after it opens."))
    return opens, closes


@cache
def _countries() -> dict[str, list[str]]:
    return holidays.list_supported_countries(include_aliases=False)


def parse_region(country: str, subdivision: str | None) -> tuple[str, str | None]:
    """A country the `holidays` library knows, and one of its subdivisions (or none)."""
    code = country.strip().upper()
    known = _countries()
    if code not in known:
        raise UserError(
            N_(
                "No public holidays are known for “{country}”. "
                "Use a two-letter country code, such as IN or PH."
            ),
            country=country.strip(),
        )
    if subdivision is None:
        return code, None
    sub = subdivision.strip().upper()
    if sub not in known[code]:
        raise UserError(
            N_("“{subdivision}” is not a subdivision of {country}. Known: {known}."),
            subdivision=subdivision.strip(),
            country=code,
            known=", ".join(known[code]) or "—",
        )
    return code, sub


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(
            N_("Give a date as YYYY-MM-DD, for example: /sla closed add 2026-12-24")
        ) from None


def parse_priority(word: str) -> str:
    priority = word.strip().lower()
    if priority not in PRIORITIES:
        raise UserError(
            N_("Choose a priority: {choices}."), choices=", ".join(reversed(PRIORITIES))
        )
    return priority


def parse_span(text: str) -> Span:
    span = Span.parse(text)
    if span is None:
        raise UserError(
            N_("“{text}” is not a length of time: use hours (4h) or business days (2d)."),
            text=text.strip(),
        )
    return span


def parse_percent(text: str) -> int:
    value = text.strip().rstrip("%")
    if not value.isdecimal() or not 1 <= int(value) <= 99:
        raise UserError(N_("Give a percentage from 1 to 99, for example: /sla warn 75"))
    return int(value)
