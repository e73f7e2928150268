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


# WCAG 2 contrast of every element that holds text, against the first opaque background
# behind it: 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold).
CONTRAST = """() => {
  const rgb = s => s.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map(v => v / 255)
      .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = e => {
    for (; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const found = [];
  for (const e of document.body.querySelectorAll('*')) {
    const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const style = getComputedStyle(e);
    const [a, b] = [lum(rgb(style.color).slice(0, 3)), lum(background(e))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    found.push({what: e.tagName + '.' + e.className, ratio, needed: large ? 3 : 4.5});
  }
  return found;
}"""
