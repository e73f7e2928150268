"""A core Form as Discord modals: five fields per modal, so longer forms take several steps.

Step 1 opens at once; each later step opens from a "Continue (2/3)" button on an ephemeral
message, because a modal can only be answered by a message, not by another modal. What was
typed is kept in a Draft (memory, per person, for DRAFT_TTL) and the core gets the whole
form once, at the end, with the draft's delivery id: a second submission of the same form
(a double click, a second Continue) saves nothing twice. SELECT and USER fields are selects
inside the modal (a Label around the select); a SELECT with more than 25 choices, DATETIME
and NUMBER fields are typed, and the core reads and checks them.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import discord
from discord.utils import escape_markdown as escape

from adapters.discord import render, words
from adapters.text import fit
from bot.context import Actor
from bot.i18n import Translator
from bot.ui import Field, FieldKind, Form

FIELDS_PER_MODAL = 5
TITLE_MAX = 45
LABEL_MAX = 45
PLACEHOLDER_MAX = 100
INPUT_MAX = 4000
OPTIONS_MAX = 25
OPTION_MAX = 100
DRAFT_TTL = timedelta(minutes=30)
DRAFTS_PER_PERSON = 5


@dataclass(eq=False)
class Draft:
    """One form being filled by one person: the form, what they typed so far, and where."""

    token: str
    form: Form
    actor: Actor  # who opened it, in which workspace and channel (DMs carry no guild)
    expires: datetime
    values: dict[str, str | None] = field(default_factory=dict)
    done: set[int] = field(default_factory=set)  # steps submitted at least once
    submitted: bool = False  # the core took it: a second final submission is a duplicate

    @property
    def steps(self) -> int:
        return max(1, -(-len(self.form.fields) // FIELDS_PER_MODAL))

    @property
    def delivery_id(self) -> str:
        return f"discord-form:{self.token}"

    def fields_of(self, step: int) -> tuple[Field, ...]:
        start = step * FIELDS_PER_MODAL
        return self.form.fields[start : start + FIELDS_PER_MODAL]

    def step_of(self, name: str) -> int:
        names = [f.name for f in self.form.fields]
        return names.index(name) // FIELDS_PER_MODAL if name in names else 0

    def next_step(self, after: int) -> int | None:
        """The next step never submitted; None when every step has been (submit then)."""
        return next((s for s in range(after + 1, self.steps) if s not in self.done), None)


class Drafts:
    """Drafts by token, with an expiry: a form left half-filled is forgotten, not kept."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self.now = now
        self._drafts: dict[str, Draft] = {}

    def open(self, form: Form, actor: Actor, token: str | None = None) -> Draft:
        self._expire()
        mine = [d for d in self._drafts.values() if d.actor.user_id == actor.user_id]
        for old in mine[: max(0, len(mine) - DRAFTS_PER_PERSON + 1)]:
            self._drafts.pop(old.token, None)
        draft = Draft(token or str(secrets.randbits(62)), form, actor, self.now() + DRAFT_TTL)
        self._drafts[draft.token] = draft
        return draft

    def get(self, token: str, user_id: str) -> Draft | None:
        self._expire()
        draft = self._drafts.get(token)
        return draft if draft is not None and draft.actor.user_id == user_id else None

    def close(self, draft: Draft) -> None:
        self._drafts.pop(draft.token, None)

    def _expire(self) -> None:
        now = self.now()
        for token in [t for t, d in self._drafts.items() if d.expires <= now]:
            del self._drafts[token]


def _title(form: Form, step: int, steps: int) -> str:
    if steps == 1:
        return fit(form.title, TITLE_MAX) or "…"
    suffix = f" ({step + 1}/{steps})"
    return fit(form.title, TITLE_MAX - len(suffix)) + suffix


def _text_input(field: Field, initial: str | None) -> discord.ui.TextInput[Any]:
    longest = min(field.max_length or INPUT_MAX, INPUT_MAX)
    return discord.ui.TextInput(
        custom_id=field.name,
        style=discord.TextStyle.paragraph
        if field.kind is FieldKind.LONG_TEXT
        else discord.TextStyle.short,
        required=field.required,
        max_length=longest,
        default=initial[:longest] if initial else None,
        placeholder=fit(field.hint, PLACEHOLDER_MAX) if field.hint else None,
    )


def _control(field: Field, initial: str | None) -> discord.ui.Item[Any]:
    if field.kind is FieldKind.SELECT and 0 < len(field.choices) <= OPTIONS_MAX:
        options = [
            discord.SelectOption(
                label=fit(c.label, OPTION_MAX) or c.value,
                value=c.value,
                default=c.value == initial,
            )
            for c in field.choices
        ]
        return discord.ui.Select(
            custom_id=field.name,
            options=options,
            required=field.required,
            min_values=1 if field.required else 0,
            placeholder=fit(field.hint, PLACEHOLDER_MAX) if field.hint else None,
        )
    if field.kind is FieldKind.USER:
        defaults = (
            [discord.Object(int(initial), type=discord.User)]
            if initial is not None and initial.isdigit()
            else []
        )
        return discord.ui.UserSelect(
            custom_id=field.name,
            required=field.required,
            min_values=1 if field.required else 0,
            default_values=defaults,
        )
    return _text_input(field, initial)


def _typed_choice(field: Field, typed: str | None) -> str | None:
    """A choice typed by hand (a list too long for a select): its value, by value or label."""
    if not typed or field.kind is not FieldKind.SELECT:
        return typed
    return field.typed_choice(typed)


def read(modal: discord.ui.Modal, fields: tuple[Field, ...]) -> dict[str, str | None]:
    """What was submitted, as the core reads it: text, or None when left empty."""
    by_name = {f.name: f for f in fields}
    values: dict[str, str | None] = {}
    for item in modal.walk_children():
        name = getattr(item, "custom_id", None)
        if name not in by_name:
            continue
        if isinstance(item, discord.ui.TextInput):
            values[name] = _typed_choice(by_name[name], item.value.strip() or None)
        elif isinstance(item, discord.ui.UserSelect):
            values[name] = str(item.values[0].id) if item.values else None
        elif isinstance(item, discord.ui.Select):
            values[name] = item.values[0] if item.values else None
    return values


Submitted = Callable[[discord.Interaction, Draft, int, "StepModal"], Awaitable[None]]


class StepModal(discord.ui.Modal):
    """One step of a draft, pre-filled with what was typed; its custom_id is unique per
    opening, so two open copies never answer for each other."""

    def __init__(self, draft: Draft, step: int, opener: int, on_submit: Submitted) -> None:
        super().__init__(
            title=_title(draft.form, step, draft.steps),
            custom_id=f"cbm|{draft.token}|{step}|{opener}",
            timeout=DRAFT_TTL.total_seconds(),
        )
        self.draft, self.step, self._submitted = draft, step, on_submit
        for field_ in draft.fields_of(step):
            initial = draft.values.get(field_.name, field_.initial)
            self.add_item(
                discord.ui.Label(
                    text=fit(field_.label, LABEL_MAX) or field_.name,
                    component=_control(field_, initial),
                )
            )

    def values(self) -> dict[str, str | None]:
        return read(self, self.draft.fields_of(self.step))

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        await self._submitted(interaction, self.draft, self.step, self)


def continue_message(draft: Draft, step: int, t: Translator) -> dict[str, Any]:
    """The ephemeral message between two steps, with the button that opens step `step`."""
    view = discord.ui.View(timeout=None)
    label = t(words.CONTINUE).format(step=step + 1, steps=draft.steps)
    view.add_item(render.FormButton(draft.token, step, label))
    done = t(words.STEP_SAVED).format(step=len(draft.done), steps=draft.steps)
    return {"content": done, "embeds": [], "view": view}


def errors_message(draft: Draft, errors: Mapping[str, str], t: Translator) -> dict[str, Any]:
    """Every wrong field by its label with its error, and a button that reopens the step
    holding the first of them, pre-filled with what was typed."""
    labels = {f.name: f.label for f in draft.form.fields}
    ordered = [f.name for f in draft.form.fields if f.name in errors]
    lines = [f"**{escape(labels[name])}**: {escape(errors[name])}" for name in ordered]
    lines += [escape(errors[name]) for name in errors if name not in labels]
    embed = discord.Embed(title=t(words.FIX_INTRO), description=fit("\n".join(lines), 4096))
    view = discord.ui.View(timeout=None)
    if ordered:
        first = ordered[0]
        label = t(words.FIX_BUTTON).format(field=labels[first])
        view.add_item(render.FormButton(draft.token, draft.step_of(first), label))
    return {"content": None, "embeds": [embed], "view": view if ordered else None}
