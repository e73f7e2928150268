"""Reading what people type: phones, dates, amounts (no database needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic_core import PydanticCustomError

from bot.validation import parse_amount_minor, parse_datetime, parse_phone

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
KOLKATA = ZoneInfo("Asia/Kolkata")


@pytest.mark.parametrize(
    ("typed", "region", "expected"),
    [
        ("98765 43210", "IN", "+919876543210"),
        ("098765-43210", "IN", "+919876543210"),
        ("+63 917 123 4567", "IN", "+639171234567"),
        ("01712-345678", "BD", "+8801712345678"),
    ],
)
def test_phone_numbers_are_read_in_the_workspace_region(
    typed: str, region: str, expected: str
) -> None:
    assert parse_phone(typed, region) == expected


@pytest.mark.parametrize("typed", ["12ab", "call me", "+91 123", "☎☎☎"])
def test_malformed_phone_numbers_are_refused_with_an_example(typed: str) -> None:
    with pytest.raises(PydanticCustomError) as caught:
        parse_phone(typed, "IN")
    assert "Example" in caught.value.context["msgid"]  # type: ignore[index]
    assert caught.value.context["example"].startswith("+91")  # type: ignore[index]


def test_dates_are_read_in_the_workspace_time_zone() -> None:
    assert parse_datetime("2026-11-03 14:30", KOLKATA, NOW) == datetime(
        2026, 11, 3, 9, 0, tzinfo=UTC
    )
    assert parse_datetime("2026-11-03", KOLKATA, NOW) == datetime(2026, 11, 3, 4, 30, tzinfo=UTC)
    assert parse_datetime("+2d", KOLKATA, NOW) == NOW + timedelta(days=2)
    assert parse_datetime("+ 90m", KOLKATA, NOW) == NOW + timedelta(minutes=90)
    assert parse_datetime("2026-11-03T10:00:00+00:00", KOLKATA, NOW) == datetime(
        2026, 11, 3, 10, tzinfo=UTC
    )


@pytest.mark.parametrize("typed", ["tomorrow", "2026-13-01 10:00", "+2y", "32/11/2026"])
def test_unreadable_dates_are_refused(typed: str) -> None:
    with pytest.raises(PydanticCustomError):
        parse_datetime(typed, KOLKATA, NOW)


def test_amounts_are_exact_minor_units_of_the_currency() -> None:
    assert parse_amount_minor("150.50", "INR") == 15050
    assert parse_amount_minor("1,50,000", "INR") == 15000000
    assert parse_amount_minor("500", "JPY") == 500
    for typed, currency in (
        ("1.5", "JPY"),
        ("0.001", "INR"),
        ("-1", "USD"),
        ("NaN", "USD"),
        ("ten", "USD"),
        ("1e12", "USD"),
    ):
        with pytest.raises(PydanticCustomError):
            parse_amount_minor(typed, currency)
