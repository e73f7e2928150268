"""The Slack app manifest, generated from the command tree: `carebot slack manifest`.

Every top-level command becomes a slash command with its one-line help and a usage hint read
off its subcommands or arguments, so a command declared in the tree reaches Slack's command
picker and Bolt's listeners (`listeners.slash_commands`) together. The checked-in
slack/manifest*.yml are this module's output; a test keeps them so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import yaml

from adapters.slack.app import EVENTS_PATH
from adapters.slack.listeners import HOME_OPENED, SHORTCUT, slash_commands
from adapters.slack.settings import SlackSettings
from bot.tree import ArgKind, Command

# Slack's limits on a manifest (its published manifest schema).
MAX_COMMANDS = 50
MAX_COMMAND = 32  # "/name"
MAX_DESCRIPTION = 2000
MAX_USAGE_HINT = 1000

NAME = "carebot"
DESCRIPTION = "Log customer complaints, follow up, and keep your service promises."
COLOR = "#2f6f5e"
SHORTCUTS = (
    {
        "name": "Log as complaint",
        "type": "message",
        "callback_id": SHORTCUT,
        "description": "Turn this message into a complaint",
    },
)
OAUTH_REDIRECT_PATH = "/slack/oauth_redirect"  # Bolt's, where a workspace's install returns
# Escaped, Slack sends a typed @person or #channel as its id (<@U123>, <#C123|name>): the
# commands that take one need it so.
ESCAPED = frozenset({ArgKind.PERSON, ArgKind.CHANNEL})

SOCKET_HEADER = """\
# carebot's Slack app, in one paste: api.slack.com/apps -> Create New App -> From a manifest.
# Generated from carebot's commands by `carebot slack manifest`; do not edit by hand.
# Socket Mode (no public URL needed): create an app-level token with connections:write and
# put it in SLACK_APP_TOKEN. HTTP mode: `carebot slack manifest --http URL` (manifest-http.yml).
"""
HTTP_HEADER = """\
# carebot's Slack app for HTTP mode: Slack sends requests to {url}.
# Generated from carebot's commands by `carebot slack manifest --http {url}`;
# do not edit by hand. Give the URL where `carebot run` is reachable (HTTPS).
"""


def default_scopes() -> list[str]:
    return scopes_of(str(SlackSettings.model_fields["slack_scopes"].default))


def scopes_of(text: str) -> list[str]:
    return [scope.strip() for scope in text.split(",") if scope.strip()]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def usage_hint(command: Command) -> str:
    """A group's subcommands ("[new|list|show|…]"), else the command's own arguments."""
    if not command.subcommands:
        return _clip(command.usage(), MAX_USAGE_HINT)
    names: list[str] = []
    for sub in command.subcommands:
        if len("[" + "|".join([*names, sub.name]) + "|…]") > MAX_USAGE_HINT:
            return "[" + "|".join([*names, "…"]) + "]"
        names.append(sub.name)
    return "[" + "|".join(names) + "]"


def should_escape(command: Command) -> bool:
    return any(arg.kind in ESCAPED for _, c in command.walk() for arg in c.args)


def check_url(url: str) -> str:
    """The public base URL (https://host[/prefix]), without a trailing slash."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise ValueError(f"not a base URL like https://carebot.example.com: {url!r}")
    return url.rstrip("/")


def slash_command(command: Command, name: str, events_url: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "command": name,
        "description": _clip(command.help, MAX_DESCRIPTION),
    }
    if events_url:
        entry["url"] = events_url
    hint = usage_hint(command)
    if hint:
        entry["usage_hint"] = hint
    entry["should_escape"] = should_escape(command)
    return entry


def manifest(
    commands: Mapping[str, Command],
    *,
    http: str | None = None,
    scopes: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The manifest as data: Socket Mode, or with `http` (the public base URL) HTTP mode."""
    names = slash_commands(commands)
    if len(names) > MAX_COMMANDS:
        raise ValueError(f"Slack allows {MAX_COMMANDS} slash commands, not {len(names)}")
    too_long = [name for name in names if len(name) > MAX_COMMAND]
    if too_long:
        raise ValueError(f"Slack's command names are at most {MAX_COMMAND} long: {too_long}")
    base = check_url(http) if http is not None else None
    events = f"{base}{EVENTS_PATH}" if base else None
    oauth: dict[str, Any] = {}
    if base:
        oauth["redirect_urls"] = [f"{base}{OAUTH_REDIRECT_PATH}"]
    oauth["scopes"] = {"bot": list(scopes if scopes is not None else default_scopes())}
    subscriptions: dict[str, Any] = {"request_url": events} if events else {}
    subscriptions["bot_events"] = [HOME_OPENED]
    interactivity: dict[str, Any] = {"is_enabled": True}
    if events:
        interactivity["request_url"] = events
    return {
        "display_information": {
            "name": NAME,
            "description": DESCRIPTION,
            "background_color": COLOR,
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": NAME, "always_online": True},
            "slash_commands": [
                slash_command(command, name, events)
                for name, command in zip(names, commands.values(), strict=True)
            ],
            "shortcuts": [dict(shortcut) for shortcut in SHORTCUTS],
        },
        "oauth_config": oauth,
        "settings": {
            "event_subscriptions": subscriptions,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": base is None,
            "token_rotation_enabled": False,
        },
    }


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key, as Slack's own examples write them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def render(
    commands: Mapping[str, Command],
    *,
    http: str | None = None,
    scopes: Sequence[str] | None = None,
) -> str:
    """The manifest as YAML, headed by how to use it."""
    data = manifest(commands, http=http, scopes=scopes)
    header = HTTP_HEADER.format(url=check_url(http)) if http is not None else SOCKET_HEADER
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return header + body
