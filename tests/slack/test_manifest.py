"""The app manifests declare exactly what the adapter listens to, so a paste just works."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from adapters.slack.listeners import COMMANDS, SHORTCUT
from adapters.slack.settings import SlackSettings

MANIFESTS = sorted((Path(__file__).resolve().parents[2] / "slack").glob("manifest*.yml"))


@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda p: p.name)
def test_manifest_matches_the_adapter(manifest: Path) -> None:
    text = manifest.read_text(encoding="utf-8")
    assert sorted(re.findall(r"- command: (\S+)", text)) == sorted(COMMANDS)
    assert re.findall(r"callback_id: (\S+)", text) == [SHORTCUT]
    assert "app_home_opened" in text and "home_tab_enabled: true" in text
    for scope in settings_scopes():
        assert f"- {scope}\n" in text
    http = "socket_mode_enabled: false" in text
    assert http == ("request_url: https://carebot.example.com/slack/events" in text)


def settings_scopes() -> list[str]:
    """The scopes asked for at install: the manifests ask for the same ones."""
    default = SlackSettings.model_fields["slack_scopes"].default
    return str(default).split(",")


def test_both_modes_are_offered() -> None:
    assert [p.name for p in MANIFESTS] == ["manifest-http.yml", "manifest.yml"]
