"""Long lists shown a page at a time, with an honest count: "Showing 26–50 of 5,000".

Nothing is cut silently: a list says how many there are in all and how to see the next page
(a command argument, `… page 2`, and Previous and Next page buttons where the platform has
buttons).
Long text is split into sections that each fit the strictest platform (Slack's 3,000
characters a section; Discord's 6,000 a message), instead of being cut by an adapter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar, overload

from bot.errors import UserError
from bot.i18n import N_, Translator
from bot.ui import Button, Section

T = TypeVar("T")

PAGE_SIZE = 25
PAGE_MAX = 100_000  # a page number beyond any list; bounds the OFFSET a person can ask for
# A section's text (title and body) within Slack's 3,000 characters, with room for escaping.
SECTION_CHARS = 2_600
# A message's text within Discord's 6,000 characters over its embeds (headline included).
MESSAGE_CHARS = 5_000

_PAGE = re.compile(r"^(?P<rest>.*?)\s*\bpage\s+(?P<number>\S+)\s*$", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Page(Sequence[T], Generic[T]):
    """One page of a list: its items, which page it is, and how many there are in all."""

    items: Sequence[T]
    total: int
    number: int = 1
    size: int = PAGE_SIZE

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...
    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        return self.items[index]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def first(self) -> int:
        return self.offset + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.offset + len(self.items)

    @property
    def has_next(self) -> bool:
        return self.last < self.total

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def paged(items: Sequence[T], number: int, size: int = PAGE_SIZE) -> Page[T]:
    """A page of a list already in memory (categories, goals)."""
    start = (number - 1) * size
    return Page(items[start : start + size], len(items), number, size)


def split_page(text: str) -> tuple[str, int]:
    """ "all page 2" → ("all", 2); without "page N", page 1. A wrong number is refused."""
    match = _PAGE.match(text.strip())
    if match is None:
        return text.strip(), 1
    raw = match["number"]
    if not raw.isdecimal() or not 1 <= int(raw) <= PAGE_MAX:
        raise UserError(N_("Give a page number, for example: page 2"))
    return match["rest"].strip(), int(raw)


def count_line(page: Page[T], t: Translator) -> str:
    """ "Showing 1–25 of 5,000." and, when there is more, how to see it."""
    if not page.items:
        if page.total:
            text = t.ngettext(
                "Page {number} is past the end: there is {pages} page.",
                "Page {number} is past the end: there are {pages} pages.",
                page.pages,
            )
            return text.format(number=t.number(page.number, 0), pages=t.number(page.pages, 0))
        return ""
    return t("Showing {first}–{last} of {total}.").format(
        first=t.number(page.first, 0), last=t.number(page.last, 0), total=t.number(page.total, 0)
    )


def next_hint(page: Page[T], command: str, t: Translator) -> str:
    """ "For the next page: /complaint list all page 2" (empty on the last page)."""
    if not page.has_next:
        return ""
    return t("For the next page: {command}").format(command=f"{command} page {page.number + 1}")


def page_buttons(page: Page[T], action: str, value: str, t: Translator) -> tuple[Button, ...]:
    """ "Previous page" and "Next page" buttons, where there is such a page; each one's value
    is what the list command is given, with the page ("all page 3")."""
    buttons = []
    if page.number > 1:
        previous = min(page.number - 1, page.pages)  # from past the end: the last page
        buttons.append(Button(t("Previous page"), action, f"{value} page {previous}".strip()))
    if page.has_next:
        buttons.append(Button(t("Next page"), action, f"{value} page {page.number + 1}".strip()))
    return tuple(buttons)


def sections(lines: Iterable[str], title: str | None = None) -> tuple[Section, ...]:
    """Lines as one section, or several when they would not fit one (never cut)."""
    chunks: list[list[str]] = [[]]
    size = len(title or "")
    for line in lines:
        if chunks[-1] and size + len(line) + 1 > SECTION_CHARS:
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += len(line) + 1
    return tuple(
        Section(title=title if index == 0 else None, body="\n".join(chunk))
        for index, chunk in enumerate(chunks)
        if chunk
    )


def fitting(lines: Sequence[str], budget: int) -> int:
    """How many of `lines`, from the first, fit in `budget` characters."""
    used = 0
    for count, line in enumerate(lines):
        used += len(line) + 1
        if used > budget:
            return count
    return len(lines)
