"""The survey page in a real browser, as a customer meets it on a phone: tapping a score,
typing, sending; with JavaScript off; at 320 px; in Hindi; with the keyboard alone."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from adapters.health import health_app
from bot.clock import ManualClock
from bot.i18n import SUPPORTED_LOCALES, Translator
from bot.settings import Settings
from storage.db import Database
from tests.web.browser import ARTIFACTS, CONTRAST, MEASURE, TARGETS, Browser, chromium
from tests.web.surveys import surveys

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
NARROW = {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True}
DEVANAGARI = re.compile("[\u0900-\u097f]")
THANKS = "Thank you! Your answer has been recorded."


@pytest.fixture
async def base(db: Database, settings: Settings, clock: ManualClock) -> AsyncIterator[str]:
    """The page on a real server, on a free loopback port."""
    server = TestServer(health_app(db, settings=settings, clock=clock), host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[Browser]:
    async with chromium(tmp_path) as opened:
        yield opened


async def heading(page) -> str:  # type: ignore[no-untyped-def]
    return str(await page.locator("h1").inner_text()).strip()


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
async def test_a_customer_taps_a_score_types_and_sends(
    browser: Browser, base: str, link: str, db: Database, javascript: bool
) -> None:
    async with browser.page(base + link, java_script_enabled=javascript, **PHONE) as page:
        await page.get_by_text("4 · Satisfied", exact=True).tap()
        assert await page.get_by_label("4 · Satisfied").is_checked()
        comment = page.get_by_label("What could we have done better?")
        await comment.tap()
        await comment.press_sequentially("Call me when it ships")
        async with page.expect_navigation():
            await page.get_by_role("button", name="Send my answer").tap()
        assert await heading(page) == THANKS
    (survey,) = await surveys(db)
    assert (survey.state, survey.score, survey.better) == ("answered", 4, "Call me when it ships")


async def test_at_320_px_nothing_overflows_and_every_target_is_44_px(
    browser: Browser, base: str, link: str
) -> None:
    async with browser.page(base + link, **NARROW) as page:
        views = {}
        for lang in ("en", "hi", "bn"):
            await page.goto(f"{base}{link}?lang={lang}")
            views[f"questions {lang}"] = await page.evaluate(MEASURE, TARGETS)
        async with page.expect_navigation():  # nothing chosen: the errors, at their fields
            await page.get_by_role("button").tap()
        assert await page.locator(".summary").is_visible()
        views["errors"] = await page.evaluate(MEASURE, TARGETS)
        await page.goto(f"{base}{link}/unsubscribe")
        views["unsubscribe"] = await page.evaluate(MEASURE, TARGETS)
        await page.goto(f"{base}/s/not-a-token")
        views["not found"] = await page.evaluate(MEASURE, TARGETS)
    for name, view in views.items():
        assert view["clientWidth"] == 320, name
        assert view["scrollWidth"] <= 320, (name, view["scrollWidth"])
        assert view["targets"], name
        for target in view["targets"]:
            assert target["height"] >= 44, (name, target)
            assert target["right"] <= 320, (name, target)


async def test_every_text_meets_wcag_aa_contrast(browser: Browser, base: str, link: str) -> None:
    async with browser.page(base + link, **PHONE) as page:
        found = await page.evaluate(CONTRAST)
        async with page.expect_navigation():  # the errors' colours too
            await page.get_by_role("button").tap()
        found += await page.evaluate(CONTRAST)
        await page.goto(f"{base}{link}/unsubscribe")
        found += await page.evaluate(CONTRAST)
    assert len(found) > 20
    weak = [f for f in found if f["ratio"] < f["needed"]]
    assert not weak, weak


async def test_the_language_switch_to_hindi_shows_devanagari(
    browser: Browser, base: str, link: str
) -> None:
    t = Translator("hi")
    async with browser.page(base + link, **PHONE) as page:
        await page.get_by_role("link", name="हिन्दी").tap()
        await page.wait_for_url(re.compile(r"\?lang=hi$"))
        assert await page.locator("html").get_attribute("lang") == "hi"
        assert await heading(page) == t("How did we do?")
        label = await page.locator("label[for=f-better]").inner_text()
        assert label == t("What could we have done better?")
        assert DEVANAGARI.search(label)
        current = page.locator("nav [aria-current=page]")
        assert (await current.inner_text(), await current.get_attribute("lang")) == ("हिन्दी", "hi")


async def test_the_keyboard_alone_can_answer(
    browser: Browser, base: str, link: str, db: Database
) -> None:
    async with browser.page(base + link) as page:
        for _ in range(20):  # past the language links, into the scale
            await page.keyboard.press("Tab")
            if await page.evaluate("document.activeElement.name") == "score":
                break
        await page.keyboard.press("Space")
        for _ in range(3):
            await page.keyboard.press("ArrowDown")
        assert await page.evaluate("document.activeElement.value") == "4"
        assert await page.get_by_label("4 · Satisfied").is_checked()
        # The focus is seen: the focused option's label is outlined.
        outline = await page.evaluate(
            "getComputedStyle(document.querySelector('label[for=f-score-4]')).outlineStyle"
        )
        assert outline == "solid"
        await page.keyboard.press("Tab")
        assert await page.evaluate("document.activeElement.id") == "f-better"
        await page.keyboard.type("Typed with the keyboard")
        await page.keyboard.press("Tab")
        assert await page.evaluate("document.activeElement.tagName") == "BUTTON"
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        assert await heading(page) == THANKS
    (survey,) = await surveys(db)
    assert (survey.score, survey.better) == (4, "Typed with the keyboard")


async def test_a_screenshot_in_each_language(
    browser: Browser, base: str, link: str, db: Database
) -> None:
    """Artefacts for a person to look at: tests/artifacts/survey-LANG-BACKEND.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    async with browser.page(base + link, **PHONE) as page:
        for lang in SUPPORTED_LOCALES:
            await page.goto(f"{base}{link}?lang={lang}")
            assert await page.locator("html").get_attribute("lang") == lang
            shot = ARTIFACTS / f"survey-{lang}-{db.backend}.png"
            await page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
