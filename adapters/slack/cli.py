"""`carebot slack …`: the Slack adapter's own commands, found by `carebot` through the
`carebot.commands` entry point (the core never imports an adapter)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from adapters.slack.manifest import check_url, render, scopes_of
from adapters.slack.settings import SlackSettings
from bot.routes import root
from bot.settings import Settings


def _url(text: str) -> str:
    try:
        return check_url(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="carebot slack", description="The Slack app's set-up.")
    actions = main.add_subparsers(dest="action", required=True)
    manifest = actions.add_parser(
        "manifest",
        help="print the Slack app manifest (YAML) for carebot's commands: Socket Mode, "
        "or HTTP mode with --http",
    )
    manifest.add_argument(
        "--http",
        metavar="URL",
        type=_url,
        help="HTTP mode: the public base URL where `carebot run` is reachable "
        "(requests go to URL/slack/events)",
    )
    return main


def main(_settings: Settings, argv: Sequence[str]) -> int:
    args = parser().parse_args(argv)
    # The scopes asked for when a workspace installs the app: the manifest asks for the same.
    scopes = scopes_of(SlackSettings().slack_scopes)
    text = render(root().commands, http=args.http, scopes=scopes)
    sys.stdout.write(text)
    return 0
