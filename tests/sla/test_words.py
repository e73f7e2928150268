"""Time left and how late, in business time and in each language's plural forms. The calendar:
UTC, Monday to Friday 09:00–17:00 (a business day is 8 hours); 2 November 2026 is a Monday."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from bot.i18n import Translator
from bot.sla.calendar import Calendar
from bot.sla.words import time_left

OFFICE = Calendar("UTC", frozenset(range(5)), time(9), time(17))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# (now, due): 1 hour, 2 hours, 1 day (9 h: 7 on Monday, 2 on Tuesday), 2 days,
# under an hour; late by 1 hour, 2 hours, 1 day (over the weekend: 6 h Friday + 3 h Monday),
# 2 days (17 h) and under an hour (Friday 17:00 to Saturday: no business time).
CASES = [
    (at("2026-11-02 10:00"), at("2026-11-02 11:00")),
    (at("2026-11-02 10:00"), at("2026-11-02 12:30")),
    (at("2026-11-02 10:00"), at("2026-11-03 11:00")),
    (at("2026-11-02 10:00"), at("2026-11-04 12:00")),
    (at("2026-11-02 10:00"), at("2026-11-02 10:40")),
    (at("2026-11-02 12:00"), at("2026-11-02 11:00")),
    (at("2026-11-02 12:30"), at("2026-11-02 10:00")),
    (at("2026-11-09 12:00"), at("2026-11-06 11:00")),
    (at("2026-11-06 11:00"), at("2026-11-04 10:00")),
    (at("2026-11-07 10:00"), at("2026-11-06 17:00")),
]
EXPECTED = {
    "en": [
        "1 business hour left",
        "2 business hours left",
        "1 business day left",
        "2 business days left",
        "less than a business hour left",
        "late by 1 business hour",
        "late by 2 business hours",
        "late by 1 business day",
        "late by 2 business days",
        "late by less than a business hour",
    ],
    "hi": [
        "1 कामकाजी घंटा बाकी",
        "2 कामकाजी घंटे बाकी",
        "1 कामकाजी दिन बाकी",
        "2 कामकाजी दिन बाकी",
        "एक कामकाजी घंटे से कम बाकी",
        "1 कामकाजी घंटे की देरी",
        "2 कामकाजी घंटों की देरी",
        "1 कामकाजी दिन की देरी",
        "2 कामकाजी दिनों की देरी",
        "एक कामकाजी घंटे से कम की देरी",
    ],
    "mr": [
        "1 कामकाजाचा तास बाकी",
        "2 कामकाजाचे तास बाकी",
        "1 कामकाजाचा दिवस बाकी",
        "2 कामकाजाचे दिवस बाकी",
        "एका कामकाजाच्या तासापेक्षा कमी बाकी",
        "1 कामकाजाचा तास उशीर",
        "2 कामकाजाचे तास उशीर",
        "1 कामकाजाचा दिवस उशीर",
        "2 कामकाजाचे दिवस उशीर",
        "एका कामकाजाच्या तासापेक्षा कमी उशीर",
    ],
    "bn": [
        "1 কাজের ঘণ্টা বাকি",
        "2 কাজের ঘণ্টা বাকি",
        "1 কাজের দিন বাকি",
        "2 কাজের দিন বাকি",
        "এক কাজের ঘণ্টার কম বাকি",
        "1 কাজের ঘণ্টা দেরি",
        "2 কাজের ঘণ্টা দেরি",
        "1 কাজের দিন দেরি",
        "2 কাজের দিন দেরি",
        "এক কাজের ঘণ্টার কম দেরি",
    ],
    "tl": [
        "1 oras ng trabaho pa",
        "2 oras ng trabaho pa",
        "1 araw ng trabaho pa",
        "2 araw ng trabaho pa",
        "wala nang isang oras ng trabaho",
        "huli nang 1 oras ng trabaho",
        "huli nang 2 oras ng trabaho",
        "huli nang 1 araw ng trabaho",
        "huli nang 2 araw ng trabaho",
        "huli nang wala pang isang oras ng trabaho",
    ],
}


@pytest.mark.parametrize("locale", sorted(EXPECTED))
def test_time_left_in_words(locale: str) -> None:
    t = Translator(locale)
    said = [time_left(t, OFFICE, now, due) for now, due in CASES]
    assert said == EXPECTED[locale]


def test_days_are_the_workspace_s_working_days() -> None:
    """A shorter working day makes a day sooner: 9 business hours are 2 days of 4 hours."""
    short = Calendar("UTC", frozenset(range(5)), time(9), time(13))
    t = Translator("en")
    assert time_left(t, short, at("2026-11-02 09:00"), at("2026-11-04 10:00")) == (
        "2 business days left"
    )
