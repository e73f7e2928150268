"""What every listener reads from a Slack payload (command, interaction, event): who acts
and where, and whether the payload says where to answer."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from slack_bolt.async_app import AsyncRespond
from slack_bolt.context.async_context import AsyncBoltContext

from bot.context import Actor

PLATFORM = "slack"


def _team(body: dict[str, Any], context: AsyncBoltContext) -> str:
    team, user = body.get("team"), body.get("user")
    return str(
        context.team_id
        or (team.get("id") if isinstance(team, dict) else team)
        or body.get("team_id")
        # a malformed payload may carry "user" as a string: no team in it, not a crash
        or (user.get("team_id") if isinstance(user, dict) else None)
        or ""
    )


def actor_from(
    body: dict[str, Any], context: AsyncBoltContext, channel: str | None = None
) -> Actor:
    """Who acts and where, from any payload (command, interaction, event)."""
    found = body.get("user")
    user: dict[str, Any] = found if isinstance(found, dict) else {}
    user_id = str(context.user_id or user.get("id") or body.get("user_id") or "")
    name = str(user.get("username") or user.get("name") or body.get("user_name") or user_id)
    if channel is None:
        raw = body.get("channel")
        channel = raw.get("id") if isinstance(raw, dict) else body.get("channel_id")
    return Actor(
        platform=PLATFORM,
        workspace_id=_team(body, context),
        user_id=user_id,
        display_name=name,
        channel_id=channel,
        is_dm=bool(channel and channel.startswith("D")),
        locale=user.get("locale"),
    )


def answer_to(body: dict[str, Any], respond: AsyncRespond) -> AsyncRespond | None:
    """Bolt's `respond` posts to the payload's response_url: only when that is an http(s) URL,
    since a malformed one would fail after the ack; without it the answer goes another way
    (an ephemeral message, or a DM)."""
    url = body.get("response_url")
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return respond if parts.scheme in ("http", "https") and parts.netloc else None
