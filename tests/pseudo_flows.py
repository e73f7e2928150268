"""What a person reads of the core's replies, gathered for the pseudo-locale tests."""

from __future__ import annotations

from collections.abc import Iterable

from bot.ui import Button, Form, Reply
from tests.pseudo import leaks


def form_texts(form: Form) -> list[str]:
    parts = [form.title, form.submit_label, form.intro or ""]
    for field in form.fields:
        parts.extend((field.label, field.hint or ""))
        parts.extend(choice.label for choice in field.choices)
    return parts


def visible(reply: Reply) -> str:
    """Every string of a reply a person may read: posts, buttons, files, forms and errors."""
    parts: list[str] = []
    if reply.form is not None:
        parts.extend(form_texts(reply.form))
    if reply.errors is not None:
        parts.extend(reply.errors.errors.values())
        parts.extend(form_texts(reply.errors.form))
    for post in reply.posts:
        message = post.message
        parts.append(message.text)
        for section in message.sections:
            parts.extend(filter(None, (section.title, section.body)))
            parts.extend(f"{label}: {value}" for label, value in section.fields)
        parts.extend(b.label for b in message.buttons)
        parts.extend(f.title for f in message.files)
    return "\n".join(p for p in parts if p)


def buttons(reply: Reply, action: str) -> list[Button]:
    """The reply's buttons whose action starts with `action` (labels are pseudo-text)."""
    return [b for post in reply.posts for b in post.message.buttons if b.action.startswith(action)]


class Seen:
    """Every visible string met in a flow, by where it came from; the leaks found in them."""

    def __init__(self, typed: Iterable[str] = (), names: Iterable[str] = ()) -> None:
        self.typed = [line for value in typed for line in (value, *value.split("\n"))]
        self.names = list(names)
        self.found: list[str] = []
        self.shown: list[str] = []  # everything read, to print when looking into a leak

    def text(self, where: str, text: str) -> str:
        self.shown.append(f"== {where}\n{text}")
        for line in leaks(text, self.typed, self.names):
            self.found.append(f"{where}: {line}")
        return text

    def reply(self, where: str, reply: Reply) -> Reply:
        self.text(where, visible(reply))
        return reply

    def report(self, expected: Iterable[str] = ()) -> list[str]:
        """The leaks but those known and named in `expected` (substrings of the leaking line)."""
        known = list(expected)
        return [line for line in self.found if not any(k in line for k in known)]
