"""gettext for every user-facing string, with Babel catalogs shipped as .po files.

Catalogs are compiled in memory on first use (no compiled binaries in the repo, no build
step), then cached per locale. Message ids are the English sentences; placeholders are
`{name}` fields filled with str.format after translation.
"""

from __future__ import annotations

import io
from copy import copy
from datetime import date as Day
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import (
    format_date,
    format_datetime,
    format_skeleton,
    get_date_format,
    get_datetime_format,
    get_time_format,
)
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import NumberPattern, format_currency, format_decimal, format_percent
from babel.support import NullTranslations, Translations

DOMAIN = "carebot"
LOCALES_DIR = Path(__file__).parent / "locales"
SUPPORTED_LOCALES: tuple[str, ...] = ("en", "hi", "mr", "bn", "tl")
Moment = datetime  # the type, by a name the Translator.datetime method does not hide


# Platform language tags that name one of ours by another code (Filipino is Tagalog's standard).
_ALIASES = {"fil": "tl"}


def supported(tag: str | None) -> str | None:
    """Our locale for a platform's language tag ("hi-IN", "en-US", "fil"), or None."""
    if not tag:
        return None
    primary = tag.replace("_", "-").split("-")[0].lower()
    primary = _ALIASES.get(primary, primary)
    return primary if primary in SUPPORTED_LOCALES else None


def resolve_locale(
    preference: str | None, platform: str | None, workspace: str | None, default: str = "en"
) -> str:
    """A person's language: their own choice (/language), else their platform's language if
    it is one of ours, else the workspace's, else English."""
    for candidate in (preference, supported(platform), workspace, default):
        if candidate in SUPPORTED_LOCALES:
            return candidate
    return "en"


def N_(message: str) -> str:
    """Marks a string for extraction where it is defined; it is translated where it is shown."""
    return message


@cache
def _catalog(locale: str) -> NullTranslations:
    po_path = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.exists():
        return NullTranslations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=locale, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@cache
def _datetime_pattern(locale: str) -> tuple[Locale, str]:
    """The locale's medium date with its short time ("Nov 23, 2026, 2:30 PM"): no seconds.

    Built once per locale; formatting a date is on the path of every list and card."""
    parsed = Locale.parse(locale)
    pattern = (
        str(get_datetime_format("medium", locale=parsed))
        .replace("{1}", get_date_format("medium", locale=parsed).pattern)
        .replace("{0}", get_time_format("short", locale=parsed).pattern)
    )
    return parsed, pattern


@cache
def _number_pattern(locale: str, kind: str, decimals: int | None) -> NumberPattern:
    """The locale's own pattern for numbers, money or percentages, all with the grouping of
    its plain numbers: Hindi, Bengali and Marathi group by lakhs (12,34,567 and ₹1,25,000.50)
    everywhere, never Western grouping next to Indian. `decimals`: at most that many decimals,
    none shown when they are zeros; None keeps the pattern's own (money: the currency's)."""
    parsed = Locale.parse(locale)
    grouping = parsed.decimal_formats[None].grouping
    source = {
        "decimal": parsed.decimal_formats[None],
        "currency": parsed.currency_formats["standard"],
        "percent": parsed.percent_formats[None],
    }[kind]
    pattern: NumberPattern = copy(source)
    pattern.grouping = grouping
    if decimals is not None:
        pattern.frac_prec = (0, decimals)
    return pattern


class Translator:
    """Translation and formatting for one person's locale and time zone."""

    def __init__(self, locale: str = "en", timezone: str = "UTC") -> None:
        self.locale = locale if locale in SUPPORTED_LOCALES else "en"
        self.timezone = ZoneInfo(timezone)
        self._translations = _catalog(self.locale)
        self._babel_locale, self._datetime_pattern = _datetime_pattern(self.locale)

    def gettext(self, message: str) -> str:
        return self._translations.gettext(message)

    __call__ = gettext

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._translations.ngettext(singular, plural, n)

    def datetime(self, value: datetime | None) -> str:
        if value is None:
            return "—"
        local = value.astimezone(self.timezone)
        return str(format_datetime(local, self._datetime_pattern, locale=self._babel_locale))

    def date(self, value: Moment) -> str:
        return str(
            format_date(value.astimezone(self.timezone), "medium", locale=self._babel_locale)
        )

    def month(self, value: Day) -> str:
        """A calendar month by its name in the person's language: "January 2027", "जनवरी 2027"."""
        return str(format_skeleton("yMMMM", value, locale=self._babel_locale))

    def short_date(self, value: Day) -> str:
        """A day in digits and the locale's order ("1/5/27", "5/1/27"): for charts, whose
        fonts draw digits in every language but not every script."""
        return str(format_date(value, "short", locale=self._babel_locale))

    def short_month(self, value: Day) -> str:
        """A calendar month in digits, the locale's order ("1/2027"): for charts, like
        `short_date`."""
        return str(format_skeleton("yM", value, locale=self._babel_locale))

    # Numbers use Latin digits in every language (Babel's default numbering system), grouped
    # the locale's way: one consistent choice per language for numbers, money and percentages.

    def number(self, value: Decimal | float | int, decimals: int = 2) -> str:
        """Up to `decimals` decimals, none shown when they are zeros: 4, 3.75, 3.67; grouped
        the locale's way (1,234,567 in English, 12,34,567 in Hindi)."""
        pattern = _number_pattern(self.locale, "decimal", decimals)
        return str(format_decimal(value, pattern, locale=self._babel_locale))

    def percent(self, value: Decimal | float | int, decimals: int = 0) -> str:
        """`value` per cent (0–100), in the locale's percent format: 46%, 12.5%."""
        ratio = Decimal(str(value)) / 100
        pattern = _number_pattern(self.locale, "percent", decimals)
        return str(format_percent(ratio, pattern, locale=self._babel_locale))

    def money(self, amount: Decimal, currency: str) -> str:
        pattern = _number_pattern(self.locale, "currency", None)
        return str(format_currency(amount, currency, pattern, locale=self._babel_locale))
