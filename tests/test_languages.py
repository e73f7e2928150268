"""Each person is spoken to in their language: their own choice, else their app's language,
else the workspace's, else English; channel posts speak the workspace's language.

Expected sentences are taken from the catalogs through the same Translator the bot uses, so
the tests check that the right language was chosen and used, not one wording."""

from __future__ import annotations

import pytest

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor, Role
from bot.i18n import SUPPORTED_LOCALES, Translator, resolve_locale, supported
from bot.settings import Settings
from bot.ui import Audience
from storage.db import Database
from tests.factories import log_complaint, texts
from tests.jobs import prepare
from tests.test_digest import NEXT_MONDAY, a_week_of_complaints, said
from tests.test_shell import LOG_A_COMPLAINT, run_cli


def person(name: str, role: Role | None = None, locale: str | None = None) -> Actor:
    return Actor("console", "T1", name.lower(), name, "C1", platform_role=role, locale=locale)


def test_the_order_of_choice() -> None:
    assert resolve_locale("bn", "hi-IN", "mr") == "bn"  # the person's own choice first
    assert resolve_locale(None, "hi-IN", "mr") == "hi"  # then their app's language
    assert resolve_locale(None, "de-DE", "mr") == "mr"  # not one of ours: the workspace's
    assert resolve_locale(None, None, None) == "en"
    assert supported("fil") == "tl" and supported("en-GB") == "en" and supported("") is None


@pytest.mark.parametrize("locale", [loc for loc in SUPPORTED_LOCALES if loc != "en"])
def test_every_language_has_its_own_words(locale: str) -> None:
    t = Translator(locale)
    for sentence in ("Log a complaint", "The complaint log", "Your assessments", "Back"):
        assert t(sentence) != sentence, (locale, sentence)


async def test_language_choice_then_app_language_then_workspace(carebot: CareBot) -> None:
    asha = person("Asha", Role.ADMIN)
    bob = person("Bob", locale="hi-IN")  # his app is set to Hindi
    await carebot.command(asha, "help")
    hi, bn, mr = Translator("hi"), Translator("bn"), Translator("mr")

    refused = await carebot.command(bob, "language", "workspace mr")
    assert texts(refused) == hi("Only admins can change the workspace's language.")
    assert texts(await carebot.command(bob, "complaint", "help")).startswith(
        hi("The complaint log")
    )

    chose = await carebot.command(bob, "language", "bn")
    assert texts(chose) == bn(
        "From now on, carebot uses this language with you: {language}"
    ).format(language="বাংলা")
    assert texts(await carebot.command(bob, "complaint", "help")).startswith(
        bn("The complaint log")
    )

    await carebot.command(asha, "language", "workspace mr")
    await carebot.command(bob, "language", "auto")
    assert texts(await carebot.command(bob, "complaint", "help")).startswith(
        hi("The complaint log")
    )
    nobody = person("Chitra")  # no choice, no app language: the workspace's
    assert texts(await carebot.command(nobody, "complaint", "help")).startswith(
        mr("The complaint log")
    )
    bad = await carebot.command(asha, "language", "de")
    assert "hi (हिन्दी)" in texts(bad)


async def test_cards_in_the_channel_speak_the_workspaces_language(carebot: CareBot) -> None:
    asha = person("Asha", Role.ADMIN)
    await carebot.command(asha, "language", "workspace hi")
    await carebot.command(asha, "language", "en")
    reply = await log_complaint(carebot, asha)
    card = next(p for p in reply.posts if p.to is Audience.CHANNEL)
    note = next(p for p in reply.posts if p.to is Audience.ACTOR)
    hi = Translator("hi")
    assert hi("Complaint #{number} · {category} · {status}").split("#")[0] in card.message.text
    assert note.message.text.startswith("Complaint #1 is logged")  # Asha reads English


async def test_a_workspace_in_hindi_gets_its_digest_in_hindi(
    carebot: CareBot, db: Database, settings: Settings, clock: ManualClock
) -> None:
    asha = person("Asha", Role.ADMIN)
    await carebot.command(asha, "digest", "channel here")
    await carebot.command(asha, "language", "workspace hi")
    await a_week_of_complaints(carebot, asha, clock)
    clock.set(NEXT_MONDAY)
    shown = said(await prepare(db, settings, clock, "digest"))
    hi = Translator("hi", "UTC")
    assert hi("Weekly digest · {week}").split("{week}")[0].strip() in shown
    assert hi("Top issues, last four weeks ({window})").split("(")[0].strip() in shown


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_a_complaint_and_the_assessment_in_the_shell_in_each_language(
    locale: str, db: Database, database_url: str, tmp_path
) -> None:
    t = Translator(locale, "UTC")
    who, *rest = LOG_A_COMPLAINT  # "/as Asha manager" first: the choice is hers
    session = [who, f"/language {locale}", *rest, "/assessment", *["4"] * 25]
    result = run_cli(["shell"], session, database_url, tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert (
        t("Complaint #{number} is logged. Type /complaint show {number} for details.").format(
            number=1
        )
        in out
    )
    total, band = t.number(28), t("Asset")
    assert t("Your result: {total} of 35 · {band}").format(total=total, band=band) in out
    assert "Traceback" not in out + result.stderr
