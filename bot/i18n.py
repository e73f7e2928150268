"""gettext for every user-facing string, with Babel catalogs shipped as .po files.

Catalogs are compiled in memory on first use (no compiled binaries in the repo, no build
step), then cached per locale. Message ids are the English sentences; placeholders are
`{name}` fields filled with str.format after translation.
"""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import (
    format_date,
    format_datetime,
    get_date_format,
    get_datetime_format,
    get_time_format,
)
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
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

    def number(self, value: Decimal | float | int, decimals: int = 2) -> str:
        """Up to `decimals` decimals, none shown when they are zeros: 4, 3.75, 3.67."""
        pattern = "#,##0." + "#" * decimals if decimals else "#,##0"
        return str(format_decimal(value, pattern, locale=self._babel_locale))

    def money(self, amount: Decimal, currency: str) -> str:
        return str(format_currency(amount, currency, locale=self.locale))
