"""A real headless browser for the survey page: Debian's Chromium driven by Playwright, each
context with a fresh profile, against a real aiohttp server on a loopback port.

Without /usr/bin/chromium (or Playwright) the browser tests skip and say why; under CI they
fail instead, so a missing install never passes for a green run."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
TIMEOUT_MS = 15_000

# What a person taps on the page (a question's own label is not: its box is), against 44 px.
TARGETS = ".option label, button, a, textarea, input[type=text], .languages .current"
MEASURE = """(selector) => {
  const tall = [...document.querySelectorAll(selector)].map(e => {
    const box = e.getBoundingClientRect();
    return {what: e.outerHTML.slice(0, 60), height: box.height, right: box.right};
  });
  return {
    scrollWidth: document.scrollingElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    targets: tall,
  };
}"""


def missing() -> str | None:
    if not CHROMIUM.exists():
        return "Debian's Chromium is not installed (/usr/bin/chromium): apt-get install chromium"
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed: pip install -e '.[dev]'"
    return None


def require_browser() -> None:
    reason = missing()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run under CI: {reason}")
    pytest.skip(reason)


class Browser:
    """Opens pages in contexts of their own, each launched with a fresh user data dir."""

    def __init__(self, playwright: Any, folder: Path) -> None:
        self.playwright = playwright
        self.folder = folder
        self.opened = 0

    @asynccontextmanager
    async def page(self, url: str, **options: Any) -> AsyncIterator[Any]:
        self.opened += 1
        profile = self.folder / f"profile-{self.opened}"
        context = await self.playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            args=ARGS,
            headless=True,
            **options,
        )
        try:
            context.set_default_timeout(TIMEOUT_MS)
            page = context.pages[0] if context.pages else await context.new_page()
            await page.goto(url)
            yield page
        finally:
            await context.close()


@asynccontextmanager
async def chromium(folder: Path) -> AsyncIterator[Browser]:
    require_browser()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        yield Browser(playwright, folder)
