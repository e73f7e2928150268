"""A pseudo-locale for tests: every message wrapped in ⟦…⟧ with its letters accented, so a
sentence that skipped gettext shows up as plain English next to the wrapped ones.

`qps` is never shipped: the fixture `pseudo_locale` builds its catalog from the English one at
test time and adds it to the supported locales for one test; `leaks` finds the visible text
left outside the wrapping that is not typed data, a number, a date, a URL, a command word, a
proper name or punctuation.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Any

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

import bot.i18n
from bot.language import NAMES
from bot.settings import Settings

QPS = "qps"
OPEN, CLOSE = "⟦", "⟧"
_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒğĥîĵķļɱñöƥʠŕşţüṽŵẋýžÀƁÇĐÉƑĞĤÎĴĶĻṀÑÖƤɊŔŞŢÜṼŴẊÝŽ",
)
# `{placeholder}` fields stay as they are (str.format fills them after translation), and so do
# command words, which translators keep: /complaint, /help.
_FIELD = re.compile(r"(\{[^{}]*\}|(?<![\w/])/[a-z][\w-]*)")


def pseudo(text: str) -> str:
    parts = _FIELD.split(text)
    return (
        OPEN + "".join(p if _FIELD.fullmatch(p) else p.translate(_ACCENTED) for p in parts) + CLOSE
    )


@cache
def _pseudo_catalog() -> NullTranslations:
    po = bot.i18n.LOCALES_DIR / "en" / "LC_MESSAGES" / f"{bot.i18n.DOMAIN}.po"
    with po.open("rb") as po_file:
        catalog = read_po(po_file, locale="en", domain=bot.i18n.DOMAIN)
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            message.string = tuple(pseudo(form) for form in message.id)
        else:
            message.string = pseudo(message.id)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=bot.i18n.DOMAIN)


@pytest.fixture
def pseudo_locale(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """`qps` is a supported locale for this test: its catalog is the pseudo one, and Babel
    formats its numbers and dates as English does."""
    original = bot.i18n.SUPPORTED_LOCALES
    widened = (*original, QPS)
    for module in list(sys.modules.values()):
        if getattr(module, "SUPPORTED_LOCALES", None) is original:
            monkeypatch.setattr(module, "SUPPORTED_LOCALES", widened)
    monkeypatch.setitem(NAMES, QPS, "Pseudo")
    catalog = bot.i18n._catalog
    monkeypatch.setattr(
        bot.i18n, "_catalog", lambda locale: _pseudo_catalog() if locale == QPS else catalog(locale)
    )
    pattern = bot.i18n._datetime_pattern
    monkeypatch.setattr(
        bot.i18n, "_datetime_pattern", lambda locale: pattern("en" if locale == QPS else locale)
    )
    numbers = bot.i18n._number_pattern
    monkeypatch.setattr(
        bot.i18n,
        "_number_pattern",
        lambda locale, kind, decimals: numbers("en" if locale == QPS else locale, kind, decimals),
    )
    currency: Callable[..., str] = bot.i18n.format_currency

    def money(amount: Any, code: str, locale: str = "en", **kw: Any) -> str:
        return currency(amount, code, locale="en" if locale == QPS else locale, **kw)

    monkeypatch.setattr(bot.i18n, "format_currency", money)
    yield QPS


# What may stand outside the wrapping: dates and times as Babel writes them in English, URLs,
# command words, numbers, and the proper names below.
_MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*"
# A help line's usage is what people type: "/complaint list [open|mine] [page N] — …".
_USAGE = re.compile(r"(?<![\w])/[a-z][^\n—⟦]* —")
_ALLOWED = [
    re.compile(r"https?://\S+"),
    re.compile(rf"\b{_MONTHS}\b"),
    re.compile(r"\b[AP]M\b"),
    re.compile(r"(?<![\w])/[a-z][\w-]*"),  # /complaint, /help
    re.compile(r"#\d+"),
]
PROPER_NAMES = ("carebot", "Pseudo", *(n for c, n in NAMES.items() if c != QPS))


def _strip_wrapped(text: str) -> str:
    """The text with every ⟦…⟧ taken out, innermost first (a sentence may hold a word); its
    line breaks are kept, so what is left stays on the line it was on."""
    innermost = re.compile(rf"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
    while True:
        stripped = innermost.sub(lambda m: " " + "\n" * m.group().count("\n"), text)
        if stripped == text:
            return stripped
        text = stripped


def leaks(text: str, typed: Iterable[str] = (), names: Iterable[str] = ()) -> list[str]:
    """The lines of `text` with words outside ⟦…⟧ that are none of what may stand there,
    each as "the line  «what is left of it»"."""
    allowed = sorted({*typed, *names, *PROPER_NAMES} - {""}, key=len, reverse=True)
    rest = _USAGE.sub(" ", text)
    for value in allowed:  # typed data first: it may hold anything, even ⟦ or a URL
        rest = rest.replace(value, " " + "\n" * value.count("\n"))
    rest = _strip_wrapped(rest)
    for pattern in _ALLOWED:
        rest = pattern.sub(" ", rest)
    return [
        f"{line}  «{left.strip()}»"
        for line, left in zip(text.split("\n"), rest.split("\n"), strict=True)
        if re.search(r"[^\W\d_]", left)
    ]


def qps_settings(database_url: str, **more: Any) -> Settings:
    """Settings whose workspaces speak the pseudo-locale (the fixture must be active)."""
    fields: dict[str, Any] = {"default_phone_region": "IN", "default_locale": QPS}
    return Settings(_env_file=None, database_url=database_url, **(fields | more))  # type: ignore[call-arg]
