"""The catalogs keep to bot/locales/GLOSSARY.md: no word it rules out, no non-Latin digits."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from bot.catalogs import po_path
from bot.i18n import LOCALES_DIR

GLOSSARY = LOCALES_DIR / "GLOSSARY.md"
TRANSLATED = ("hi", "mr", "bn", "tl")

# The review's examples: the glossary must go on ruling these out.
REVIEWED = {
    "hi": {"संपत्ति", "अलविदा", "Error id"},
    "mr": {"देय"},
    "bn": {"পেছনে", "মোটামুটি", "সম্পদ", "এখনো", "সাথে", "সার্ভে", "বিভাগ"},
    "tl": {"Ihinto muna"},
}
NATIVE_DIGITS = re.compile("[\u0966-\u096f\u09e6-\u09ef]")  # Devanagari and Bengali 0-9


def ruled_out() -> dict[str, set[str]]:
    """The `quoted` words of each language section's "Not" column (the table's third)."""
    banned: dict[str, set[str]] = {}
    locale = None
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"## .*\((\w+)\)\s*$", line)
        if heading:
            locale = heading.group(1)
            banned[locale] = set()
        elif locale and line.startswith("|"):
            cells = line.split("|")
            if len(cells) > 3:
                banned[locale].update(re.findall(r"`([^`]+)`", cells[3]))
    return banned


def translations(locale: str) -> list[tuple[str, str]]:
    with po_path(locale).open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        pairs.extend((msgid, text) for text in strings if text)
    return pairs


def test_the_glossary_rules_out_the_reviewed_words() -> None:
    banned = ruled_out()
    assert set(banned) == set(TRANSLATED)
    for locale, words in REVIEWED.items():
        assert words <= banned[locale], (locale, words - banned[locale])


@pytest.mark.parametrize("locale", TRANSLATED)
def test_catalog_uses_no_word_the_glossary_rules_out(locale: str) -> None:
    words = ruled_out()[locale]
    found = [
        (word, msgid) for msgid, text in translations(locale) for word in words if word in text
    ]
    assert not found, f"{locale}: see GLOSSARY.md; {found[:5]}"


@pytest.mark.parametrize("locale", TRANSLATED)
def test_catalog_writes_latin_digits(locale: str) -> None:
    mixed = [msgid for msgid, text in translations(locale) if NATIVE_DIGITS.search(text)]
    assert not mixed, f"{locale}: digits are Latin (GLOSSARY.md): {mixed[:5]}"
