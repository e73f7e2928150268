"""Counts take their noun's plural form in each language (gettext's ngettext), and sentences
with a translated value in them read as whole sentences whatever the value is."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from bot.app import CareBot
from bot.catalogs import extract, po_path
from bot.context import Actor
from bot.help import ShellWords
from bot.i18n import SUPPORTED_LOCALES, Translator
from bot.paging import count_line, paged
from tests.factories import log_complaint, texts

SAVED = "Saved to {path}: {title}"


async def test_one_complaint_and_two_complaints_in_english(carebot: CareBot, asha: Actor) -> None:
    await log_complaint(carebot, asha)
    await log_complaint(carebot, asha, customer_phone="91234 56789")
    asked = await carebot.command(asha, "carebot", "customer erase 98765 43210")
    (button,) = asked.posts[0].message.buttons
    done = await carebot.action(asha, button.action, button.value)
    assert texts(done) == "The customer's personal data is erased from 1 complaint."

    await log_complaint(carebot, asha, customer_phone="91234 56789", customer_name="Ravi K")
    asked = await carebot.command(asha, "carebot", "customer erase 91234 56789")
    (button,) = asked.posts[0].message.buttons
    done = await carebot.action(asha, button.action, button.value)
    assert texts(done) == "The customer's personal data is erased from 2 complaints."


def test_a_page_count_in_the_singular_and_the_plural() -> None:
    t = Translator("en")
    assert count_line(paged(["a"], 3), t) == "Page 3 is past the end: there is 1 page."
    assert count_line(paged(["a"] * 30, 5), t) == "Page 5 is past the end: there are 2 pages."


@pytest.mark.parametrize("locale", ["hi", "tl"])
def test_the_shell_names_the_saved_file_after_its_place(locale: str) -> None:
    """Hindi once read "आपका मूल्यांकन को …", Tagalog "Na-save ang Ang iyong pagsusuri…": the
    title was put where the grammar wanted a bare noun. Now it stands alone at the end."""
    t = Translator(locale)
    title, path = t("Your assessment"), "/home/asha/carebot-files/assessment-2026-11-23.png"
    line = ShellWords(t).file_saved(title, path)
    assert line == t(SAVED).format(path=path, title=title)
    assert line.endswith(": " + title) and line.index(path) < line.index(title)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_a_translated_saved_line_keeps_the_title_last(locale: str) -> None:
    assert Translator(locale)(SAVED).endswith(": {title}")


@pytest.mark.parametrize("locale", [loc for loc in SUPPORTED_LOCALES if loc != "en"])
def test_every_plural_message_has_its_forms(locale: str) -> None:
    """Each catalog has a form for each of its language's plural categories."""
    plurals = {m.id for m in extract() if isinstance(m.id, tuple)}
    assert len(plurals) >= 8
    with po_path(locale).open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    assert plurals <= {m.id for m in catalog}, "run `python -m bot.catalogs`"
    for message in catalog:
        if message.id in plurals:
            assert isinstance(message.string, tuple)
            assert len(message.string) == catalog.num_plurals and all(message.string), message.id
