"""Every user-facing string goes through gettext, and the English catalog has them all."""

from __future__ import annotations

import string
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from babel.messages.pofile import read_po

from bot.catalogs import extract, po_path
from bot.i18n import SUPPORTED_LOCALES, Translator


def _catalog(locale: str):
    with po_path(locale).open("rb") as handle:
        return read_po(handle, locale=locale)


def _forms(string: str | tuple[str, ...]) -> tuple[str, ...]:
    """A message's translations: one, or one per plural form (each must be filled)."""
    return string if isinstance(string, tuple) else (string,)


def test_english_catalog_has_every_marked_string_translated() -> None:
    in_code = {m.id for m in extract() if m.id}
    catalog = _catalog("en")
    in_catalog = {m.id for m in catalog if m.id and m.string}
    missing = in_code - in_catalog
    assert not missing, f"run `python -m bot.catalogs`; missing: {sorted(missing)[:5]}"
    stale = {m.id for m in catalog if m.id} - in_code
    assert not stale, f"run `python -m bot.catalogs`; no longer used: {sorted(stale)[:5]}"
    assert len(in_code) > 150


@pytest.mark.parametrize("locale", [loc for loc in SUPPORTED_LOCALES if loc != "en"])
def test_every_catalog_translates_every_message(locale: str) -> None:
    in_code = {m.id for m in extract() if m.id}
    catalog = _catalog(locale)
    untranslated = sorted(
        str(m.id) for m in catalog if m.id and (not all(_forms(m.string)) or m.fuzzy)
    )
    assert not untranslated, f"{locale}: {len(untranslated)} untranslated, e.g. {untranslated[:3]}"
    assert in_code <= {m.id for m in catalog if m.id}, f"run `python -m bot.catalogs` ({locale})"
    same = [m.id for m in catalog if m.id and m.string == m.id and any(c.isalpha() for c in m.id)]
    # Commands, codes and names stay as they are; sentences in English are left behind.
    english = [text for text in same if len(text.split()) > 2 and not text.startswith("/")]
    assert not english, f"{locale}: English left behind: {english[:3]}"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_placeholders_survive_translation(locale: str) -> None:
    for message in _catalog(locale):
        if not message.id or not message.string:
            continue
        # A plural message: each form keeps the singular's fields (the count included).
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        fields = {f for _, f, _, _ in string.Formatter().parse(ids[0]) if f}
        for form in forms:
            translated = {f for _, f, _, _ in string.Formatter().parse(form) if f}
            assert fields == translated, (locale, message.id, form)


def test_dates_and_money_follow_the_locale_and_time_zone() -> None:
    t = Translator("en", "Asia/Kolkata")
    assert t.datetime(datetime(2026, 11, 2, 9, 0, tzinfo=UTC)) == "Nov 2, 2026, 2:30\u202fPM"
    assert t.money(Decimal("150.50"), "INR") == "₹150.50"
    assert Translator("hi").money(Decimal("150000"), "INR") == "₹1,50,000.00"


@pytest.mark.parametrize(
    ("locale", "number", "money"),
    [
        ("en", "1,234,567", "₹125,000.50"),
        ("tl", "1,234,567", "₹125,000.50"),
        ("hi", "12,34,567", "₹1,25,000.50"),
        ("mr", "12,34,567", "₹1,25,000.50"),  # CLDR's Marathi money groups the Western way
        ("bn", "12,34,567", "1,25,000.50₹"),
    ],
)
def test_numbers_money_and_percentages_group_digits_one_way_per_language(
    locale: str, number: str, money: str
) -> None:
    """Latin digits everywhere; Indian languages group by lakhs in numbers and money alike."""
    t = Translator(locale)
    assert t.number(1234567) == number
    assert t.money(Decimal("125000.50"), "INR") == money
    assert t.number(Decimal("3.756")) == "3.76" and t.number(4) == "4"
    assert t.number(Decimal("1234567.25"), 1).startswith(number)
    assert t.percent(Decimal("45.6")) == "46%" and t.percent(Decimal("12.5"), 1) == "12.5%"
    assert t.percent(1234567) == number + "%"  # grouped like numbers


def test_months_are_named_and_charts_get_digits() -> None:
    day = datetime(2027, 1, 5, tzinfo=UTC).date()
    assert Translator("en").month(day) == "January 2027"
    assert Translator("hi").month(day) == "जनवरी 2027"
    assert Translator("bn").month(day) == "জানুয়ারি 2027"
    assert Translator("hi").short_date(day) == "5/1/27"
    assert Translator("en").short_month(day) == "1/2027"


def test_unknown_locale_falls_back_to_english() -> None:
    assert Translator("xx")("Goodbye.") == "Goodbye."
