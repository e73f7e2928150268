"""Plain-text rendering of the core's UI model for a terminal."""

from __future__ import annotations

import unicodedata

from bot.ui import Button, Field, FieldKind, Message

WIDTH = 72


def printable(text: str) -> str:
    """People's text without control characters: an escape sequence typed by a customer (ESC,
    CSI) must not move the cursor, recolour or retitle the terminal; it shows as "�"."""
    return "".join(c if c in "\n\t" or unicodedata.category(c) != "Cc" else "\ufffd" for c in text)


def message(msg: Message, *, first_button: int = 1, channel_note: str | None = None) -> str:
    text = printable(msg.text)
    lines = [f"── {text} " + "─" * max(3, WIDTH - len(text) - 4)]
    if channel_note:
        lines[0] = f"[{channel_note}] " + lines[0]
    for section in msg.sections:
        if section.title:
            lines.append(printable(section.title))
        if section.body:
            lines.extend("  " + line for line in printable(section.body).splitlines())
        lines.extend(f"  {printable(label)}: {printable(value)}" for label, value in section.fields)
    if msg.buttons:
        lines.append(buttons(msg.buttons, first_button))
    return "\n".join(lines)


def buttons(items: tuple[Button, ...], first: int = 1) -> str:
    return "  " + "  ".join(f"[{n}] {b.label}" for n, b in enumerate(items, start=first))


def prompt(field: Field, required_word: str, keeps: str | None) -> str:
    parts = [field.label]
    if field.required:
        parts.append(f"({required_word})")
    text = " ".join(parts)
    if keeps:
        text += f" [{keeps}]"
    return text + ": "


def choices(field: Field) -> str:
    if field.kind is not FieldKind.SELECT:
        return ""
    return "\n".join(f"    {n}. {c.label}" for n, c in enumerate(field.choices, start=1))
