"""The pseudo-locale on Discord: every modal, message, card and button of a complaint and an
error, read by a person whose client and workspace speak `qps`."""

from __future__ import annotations

from typing import Any

import pytest
import simcord

from tests.discord.flows import (
    STEP_1,
    STEP_2,
    STEP_3,
    STEP_4,
    World,
    client_language,
    delivered,
    labels,
    public,
    shown,
)
from tests.pseudo import QPS, leaks, pseudo_locale  # noqa: F401

# Keys whose strings Discord shows of a modal or a component; ids and values are not read.
SHOWN = {"title", "label", "placeholder", "description", "content"}
# Leaks known and left to the work that removes them (each names it); none may be added here.
EXPECTED: tuple[str, ...] = ()
TYPED = [
    str(v[0] if isinstance(v, list) else v)
    for s in (STEP_1, STEP_2, STEP_3, STEP_4)
    for v in s.values()
]


def strings(value: Any, key: str = "") -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in strings(v, k)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v, key)]
    return [value] if isinstance(value, str) and key in SHOWN else []


def seen(result: simcord.InteractionResult) -> list[str]:
    """What a person reads of an interaction's answer: the modal, the messages, their buttons."""
    texts = strings(result.modal or {})
    for message in [result.response, *result.followups]:
        if message is not None:
            texts += [shown(message), *labels(message)]
    return texts


@pytest.fixture
def _qps_first(pseudo_locale: str) -> str:  # noqa: F811
    return pseudo_locale  # the pseudo-locale exists before the bot's settings are read


@pytest.mark.usefixtures("_qps_first")
@pytest.mark.discord(default_locale=QPS)
async def test_discord_shows_only_pseudo_text(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    client_language(world.env, monkeypatch, QPS)
    asha, texts = world.asha, []
    result = await asha.slash(world.channel, "complaint new")
    for values in (STEP_1, STEP_2, STEP_3, STEP_4):
        texts += seen(result)
        result = await asha.submit_modal(result, values)
        texts += seen(result)
        if values is not STEP_4:
            assert result.response is not None
            result = await asha.click(result.response, label=labels(result.response)[0])
    await delivered(world.env)
    (card,) = [m for m in public(world.channel) if m.embeds]
    texts += [shown(card), *labels(card)]
    for label in labels(card):
        texts += seen(await asha.click(card, label=label))
    texts += seen(await asha.slash(world.channel, "complaint show", number=42))
    texts += seen(await world.bob.slash(world.channel, "complaint categories add", name="Billing"))
    found = [
        line
        for line in leaks("\n".join(texts), TYPED, ["asha", "bob"])
        if not any(known in line for known in EXPECTED)
    ]
    assert not found, "\n".join(found)
