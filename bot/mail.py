"""An email to a customer, platform-neutral: composed by the core, sent by the email deliverer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Email:
    """One message, as text and as HTML (the same words). `message_id` is stable for what it
    carries, so a mail server or client can tell a repeat; `headers` adds e.g. List-Unsubscribe."""

    to: str = field(repr=False)  # personal data: never in a log line
    subject: str
    text: str = field(repr=False)
    html: str = field(repr=False)
    message_id: str
    language: str = "en"
    headers: Mapping[str, str] = field(default_factory=dict)
