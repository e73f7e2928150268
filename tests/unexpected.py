"""Shared by the error-boundary tests: an error whose message quotes a customer, the sentence a
person must see for it, and what its log line may and may not hold."""

from __future__ import annotations

import re

import pytest

from bot.errors import UNEXPECTED
from bot.i18n import Translator

# What an exception's message may quote: it must reach neither the person nor the log.
CUSTOMER = "customer Asha 9876543210"
QUOTED = ("Asha", "9876543210")


class Broken(RuntimeError):
    """An error nobody foresaw, raised inside an adapter (by a test's monkeypatch)."""


def broken(*_args: object, **_kwargs: object) -> object:
    raise Broken(CUSTOMER)


def error_id_in(text: str, locale: str) -> str:
    """The error id in `text`, which must be the sentence in `locale` and nothing else."""
    pattern = re.escape(Translator(locale)(UNEXPECTED)).replace(
        re.escape("{error_id}"), "([0-9a-f]{8})"
    )
    found = re.fullmatch(pattern, text)
    assert found is not None, text
    return found.group(1)


def assert_logged(caplog: pytest.LogCaptureFixture, error_id: str) -> None:
    """One ERROR line names the id and the error's type, with a stack of types; nothing logged
    quotes the exception's message."""
    (line,) = [r for r in caplog.records if getattr(r, "error_id", None) == error_id]
    assert line.levelname == "ERROR" and error_id in line.getMessage()
    assert "Broken" in line.getMessage() and getattr(line, "error", None) == "Broken"
    assert "Broken" in str(getattr(line, "stack", ""))
    everything = caplog.text + repr([vars(r) for r in caplog.records])
    assert [word for word in QUOTED if word in everything] == []
