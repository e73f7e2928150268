"""The core's messages as Discord messages: an embed, persistent buttons and files.

Discord's limits are kept here (embed title 256, description 4096, field 256/1024, 25 fields,
6000 characters in all; 25 buttons, label 80; custom_id 100), so nothing Discord would refuse
is sent. Buttons are DynamicItems whose custom_id carries the core's action and value (and the
guild, for DMs): any process, after any restart, knows what a press means without a stored
view.
"""

from __future__ import annotations

import io
import logging
import re
from typing import Any, Protocol, cast

import discord
from discord.utils import escape_markdown

from adapters.text import fit
from bot.ui import Button, ButtonStyle, Message

log = logging.getLogger(__name__)

CONTENT_MAX = 2000
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FIELDS_MAX = 25
EMBEDS_MAX = 10
EMBED_TOTAL_MAX = 6000
BUTTONS_MAX = 25
BUTTON_LABEL_MAX = 80
CUSTOM_ID_MAX = 100
FILES_MAX = 10
INLINE_UNDER = 40  # short field values sit side by side

STYLES = {
    ButtonStyle.DEFAULT: discord.ButtonStyle.secondary,
    ButtonStyle.PRIMARY: discord.ButtonStyle.primary,
    ButtonStyle.DANGER: discord.ButtonStyle.danger,
}


# Mentions, channels, custom emoji, timestamps and slash commands: `<@1>`, `<#2>`, `<:e:3>`,
# `<t:4>`, `</cmd:5>`; and the words that ping everyone.
_SPECIAL = re.compile(r"<(?=[@#:/]|a:|t:)|@(?=everyone\b|here\b)")


def literal(text: str) -> str:
    """People's text as typed: markdown escaped, and a backslash before anything Discord would
    turn into a mention, an emoji or a timestamp (HTML is never rendered there)."""
    return _SPECIAL.sub(lambda match: "\\" + match.group(), escape_markdown(text))


class Handlers(Protocol):
    """What the bot does when a persistent button is pressed (adapters.discord.client)."""

    async def on_button(
        self, interaction: discord.Interaction, workspace: str, action: str, value: str
    ) -> None: ...

    async def on_form_button(self, interaction: discord.Interaction, token: str, step: int) -> None:
        """A multi-step form's "Continue" or "Correct" button."""
        ...

    async def failed(self, interaction: discord.Interaction, error: Exception) -> None:
        """The boundary: discord.py would log a dynamic item's error with its message."""
        ...


def handlers(interaction: discord.Interaction) -> Handlers:
    return cast(Handlers, interaction.client.handlers)  # type: ignore[attr-defined]


class ActionButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"cb\|(?P<ws>\d*)\|(?P<action>[^|]+)\|(?P<value>.*)",
):
    """A core Button: "cb|<guild>|<action>|<value>"."""

    def __init__(self, custom_id: str, label: str = "…", style: discord.ButtonStyle | None = None):
        super().__init__(
            discord.ui.Button(
                label=label, style=style or discord.ButtonStyle.secondary, custom_id=custom_id
            )
        )
        match = self.template.fullmatch(custom_id)
        assert match is not None
        self.workspace, self.action, self.value = match["ws"], match["action"], match["value"]

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ActionButton:
        return cls(match.string)

    async def callback(self, interaction: discord.Interaction) -> None:
        found = handlers(interaction)
        try:
            await found.on_button(interaction, self.workspace, self.action, self.value)
        except Exception as error:
            await found.failed(interaction, error)


class FormButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"cbs\|(?P<token>\d+)\|(?P<step>\d+)",
):
    """Opens step `step` of the form being filled under `token` (adapters.discord.forms)."""

    def __init__(self, token: str, step: int, label: str = "…") -> None:
        super().__init__(
            discord.ui.Button(
                label=fit(label, BUTTON_LABEL_MAX),
                style=discord.ButtonStyle.primary,
                custom_id=f"cbs|{token}|{step}",
            )
        )
        self.token, self.step = token, step

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> FormButton:
        return cls(match["token"], int(match["step"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        found = handlers(interaction)
        try:
            await found.on_form_button(interaction, self.token, self.step)
        except Exception as error:
            await found.failed(interaction, error)


def action_id(workspace: str, button: Button) -> str | None:
    """The button's custom_id; the guild is dropped if the id would be too long (it is only
    needed in DMs), and a button that still does not fit is left out (logged)."""
    for ws in (workspace, ""):
        custom_id = f"cb|{ws}|{button.action}|{button.value}"
        if len(custom_id) <= CUSTOM_ID_MAX and "|" not in button.action:
            return custom_id
    log.warning("discord.button_too_long action=%s", button.action)
    return None


def view_of(message: Message, workspace: str) -> discord.ui.View | None:
    view = discord.ui.View(timeout=None)
    seen: set[str] = set()
    for button in message.buttons:
        custom_id = action_id(workspace, button)
        if custom_id is None or custom_id in seen:  # ids are unique in a message
            continue
        if len(seen) == BUTTONS_MAX:
            break
        seen.add(custom_id)
        label = fit(button.label, BUTTON_LABEL_MAX) or "…"
        view.add_item(ActionButton(custom_id, label, STYLES[button.style]))
    return view if seen else None


class _Budget:
    """Discord's 6000 characters over all of a message's embeds."""

    def __init__(self) -> None:
        self.left = EMBED_TOTAL_MAX

    def take(self, text: str, limit: int) -> str:
        shown = fit(text, min(limit, self.left))
        self.left -= len(shown)
        return shown

    def room(self, needed: int) -> bool:
        return self.left >= needed


def embeds_of(message: Message) -> list[discord.Embed]:
    """One embed, or more when text follows fields (to keep the core's order) or fields
    overflow; people's text is escaped so it shows as typed. What does not fit is cut."""
    budget = _Budget()
    embeds = [discord.Embed(title=budget.take(escape_markdown(message.text), TITLE_MAX))]
    for section in message.sections:
        parts = []
        if section.title:
            parts.append(f"**{escape_markdown(section.title)}**")
        if section.body:
            parts.append(literal(section.body))
        if parts and budget.room(8):
            current = embeds[-1]
            if current.fields or len(current.description or "") > DESCRIPTION_MAX // 2:
                if len(embeds) == EMBEDS_MAX:
                    break
                current = discord.Embed()
                embeds.append(current)
            before = current.description or ""
            budget.left += len(before)  # the description is taken anew, whole
            text = "\n".join(parts) if not before else before + "\n\n" + "\n".join(parts)
            current.description = budget.take(text, DESCRIPTION_MAX)
        for label, value in section.fields:
            if not budget.room(8):
                break
            if len(embeds[-1].fields) == FIELDS_MAX:
                if len(embeds) == EMBEDS_MAX:
                    break
                embeds.append(discord.Embed())
            name = budget.take(escape_markdown(label), min(FIELD_NAME_MAX, budget.left // 2))
            shown = budget.take(literal(value), FIELD_VALUE_MAX)
            embeds[-1].add_field(
                name=name or "\u200b", value=shown or "—", inline=len(value) <= INLINE_UNDER
            )
    return embeds


def files_of(message: Message) -> list[discord.File]:
    """New File objects each time: a File's bytes are read once, when sent."""
    return [
        discord.File(io.BytesIO(a.content), filename=a.filename, description=a.title[:1024])
        for a in message.files[:FILES_MAX]
    ]


def payload(message: Message, workspace: str) -> dict[str, Any]:
    """Keyword arguments for send/edit: a short text with nothing else is plain content."""
    simple = not message.sections and len(message.text) <= CONTENT_MAX
    return {
        "content": escape_markdown(message.text) if simple else None,
        "embeds": [] if simple else embeds_of(message),
        "view": view_of(message, workspace),
        "files": files_of(message),
    }


def for_edit(kwargs: dict[str, Any]) -> dict[str, Any]:
    """An edit replaces everything: no buttons removes them, files replace the attachments."""
    edit = dict(kwargs)
    edit["attachments"] = edit.pop("files")
    return edit


def for_send(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in kwargs.items() if v is not None and (k != "files" or v)}


def release(view: discord.ui.View | None) -> None:
    """Sent views need no in-memory copy: dynamic items dispatch from their custom_id."""
    if view is not None:
        view.stop()
