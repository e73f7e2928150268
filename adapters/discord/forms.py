"""A core Form as Discord modals: one modal per step the form declares (a step with more than
five fields, Discord's limit, takes several).

Step 1 opens at once; each later step opens from a "Continue (2/3)" button on an ephemeral
message, because a modal can only be answered by a message, not by another modal. What was
typed is kept in the core's draft (bot/drafts.py: the database, so a restart loses nothing)
and the core gets the whole form once, at the end, with the draft's delivery id: a second
submission of the same form (a double click, a second Continue) saves nothing twice. A
modal's title is its step's title and place ("The customer (1/4)"), or the form's title when
it has one step. SELECT and USER fields are selects inside the modal (a Label around the
select); a SELECT with more than 25 choices, DATETIME and NUMBER fields are typed, and the
core reads and checks them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import discord
from discord.utils import escape_markdown as escape

from adapters.discord import render, words
from adapters.text import fit
from bot.drafts import Draft
from bot.i18n import Translator
from bot.ui import Field, FieldKind, Page

FIELDS_PER_MODAL = 5
TITLE_MAX = 45
LABEL_MAX = 45
PLACEHOLDER_MAX = 100
INPUT_MAX = 4000
OPTIONS_MAX = 25
OPTION_MAX = 100
MODAL_TIMEOUT = 60 * 60.0  # seconds an open modal is listened for (the draft may last longer)


def pages(draft: Draft) -> tuple[Page, ...]:
    """The form's steps as modals: at most five fields each."""
    return draft.form.pages(FIELDS_PER_MODAL)


def step_of(draft: Draft, name: str) -> int:
    """The modal that holds field `name` (the first when none does)."""
    return next(
        (i for i, page in enumerate(pages(draft)) if name in {f.name for f in page.fields}), 0
    )


def next_step(draft: Draft, after: int) -> int | None:
    """The next step never submitted; None when every step has been (submit then)."""
    count = len(pages(draft))
    return next((s for s in range(after + 1, count) if s not in draft.done), None)


def _title(draft: Draft, step: int) -> str:
    shown = pages(draft)
    if len(shown) == 1:
        return fit(draft.form.title, TITLE_MAX) or "…"
    suffix = f" ({step + 1}/{len(shown)})"
    return (fit(shown[step].title, TITLE_MAX - len(suffix)) or "…") + suffix


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

    def __init__(
        self,
        draft: Draft,
        step: int,
        opener: int,
        on_submit: Submitted,
        timeout: float = MODAL_TIMEOUT,
    ) -> None:
        super().__init__(
            title=_title(draft, step),
            custom_id=f"cbm|{draft.token}|{step}|{opener}",
            timeout=timeout,
        )
        self.draft, self.step, self._submitted = draft, step, on_submit
        self.step_fields = pages(draft)[step].fields
        for field_ in self.step_fields:
            initial = draft.values.get(field_.name, field_.initial)
            self.add_item(
                discord.ui.Label(
                    text=fit(field_.label, LABEL_MAX) or field_.name,
                    component=_control(field_, initial),
                )
            )

    def values(self) -> dict[str, str | None]:
        return read(self, self.step_fields)

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        await self._submitted(interaction, self.draft, self.step, self)


def continue_message(draft: Draft, step: int, t: Translator) -> dict[str, Any]:
    """The ephemeral message between two steps, with the button that opens step `step`."""
    view = discord.ui.View(timeout=None)
    steps = len(pages(draft))
    label = t(words.CONTINUE).format(step=step + 1, steps=steps)
    view.add_item(render.FormButton(draft.token, step, label))
    done = t(words.STEP_SAVED).format(step=len(draft.done), steps=steps)
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
        view.add_item(render.FormButton(draft.token, step_of(draft, first), label))
    return {"content": None, "embeds": [embed], "view": view if ordered else None}
