"""The core's UI model rendered as Block Kit, and form values read back from a view's state.

Slack's limits are respected here (titles 24 characters, button text 75, 50 blocks in a
message, 10 fields in a section...), so nothing Slack would refuse is ever sent.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from adapters.text import fit
from bot.ui import Button, ButtonStyle, Field, FieldKind, Form, Message

TITLE_MAX = 24
HEADER_MAX = 150
BUTTON_MAX = 75
OPTION_MAX = 75
SELECT_OPTIONS_MAX = 100  # options in a static select, and option groups in one
SECTION_TEXT_MAX = 3000
FIELD_TEXT_MAX = 2000
FIELDS_PER_SECTION = 10
BUTTONS_PER_ACTIONS = 25
MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100
INPUT_MAX = 3000
ACTION_SUFFIX = "#"  # action ids are made unique per message as "<action>#<n>"
CHANNEL_MAX = 64  # a channel id, as carebot stores it


def escape(text: str) -> str:
    """People's text shown as mrkdwn: Slack's three control characters escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": fit(text, limit) or " ", "emoji": True}


def mrkdwn(text: str, limit: int = SECTION_TEXT_MAX, *, verbatim: bool = False) -> dict[str, Any]:
    obj = {"type": "mrkdwn", "text": fit(text, limit) or " "}
    return {**obj, "verbatim": True} if verbatim else obj


def literal(text: str, limit: int = SECTION_TEXT_MAX) -> dict[str, Any]:
    """People's text exactly as typed. Slack has no escape for mrkdwn's `*_~` and `>`, so a
    section's body is plain_text: no formatting, no mention, no link is parsed in it, and
    `<script>`, `<!channel>`, `@everyone` or `*bold*` show as those characters."""
    return {"type": "plain_text", "text": fit(text, limit) or " ", "emoji": False}


# --- messages -----------------------------------------------------------------------------------


def _button(button: Button, index: int) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(button.label, BUTTON_MAX),
        "action_id": f"{button.action}{ACTION_SUFFIX}{index}",
        "value": button.value or "-",
    }
    if button.style is not ButtonStyle.DEFAULT:
        element["style"] = button.style.value
    return element


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def message_blocks(message: Message) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": mrkdwn(f"*{escape(message.text)}*")}
    ]
    for section in message.sections:
        if section.title:
            blocks.append({"type": "section", "text": mrkdwn(f"*{escape(section.title)}*")})
        if section.body:
            blocks.append({"type": "section", "text": literal(section.body)})
        # A field's label is bold, so it stays mrkdwn; verbatim, a value links and mentions
        # nothing (a customer's name typed as `@here`).
        fields = [
            mrkdwn(f"*{escape(label)}*\n{escape(value)}", FIELD_TEXT_MAX, verbatim=True)
            for label, value in section.fields
        ]
        blocks.extend(
            {"type": "section", "fields": chunk} for chunk in _chunks(fields, FIELDS_PER_SECTION)
        )
    buttons = [_button(b, i) for i, b in enumerate(message.buttons)]
    blocks.extend(
        {"type": "actions", "elements": chunk} for chunk in _chunks(buttons, BUTTONS_PER_ACTIONS)
    )
    return blocks[:MESSAGE_BLOCKS_MAX]


def message_payload(message: Message) -> dict[str, Any]:
    """`text` (notifications, screen readers) and `blocks` for chat.postMessage and friends.

    Slack reads `text` as mrkdwn too, and it is what notifies: escaped like the blocks, so a
    category named `<!channel>` never pings a channel. Every message is built here."""
    return {"text": fit(escape(message.text), SECTION_TEXT_MAX), "blocks": message_blocks(message)}


def home_view(message: Message) -> dict[str, Any]:
    return {"type": "home", "blocks": message_blocks(message)[:VIEW_BLOCKS_MAX]}


def action_name(action_id: str) -> str:
    return action_id.rsplit(ACTION_SUFFIX, 1)[0]


# --- forms --------------------------------------------------------------------------------------


def _epoch(value: str | None) -> int | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return int(when.timestamp()) if when.tzinfo else None


def _element(field: Field) -> dict[str, Any]:
    element: dict[str, Any] = {"action_id": field.name}
    if field.kind in (FieldKind.TEXT, FieldKind.LONG_TEXT):
        element["type"] = "plain_text_input"
        element["multiline"] = field.kind is FieldKind.LONG_TEXT
        element["max_length"] = min(field.max_length or INPUT_MAX, INPUT_MAX)
        if field.initial:
            element["initial_value"] = field.initial[: element["max_length"]]
    elif field.kind is FieldKind.SELECT:
        options = [
            {"text": plain(c.label, OPTION_MAX), "value": c.value}
            for c in field.choices[: SELECT_OPTIONS_MAX * SELECT_OPTIONS_MAX]
        ]
        element["type"] = "static_select"
        if len(options) <= SELECT_OPTIONS_MAX:
            element["options"] = options
        else:  # every choice, in groups of 100 ("1–100", "101–155")
            element["option_groups"] = [
                {
                    "label": plain(f"{start + 1}–{start + len(group)}", OPTION_MAX),
                    "options": group,
                }
                for start, group in zip(
                    range(0, len(options), SELECT_OPTIONS_MAX),
                    _chunks(options, SELECT_OPTIONS_MAX),
                    strict=True,
                )
            ]
        chosen = [o for o in options if o["value"] == field.initial]
        if chosen:
            element["initial_option"] = chosen[0]
    elif field.kind is FieldKind.DATETIME:
        element["type"] = "datetimepicker"
        initial = _epoch(field.initial)
        if initial is not None:
            element["initial_date_time"] = initial
    elif field.kind is FieldKind.NUMBER:
        element["type"] = "number_input"
        element["is_decimal_allowed"] = True
        if field.initial:
            element["initial_value"] = field.initial
    elif field.kind is FieldKind.USER:
        element["type"] = "users_select"
        if field.initial:
            element["initial_user"] = field.initial
    return element


def modal(form: Form, channel: str | None) -> dict[str, Any]:
    """A modal for a form; its state and the channel it came from ride in private_metadata."""
    blocks: list[dict[str, Any]] = []
    if form.intro:
        blocks.append({"type": "section", "text": mrkdwn(escape(form.intro))})
    pages = form.pages()  # one modal shows every step; their titles head their fields
    for page in pages:
        if len(pages) > 1:
            blocks.append({"type": "header", "text": plain(page.title, HEADER_MAX)})
        blocks += [_input(field) for field in page.fields]
    return {
        "type": "modal",
        "callback_id": form.form_id,
        "title": plain(form.title, TITLE_MAX),
        "submit": plain(form.submit_label, TITLE_MAX),
        "private_metadata": json.dumps({"state": dict(form.state), "channel": channel}),
        "blocks": blocks[:VIEW_BLOCKS_MAX],
    }


def _input(field: Field) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "input",
        "block_id": field.name,
        "label": plain(field.label, FIELD_TEXT_MAX),
        "optional": not field.required,
        "element": _element(field),
    }
    if field.hint:
        block["hint"] = plain(field.hint, FIELD_TEXT_MAX)
    return block


def metadata(view: Mapping[str, Any]) -> tuple[dict[str, str], str | None]:
    """The form's state and the originating channel, from a submitted view.

    We wrote it as flat strings (`modal`); anything else came from elsewhere and is dropped:
    a state value that is not a string, a nesting too deep to decode, not JSON at all."""
    raw = view.get("private_metadata")
    try:
        data = json.loads(raw) if isinstance(raw, str) and raw else {}
    except (ValueError, RecursionError):  # json's errors are ValueErrors
        return {}, None
    if not isinstance(data, dict):
        return {}, None
    state = data.get("state")
    if not isinstance(state, dict):
        state = {}
    channel = data.get("channel")
    channel = channel if isinstance(channel, str) and 0 < len(channel) <= CHANNEL_MAX else None
    return {str(k): v for k, v in state.items() if isinstance(v, str)}, channel


def _value(element: Mapping[str, Any]) -> str | None:
    kind = element.get("type")
    if kind == "static_select":
        option = element.get("selected_option") or {}
        return str(option["value"]) if "value" in option else None
    if kind == "datetimepicker":
        stamp = element.get("selected_date_time")
        try:
            return datetime.fromtimestamp(int(stamp), UTC).isoformat() if stamp else None
        except (OverflowError, OSError, ValueError):  # no time: the core says it is wrong
            return str(stamp)
    if kind == "users_select":
        user = element.get("selected_user")
        return str(user) if user else None
    value = element.get("value")
    return str(value) if value is not None else None


def values(view: Mapping[str, Any]) -> dict[str, str | None]:
    """Field name -> raw value, from `view.state.values` (block id = action id = field name)."""
    result: dict[str, str | None] = {}
    state = (view.get("state") or {}).get("values") or {}
    for block_id, actions in state.items():
        for element in (actions or {}).values():
            if isinstance(element, Mapping):
                result[str(block_id)] = _value(element)
    return result
