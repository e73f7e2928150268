"""The shape of what Slack posts to /slack/events, checked before Bolt reads it.

Bolt reads bodies and payloads trusting their shape (a JSON object; `actions` a list of
objects; `view.callback_id` a string...) and answers 500 when they have another, even before
it checks the signature. Slack never sends those, so the gate (gate.py) refuses such a request
with 400.
Only what Bolt and our listeners read is checked; everything else may be anything.
"""

from __future__ import annotations

from typing import Any

STRINGS = ("type", "command", "text", "callback_id", "trigger_id", "response_url", "token")
IDS = ("team_id", "user_id", "channel_id", "enterprise_id", "api_app_id", "id")  # Slack's: short
NAMES = ("user_name", "username", "name", "team_domain", "domain", "locale")
NAMED = ("team", "user", "channel", "enterprise")  # an id, or an object with an id and names
OBJECTS = ("message", "container", "state")
PRESENT = {"view": dict, "actions": list, "event": dict, "authorizations": list}  # not null
ELEMENT_FIELDS = {"type": str, "value": str, "selected_date_time": int, "selected_user": str}
ID_MAX = 64  # a workspace's, a member's or a channel's id, as carebot stores it
NAME_MAX = 200


def _is(value: Any, kind: type) -> bool:
    """None (absent), or of that kind; a bool is no number here."""
    return value is None or (isinstance(value, kind) and not isinstance(value, bool))


def _strings(mapping: dict[str, Any], keys: tuple[str, ...], limit: int | None = None) -> bool:
    """Strings where there are values; with a limit, ids and names: that short, and no NUL."""
    return all(
        _is(v := mapping.get(key), str)
        and (limit is None or v is None or (len(v) <= limit and "\x00" not in v))
        for key in keys
    )


def _texts(mapping: dict[str, Any]) -> bool:
    """Its strings, ids and names, where it has them."""
    return (
        _strings(mapping, STRINGS)
        and _strings(mapping, IDS, ID_MAX)
        and _strings(mapping, NAMES, NAME_MAX)
    )


def _named(value: Any) -> bool:
    if isinstance(value, str):
        return len(value) <= ID_MAX and "\x00" not in value
    return value is None or (isinstance(value, dict) and _texts(value))


def _element(element: Any) -> bool:
    if not isinstance(element, dict):
        return False
    option = element.get("selected_option")
    return all(_is(element.get(k), kind) for k, kind in ELEMENT_FIELDS.items()) and (
        option is None or (isinstance(option, dict) and _is(option.get("value"), str))
    )


def _view(view: dict[str, Any]) -> bool:
    if not (_texts(view) and _strings(view, ("private_metadata", "hash"))):
        return False
    blocks = view.get("blocks")
    if "blocks" in view and not (
        isinstance(blocks, list)
        and all(isinstance(b, dict) and _strings(b, ("type", "block_id")) for b in blocks)
    ):
        return False
    state = view.get("state")
    values = state.get("values") if isinstance(state, dict) else None
    return (state is None or isinstance(state, dict)) and (
        values is None
        or (
            isinstance(values, dict)
            and all(
                isinstance(block, dict) and all(_element(e) for e in block.values())
                for block in values.values()
            )
        )
    )


def well_formed(payload: Any) -> bool:
    """True if `payload` (a decoded body) has the shape Slack gives what Bolt and we read."""
    if not isinstance(payload, dict) or not _texts(payload):
        return False
    if not all(_named(payload.get(key)) for key in NAMED):
        return False
    if not all(_is(payload.get(key), dict) for key in OBJECTS):
        return False
    if not all(isinstance(payload[k], kind) for k, kind in PRESENT.items() if k in payload):
        return False
    event = payload.get("event") or {}
    if not (_strings(event, ("type", "tab")) and _strings(event, ("user", "channel"), ID_MAX)):
        return False
    actions = payload.get("actions")
    if actions is not None and not (
        actions
        and all(
            isinstance(a, dict)
            and isinstance(a.get("action_id"), str)  # Bolt matches on it: always there
            and _strings(a, ("block_id", "type", "value"))
            for a in actions
        )
    ):
        return False
    if not all(isinstance(a, dict) for a in payload.get("authorizations") or ()):
        return False
    return "view" not in payload or _view(payload["view"])
