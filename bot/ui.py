"""The platform-neutral UI model: what the core answers, and each adapter renders in its idiom.

Every string in these objects is already translated for the person who will read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.charts import Chart


class FieldKind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    SELECT = "select"
    DATETIME = "datetime"
    NUMBER = "number"
    USER = "user"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    required: bool = False
    max_length: int | None = None
    initial: str | None = None
    hint: str | None = None
    choices: tuple[Choice, ...] = ()

    def typed_choice(self, typed: str) -> str:
        """A choice typed by hand (the shell, a Discord list too long for a select): its value,
        found by value or by label in any letter case; else the text as typed, for the core
        to say what is wrong with it."""
        wanted = typed.strip().lower()
        for choice in self.choices:
            if wanted in (choice.value.lower(), choice.label.lower()):
                return choice.value
        return typed.strip()

    def label_of(self, value: str) -> str:
        """The label of the choice with this value; the value itself when there is none."""
        return next((c.label for c in self.choices if c.value == value), value)


@dataclass(frozen=True)
class FormStep:
    """Fields filled together, by name: one Discord modal, a headed group of a Slack modal, a
    titled run of prompts in the shell. At most five fields, so a step is one Discord modal."""

    title: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Page:
    """A step as an adapter shows it: its title and its fields."""

    title: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Form:
    """A form to fill: a Slack modal, a chain of Discord modals, prompts in the shell.

    `state` travels with the form (Slack private_metadata, Discord custom ids) and comes back
    on submission. `steps` groups the fields, each named in exactly one step; none declared
    is one step holding every field, under the form's title.
    """

    form_id: str
    title: str
    fields: tuple[Field, ...]
    submit_label: str
    state: Mapping[str, str] = field(default_factory=dict)
    intro: str | None = None
    steps: tuple[FormStep, ...] = ()

    def __post_init__(self) -> None:
        if self.steps:
            named = [name for step in self.steps for name in step.fields]
            if sorted(named) != sorted(f.name for f in self.fields):
                raise ValueError(f"{self.form_id}: its steps must name each field once")

    def pages(self, most: int | None = None) -> tuple[Page, ...]:
        """The steps with their fields, in order. A step with more than `most` fields (all an
        adapter can show at once) becomes several pages under the step's title."""
        by_name = {f.name: f for f in self.fields}
        steps = self.steps or (FormStep(self.title, tuple(by_name)),)
        pages: list[Page] = []
        for step in steps:
            fields = tuple(by_name[name] for name in step.fields)
            size = most or len(fields) or 1
            pages += [
                Page(step.title, fields[at : at + size])
                for at in range(0, max(len(fields), 1), size)
            ]
        return tuple(pages)

    def with_values(self, values: Mapping[str, str | None]) -> Form:
        """The same form, pre-filled with what was typed (kept when a submission is refused)."""
        fields = tuple(
            replace(f, initial=values[f.name]) if values.get(f.name) is not None else f
            for f in self.fields
        )
        return replace(self, fields=fields)


@dataclass(frozen=True)
class FieldErrors:
    """A refused submission: one localised message per wrong field, and the form as typed."""

    errors: Mapping[str, str]
    form: Form


class ButtonStyle(StrEnum):
    DEFAULT = "default"
    PRIMARY = "primary"
    DANGER = "danger"


@dataclass(frozen=True)
class Button:
    label: str
    action: str
    value: str = ""
    style: ButtonStyle = ButtonStyle.DEFAULT


@dataclass(frozen=True)
class Section:
    title: str | None = None
    body: str | None = None
    fields: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Attachment:
    """A file shared with a message (a chart): uploaded on chat platforms, saved by the shell."""

    filename: str
    title: str
    content: bytes = field(repr=False)
    mime: str = "image/png"
    # A chart still to draw (bot.charts): `content` is filled just before the reply goes out.
    chart: Chart | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Message:
    """A message: a headline, sections, buttons and files.

    `ref` names a message that is updated in place (e.g. a complaint's card): an adapter
    that has already posted a message with this ref edits it instead of posting again.
    """

    text: str
    sections: tuple[Section, ...] = ()
    buttons: tuple[Button, ...] = ()
    ref: str | None = None
    files: tuple[Attachment, ...] = ()


class Audience(StrEnum):
    ACTOR = "actor"  # only the person who acted (ephemeral)
    CHANNEL = "channel"  # the channel the conversation is in (or the configured one)
    DM = "dm"  # the actor's direct messages with the bot, wherever they typed


@dataclass(frozen=True)
class Post:
    """A message and who reads it. `channel` names the workspace's configured channel for
    channel posts; None means the channel the conversation is in."""

    message: Message
    to: Audience = Audience.ACTOR
    channel: str | None = None
    # Where the message with this ref was posted before (channel, message id): edit it there.
    posted: tuple[str, str] | None = None
    # Post anew even when a message with this ref stands; the new one is edited from then on.
    fresh: bool = False
    # Recorded in the outbox (a card): the scheduler posts it, not the adapter answering now.
    queued: bool = False
    # An earlier attempt to post it may have landed unanswered: find it before posting anew.
    recover: bool = False


@dataclass(frozen=True)
class Reply:
    """What the core answers to one event: a form to open, errors to show, messages to post."""

    form: Form | None = None
    errors: FieldErrors | None = None
    posts: tuple[Post, ...] = ()

    @classmethod
    def say(cls, message: Message, to: Audience = Audience.ACTOR) -> Reply:
        return cls(posts=(Post(message, to),))

    @classmethod
    def text(cls, text: str) -> Reply:
        return cls.say(Message(text=text))
