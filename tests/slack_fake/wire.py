"""What every part of the fake answers with: JSON objects, and Slack's `ok: false` refusals."""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]


class Refusal(Exception):
    """Raised by a method handler: Slack's `{"ok": false, "error": ...}` answer."""

    def __init__(self, error: str, messages: list[str] | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.messages = messages or []

    def body(self) -> Json:
        body: Json = {"ok": False, "error": self.error}
        if self.messages:
            body["response_metadata"] = {"messages": self.messages}
        return body


def missing(name: str) -> Refusal:
    return Refusal("invalid_arguments", [f"[ERROR] missing required field: {name}"])
