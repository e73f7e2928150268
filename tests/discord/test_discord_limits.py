"""Discord's limits, kept when the core's messages and forms are rendered: nothing is sent that
Discord would refuse, and text is cut on a word boundary with an ellipsis."""

from __future__ import annotations

from datetime import UTC, datetime

import discord
import pytest

from adapters.discord import forms, render
from adapters.discord.actors import locale_of
from adapters.text import fit
from bot.app import CareBot
from bot.context import Actor
from bot.drafts import Draft
from bot.i18n import SUPPORTED_LOCALES
from bot.ui import Button, Choice, Field, FieldKind, Form, FormStep, Message, Section

ACTOR = Actor("discord", "1", "2", "asha")
LONG = "word " * 400


def draft_of(form: Form) -> Draft:
    return Draft("7", form, ACTOR, datetime.now(UTC))


def test_text_is_cut_on_a_word_boundary_with_an_ellipsis() -> None:
    assert fit("short", 10) == "short"
    cut = fit("Solution agreed with the customer in writing", 30)
    assert cut == "Solution agreed with the…" and len(cut) <= 30


def test_a_long_form_becomes_steps_of_five_within_the_modal_limits() -> None:
    fields = tuple(
        Field(f"f{i}", "A label much longer than forty-five characters, surely", hint=LONG)
        for i in range(12)
    )
    form = Form("x.create", "A title that is far longer than Discord's forty-five", fields, "Save")
    draft = draft_of(form)
    assert len(forms.pages(draft)) == 3
    modals = [forms.StepModal(draft, step, 1, _never) for step in range(3)]
    payloads = [modal.to_dict() for modal in modals]
    assert [len(p["components"]) for p in payloads] == [5, 5, 2]
    for payload in payloads:
        assert len(payload["title"]) <= 45 and payload["title"].endswith("/3)")
        for label in payload["components"]:
            assert len(label["label"]) <= 45 and label["label"].endswith("…")
            assert len(label["component"]["placeholder"]) <= 100
        assert len(payload["custom_id"]) <= 100


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_the_complaint_form_fits_four_modals_in_every_language(
    locale: str, carebot: CareBot
) -> None:
    """Eighteen fields in the four steps the form declares: the customer's five (email and
    language among them) fill the first modal, nothing is cut but what Discord would refuse,
    the language is a select."""
    actor = Actor("discord", "1", "2", "asha", "3", locale=locale)
    form = (await carebot.command(actor, "complaint", "")).form
    assert form is not None and len(form.fields) == 18
    draft = draft_of(form)
    steps = range(len(forms.pages(draft)))
    payloads = [forms.StepModal(draft, step, 1, _never).to_dict() for step in steps]
    assert [len(p["components"]) for p in payloads] == [5, 5, 4, 4]
    first = [label["component"]["custom_id"] for label in payloads[0]["components"]]
    assert first[2:] == ["customer_email", "customer_address", "customer_language"]
    language = payloads[0]["components"][4]["component"]
    assert language["type"] == 3 and len(language["options"]) == 5
    for payload in payloads:
        assert len(payload["title"]) <= 45 and payload["title"].endswith("/4)")
        for label in payload["components"]:
            assert len(label["label"]) <= 45 and not label["label"].endswith("…"), label
            placeholder = label["component"].get("placeholder") or ""
            assert len(placeholder) <= 100 and not placeholder.endswith("…"), placeholder


def test_selects_and_people_are_chosen_in_the_modal_long_lists_are_typed() -> None:
    few = tuple(Choice(f"c{i}", f"Choice {i}") for i in range(3))
    many = tuple(Choice(f"c{i}", f"Choice {i}") for i in range(30))
    form = Form(
        "x",
        "T",
        (
            Field("few", "Few", FieldKind.SELECT, choices=few, initial="c1"),
            Field("many", "Many", FieldKind.SELECT, choices=many),
            Field("who", "Who", FieldKind.USER, initial="42"),
            Field("when", "When", FieldKind.DATETIME, hint="2026-12-01 14:30 or +2d"),
        ),
        "Save",
    )
    modal = forms.StepModal(draft_of(form), 0, 1, _never)
    kinds = [c["component"]["type"] for c in modal.to_dict()["components"]]
    assert kinds == [3, 4, 5, 4]  # string select, text, user select, text
    few_select = modal.to_dict()["components"][0]["component"]
    assert [o["value"] for o in few_select["options"] if o["default"]] == ["c1"]
    assert modal.to_dict()["components"][2]["component"]["default_values"][0]["id"] == 42
    assert forms._typed_choice(form.fields[1], "choice 17") == "c17"
    assert forms._typed_choice(form.fields[1], "nonsense") == "nonsense"


def test_each_declared_step_is_a_modal_titled_by_its_step_a_long_one_is_split() -> None:
    fields = tuple(Field(f"f{i}", f"Field {i}") for i in range(8))
    steps = (FormStep("Who", ("f0",)), FormStep("What", tuple(f"f{i}" for i in range(1, 8))))
    draft = draft_of(Form("x", "Report", fields, "Save", steps=steps))
    modals = [forms.StepModal(draft, step, 1, _never).to_dict() for step in range(3)]
    assert [m["title"] for m in modals] == ["Who (1/3)", "What (2/3)", "What (3/3)"]
    assert [len(m["components"]) for m in modals] == [1, 5, 2]
    assert forms.step_of(draft, "f7") == 2 and draft.delivery_id == "discord-form:7"
    single = draft_of(Form("x", "Report", fields[:2], "Save"))
    assert forms.StepModal(single, 0, 1, _never).to_dict()["title"] == "Report"


def test_messages_fit_discords_embed_and_component_limits() -> None:
    message = Message(
        text=LONG,
        sections=tuple(
            Section(title=f"Part {i}", body=LONG, fields=tuple((LONG, LONG) for _ in range(30)))
            for i in range(3)
        ),
        buttons=tuple(Button(LONG, "complaint.details", str(i)) for i in range(30)),
    )
    sent = render.payload(message, "1456074443980800003")
    embeds: list[discord.Embed] = sent["embeds"]
    assert 1 <= len(embeds) <= 10 and sum(len(e) for e in embeds) <= 6000
    assert all(len(e.fields) <= 25 and len(e.description or "") <= 4096 for e in embeds)
    assert len(embeds[0].title or "") <= 256
    view = sent["view"]
    assert len(view.children) == 25
    assert all(len(item.item.label) <= 80 for item in view.children)
    assert all(len(item.custom_id) <= 100 for item in view.children)
    render.release(view)


def test_a_buttons_custom_id_carries_action_value_and_guild() -> None:
    button = Button("Pause", "assessment.pause:12", "3")
    assert render.action_id("99", button) == "cb|99|assessment.pause:12|3"
    long_value = Button("Go", "a.b", "v" * 80)  # only fits without the guild
    assert render.action_id("1456074443980800003", long_value) == "cb||a.b|" + "v" * 80
    assert render.action_id("1", Button("Go", "a.b", "v" * 100)) is None


def test_short_texts_are_plain_messages_and_peoples_text_is_escaped() -> None:
    sent = render.payload(Message(text="Logged *now*"), "1")
    assert sent["content"] == "Logged \\*now\\*" and sent["embeds"] == []


def test_the_client_language_maps_to_ours() -> None:
    assert locale_of(discord.Locale.hindi) == "hi"
    assert locale_of(discord.Locale.british_english) == "en"
    assert locale_of("fr") is None and locale_of(None) is None


async def _never(*_args: object) -> None:
    raise AssertionError("not submitted in these tests")
