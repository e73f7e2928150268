"""The whole way a customer's voice travels, with the real parts: the survey invitation
received by a real SMTP server, its link opened in a real browser, a score tapped and a
comment typed, and the answer in the team's weekly digest. In English, and in Hindi, where
the page must be in Devanagari. A screenshot of each is kept as a test artefact."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from adapters.email.deliver import EmailDeliverer
from adapters.health import health_app
from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.scheduled import Outgoing
from bot.settings import Settings
from scheduler.engine import Engine
from storage.db import Database
from tests.email.smtp_server import Mailbox, smtp_server
from tests.factories import log_complaint, texts
from tests.web.browser import ARTIFACTS, Browser, chromium

DEVANAGARI = re.compile("[\u0900-\u097f]")
LINK = re.compile(r"(http://127\.0\.0\.1:\d+/s/[\w.-]+)")


class Team:
    """The team's side of the scheduler: what was said to whom."""

    def __init__(self) -> None:
        self.said: list[Outgoing] = []

    async def deliver(self, outgoing: Outgoing) -> None:
        self.said.append(outgoing)


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[Browser]:
    async with chromium(tmp_path) as opened:
        yield opened


@pytest.mark.parametrize("language", ["en", "hi"])
async def test_from_the_email_to_the_digest(
    db: Database,
    settings: Settings,
    clock: ManualClock,
    asha: Actor,
    browser: Browser,
    language: str,
) -> None:
    mailbox = Mailbox()
    async with smtp_server(mailbox) as smtp_port:
        mail = settings.model_copy(
            update={
                "smtp_host": "127.0.0.1",
                "smtp_port": smtp_port,
                "smtp_starttls": False,
                "smtp_from": "Sharma Kirana <care@sharma.test>",
            }
        )
        server = TestServer(health_app(db, settings=mail, clock=clock), host="127.0.0.1")
        await server.start_server()
        try:
            base = str(server.make_url("")).rstrip("/")
            mail = mail.model_copy(update={"public_url": base})
            carebot = CareBot(db, mail, clock)
            team = Team()
            engine = Engine(
                db, mail, clock, {"console": team, "email": EmailDeliverer(mail, clock)}
            )

            await carebot.command(asha, "complaint", "survey name Sharma Kirana")
            logged = await log_complaint(
                carebot,
                asha,
                solution_mode="on_the_spot",
                follow_up_at=None,
                customer_email="ravi.kumar@example.com",
                customer_language=language,
            )
            assert "is logged" in texts(logged), texts(logged)
            clock.advance(timedelta(hours=24))
            await engine.tick()  # the survey goes out: the agent's link, and the email planned
            await engine.tick()  # the email
            (received,) = mailbox.received
            assert received.rcpt_tos == ["ravi.kumar@example.com"]
            message = received.message()
            body = message.get_body(("plain",))
            assert body is not None
            text = body.get_content()
            assert "Sharma Kirana" in str(message["Subject"])
            assert "Ravi" not in text and "Parcel" not in text
            if language == "hi":
                assert DEVANAGARI.search(str(message["Subject"]))
            link = LINK.search(text)
            assert link is not None

            async with browser.page(link.group(1), viewport={"width": 390, "height": 844}) as page:
                assert await page.get_attribute("html", "lang") == language
                heading = str(await page.locator("h1").inner_text())
                assert bool(DEVANAGARI.search(heading)) is (language == "hi")
                assert "Sharma Kirana" in str(await page.content())
                await page.locator('label[for$="-4"]').first.click()  # the fourth score
                await page.locator("textarea").fill("Call me when it ships")
                ARTIFACTS.mkdir(exist_ok=True)
                await page.screenshot(path=str(ARTIFACTS / f"survey-email-{language}.png"))
                async with page.expect_navigation():
                    await page.locator('button[type="submit"]').click()
                thanks = str(await page.locator("h1").inner_text())
                assert bool(DEVANAGARI.search(thanks)) is (language == "hi")
        finally:
            await server.close()

    clock.advance(timedelta(days=7))  # the preview reports last week, when it was answered
    preview = texts(await carebot.command(asha, "digest", "preview"))
    assert "Response rate: 100% · 1 of 1 answered" in preview
    assert "CSAT (scores 4–5 of 5): 100%" in preview
    assert "Call me when it ships" in preview
    assert "ravi.kumar" not in preview and "Ravi" not in preview
