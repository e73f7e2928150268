"""The app manifest is generated from the command tree, so a paste declares exactly what the
adapter listens to; the checked-in manifests are the generator's output."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from adapters.slack.listeners import COMMANDS, HOME_OPENED, SHORTCUT, slash_commands
from adapters.slack.manifest import MAX_DESCRIPTION, MAX_USAGE_HINT, manifest, render
from adapters.slack.settings import SlackSettings
from bot.cli import main
from bot.clock import ManualClock
from bot.context import Context
from bot.routes import root
from bot.settings import Settings
from bot.tree import Arg, ArgKind, Command, Router
from bot.ui import Reply
from storage.db import Database
from tests.slack.harness import slack_app
from tests.slack_fake import FakeSlack

SLACK = Path(__file__).resolve().parents[2] / "slack"
EXAMPLE = "https://carebot.example.com"  # the placeholder manifest-http.yml carries
CHECKED_IN = {"manifest.yml": None, "manifest-http.yml": EXAMPLE}


async def pong(_ctx: Context, rest: str) -> Reply:
    return Reply.text(f"pong {rest}".strip())


PING = Command(
    "ping",
    "Check that carebot answers",
    pong,
    args=(Arg("who", ArgKind.PERSON, "Who to ping"),),
)


def slash(data: dict[str, Any], name: str) -> dict[str, Any]:
    found = [c for c in data["features"]["slash_commands"] if c["command"] == name]
    assert len(found) == 1, name
    return found[0]


@pytest.mark.parametrize("name", sorted(CHECKED_IN))
def test_checked_in_manifests_are_what_the_tree_generates(name: str) -> None:
    http = CHECKED_IN[name]
    flag = f" --http {http}" if http else ""
    assert (SLACK / name).read_text(encoding="utf-8") == render(root().commands, http=http), (
        f"regenerate it: carebot slack manifest{flag} > slack/{name}"
    )


def settings_scopes() -> list[str]:
    """The scopes asked for at install: the manifests ask for the same ones."""
    default = SlackSettings.model_fields["slack_scopes"].default
    return str(default).split(",")


def test_both_modes_are_offered() -> None:
    assert sorted(p.name for p in SLACK.glob("manifest*.yml")) == sorted(CHECKED_IN)


@pytest.mark.parametrize("http", [None, EXAMPLE])
def test_the_manifest_declares_what_the_adapter_listens_to(http: str | None) -> None:
    data = yaml.safe_load(render(root().commands, http=http))
    commands = data["features"]["slash_commands"]
    assert [c["command"] for c in commands] == list(COMMANDS) == [f"/{n}" for n in root().commands]
    for entry in commands:
        top = root().commands[entry["command"].lstrip("/")]
        assert entry["description"] == top.help
    assert [s["callback_id"] for s in data["features"]["shortcuts"]] == [SHORTCUT]
    assert data["settings"]["event_subscriptions"]["bot_events"] == [HOME_OPENED]
    assert data["features"]["app_home"]["home_tab_enabled"] is True
    assert data["settings"]["interactivity"]["is_enabled"] is True
    # The scopes asked for at install (OAuth): the manifest asks for the same ones.
    default = settings_scopes()
    assert data["oauth_config"]["scopes"]["bot"] == default
    events = f"{EXAMPLE}/slack/events"
    urls = {c.get("url") for c in commands}
    if http:
        assert data["settings"]["socket_mode_enabled"] is False
        assert urls == {events}
        assert data["settings"]["event_subscriptions"]["request_url"] == events
        assert data["settings"]["interactivity"]["request_url"] == events
        assert data["oauth_config"]["redirect_urls"] == [f"{EXAMPLE}/slack/oauth_redirect"]
    else:
        assert data["settings"]["socket_mode_enabled"] is True
        assert urls == {None}
        assert "request_url" not in data["settings"]["event_subscriptions"]
        assert "redirect_urls" not in data["oauth_config"]


def test_usage_hints_and_escaping_are_read_off_the_tree() -> None:
    data = manifest(root().commands)
    complaint = slash(data, "/complaint")
    assert complaint["usage_hint"].startswith("[new|list|show|search|")
    assert "usage_hint" not in slash(data, "/help")  # takes no words
    # Mentions arrive as ids only escaped: the commands taking @person or #channel ask for it.
    assert slash(data, "/carebot")["should_escape"] is True
    assert slash(data, "/digest")["should_escape"] is True
    assert slash(data, "/complaint")["should_escape"] is False


def test_a_new_command_reaches_the_manifest_and_the_listeners() -> None:
    commands = {**root().commands, "ping": PING}
    data = manifest(commands, http=EXAMPLE)
    ping = slash(data, "/ping")
    assert ping == {
        "command": "/ping",
        "description": "Check that carebot answers",
        "url": f"{EXAMPLE}/slack/events",
        "usage_hint": "[@person]",
        "should_escape": True,
    }
    assert "/ping" in slash_commands(commands)
    assert "/ping" not in COMMANDS  # carebot's own tree is untouched


def test_a_new_subcommand_reaches_its_usage_hint() -> None:
    goal = root().commands["goal"]
    grown = replace(goal, subcommands=(*goal.subcommands, Command("archive", "Archive a goal")))
    data = manifest({**root().commands, "goal": grown})
    assert slash(data, "/goal")["usage_hint"] == "[list|add|edit|remove|archive]"
    assert slash(manifest(root().commands), "/goal")["usage_hint"] == "[list|add|edit|remove]"


def test_slack_limits_are_kept() -> None:
    many = tuple(Command(f"sub{i:03}", "A subcommand") for i in range(300))
    wordy = Command("wordy", "Says a lot. " * 300, subcommands=many)
    data = manifest({"wordy": wordy})
    entry = slash(data, "/wordy")
    assert len(entry["description"]) <= MAX_DESCRIPTION and entry["description"].endswith("…")
    assert len(entry["usage_hint"]) <= MAX_USAGE_HINT
    assert entry["usage_hint"].startswith("[sub000|sub001|") and entry["usage_hint"].endswith("|…]")
    with pytest.raises(ValueError, match="32"):
        manifest({"x" * 40: PING})
    with pytest.raises(ValueError, match="50"):
        manifest({f"c{i}": PING for i in range(51)})
    with pytest.raises(ValueError, match="base URL"):
        manifest(root().commands, http="carebot.example.com")


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.delenv("SLACK_SCOPES", raising=False)


def test_carebot_slack_manifest_prints_the_checked_in_manifests(
    cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["slack", "manifest"]) == 0
    assert capsys.readouterr().out == (SLACK / "manifest.yml").read_text(encoding="utf-8")
    assert main(["slack", "manifest", "--http", EXAMPLE + "/"]) == 0
    assert capsys.readouterr().out == (SLACK / "manifest-http.yml").read_text(encoding="utf-8")


def test_carebot_slack_manifest_asks_for_the_configured_scopes(
    cli_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_SCOPES", "commands,chat:write")
    assert main(["slack", "manifest"]) == 0
    data = yaml.safe_load(capsys.readouterr().out)
    assert data["oauth_config"]["scopes"]["bot"] == ["commands", "chat:write"]


def test_carebot_slack_manifest_refuses_a_url_that_is_not_one(
    cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["slack", "manifest", "--http", "carebot.example.com"])
    assert refused.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "https://carebot.example.com" in captured.err


async def test_a_new_top_level_command_is_answered_over_slack(
    db: Database, settings: Settings, clock: ManualClock, slack: FakeSlack
) -> None:
    base = root()
    routes = Router(
        "with-ping",
        commands={**base.commands, "ping": PING},
        actions=base.actions,
        forms=base.forms,
        jobs=base.jobs,
    )
    async with slack_app(db, settings, clock, slack, routes=routes) as side:
        response, _ = await side.command("", command="/ping")
        assert response.status == 200
        await slack.wait_for("response")
        assert slack.responses[-1]["text"] == "pong"
