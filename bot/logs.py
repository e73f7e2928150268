"""Logging for every entry point: text for a terminal, JSON lines for a log collector.

`configure(settings)` is called once by each entry point (`carebot run` on every platform, the
shell, `carebot jobs`, `db`, `export`); an adapter adds its own settings. Every line goes
through `Redact`, which blanks anything shaped like a Slack or Discord token, the secrets of
the settings given, a database
password and an OAuth code, and bounds its size. Customer data is kept out at the source: the
core and the scheduler log names of things (event, job kind, error type, stack frames), never
values people typed nor exception messages, which can quote them. Libraries that put what they
were given into their messages (Bolt: a refused request's body, an unhandled one's fields, a
listener's error text) are cut to their headline by `Headline`.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

from pydantic import SecretStr
from pydantic_settings import BaseSettings

from bot.settings import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
MASK = "[redacted]"

# Slack tokens (bot xoxb-, user xoxp-, app config xoxa-/xoxe-, refresh xoxr-, app-level xapp-),
# Discord bot tokens (base64 user id . timestamp . HMAC), a password in a database URL, and
# the one-time code and state of Slack's OAuth redirect (in aiohttp's access log), and the
# token of a survey link.
PATTERNS = (
    (re.compile(r"\bxox[a-z]-[A-Za-z0-9-]+"), MASK),
    (re.compile(r"\bxapp-[A-Za-z0-9-]+"), MASK),
    (re.compile(r"\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}"), MASK),
    (re.compile(r"(://[^:/@\s]+:)[^@\s/]+@"), rf"\1{MASK}@"),
    (re.compile(r"([?&](?:code|state)=)[^&\s\"]+"), rf"\1{MASK}"),
    # A survey link's signed token (its path, in the access log): whoever has it may answer.
    (re.compile(r"(/s/)[A-Za-z0-9_.=-]{8,}"), rf"\1{MASK}"),
)

# Libraries that log request payloads or SQL parameters (with the customer's data) at DEBUG:
# LOG_LEVEL=DEBUG is for carebot's own loggers; these keep to INFO and above.
CHATTY = ("aiosqlite", "asyncpg", "sqlalchemy", "slack_bolt", "slack_sdk", "discord", "aiohttp")
# Libraries whose messages, past their headline, quote what they were sent or received.
HEADLINED = ("slack_bolt", "slack_sdk", "aiohttp.server", "aiohttp.web")
HTTP_SERVER = "aiohttp.server"  # where aiohttp logs a request it could not handle
MESSAGE_MAX = 2000  # characters of a message, or of one extra field
STACK_MAX = 20000  # characters of a stack
HEADLINE_MAX = 120
_HEADLINE_END = re.compile(r"[(:{\[\n]")

# Attributes every LogRecord has: anything else on a record came in through `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def bounded(text: str, limit: int = MESSAGE_MAX) -> str:
    """`text`, cut to `limit` characters with a note of how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [{len(text) - limit} more characters]"


def _message(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except Exception:  # arguments that do not fit: logging reports it when it emits
        return str(record.msg)


class Headline(logging.Filter):
    """A library's record reduced to its headline: the words before the first parenthesis,
    colon or bracket ("Invalid request signature detected (... body: ...)" keeps the first
    three words), and a stack naming types only. On a logger, a test's capture sees it too."""

    def __init__(self, names: Iterable[str] = ("",)) -> None:
        super().__init__()
        self.names = tuple(names)

    def applies(self, name: str) -> bool:
        return any(name == n or name.startswith(f"{n}.") or not n for n in self.names)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.applies(record.name):
            return True
        head = _HEADLINE_END.split(_message(record), maxsplit=1)[0].strip()
        record.msg, record.args = bounded(head or record.levelname, HEADLINE_MAX), None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = stack(record.exc_info[1])
        record.exc_info = None
        return True


def headlined(logger: logging.Logger) -> logging.Logger:
    """`logger` with `Headline` on it (once), for a library that takes a logger to log to."""
    if not any(isinstance(f, Headline) for f in logger.filters):
        logger.addFilter(Headline())
    return logger


class ClientErrors(logging.Filter):
    """On an HTTP server's logger: a request that is not valid HTTP (a header line too long, a
    bad method) is the client's doing, answered 4xx by the server. One INFO line naming the
    error's type and status, not an ERROR with a stack (the parser's message quotes the bytes)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        status = getattr(error, "status", getattr(error, "code", None))  # aiohttp's: `code`
        if error is None or not isinstance(status, int) or not 400 <= status < 500:
            return True
        record.levelno, record.levelname = logging.INFO, logging.getLevelName(logging.INFO)
        record.msg, record.args = f"bad HTTP request refused: {type(error).__name__}", None
        record.exc_info, record.exc_text = None, None
        record.status = status
        return True


def quiet_client_errors(logger: logging.Logger) -> logging.Logger:
    """`logger` with `ClientErrors` on it (once)."""
    if not any(isinstance(f, ClientErrors) for f in logger.filters):
        logger.addFilter(ClientErrors())
    return logger


def _redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, MASK)
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class Redact(logging.Filter):
    """Blanks secrets in the message, the string extras, and the traceback of a record."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        # Longest first, so a secret containing another is blanked whole.
        self.secrets = sorted({s for s in secrets if len(s) >= 8}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        return _redact(text, self.secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = bounded(self.redact(_message(record))), None
        for key, value in extras(record).items():
            if isinstance(value, str):
                setattr(record, key, bounded(self.redact(value), STACK_MAX))
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = bounded(self.redact(record.exc_text), STACK_MAX)
        if record.stack_info:
            record.stack_info = bounded(self.redact(record.stack_info), STACK_MAX)
        return True


def extras(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, then the extras."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in extras(record).items():
            line.setdefault(key, value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """The classic line, with the extras appended as key=value."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        found = extras(record)
        stack = found.pop("stack", None)
        if found:
            line += " " + " ".join(f"{key}={value}" for key, value in found.items())
        return f"{line}\n{stack}" if stack else line


def secrets_of(*settings: BaseSettings) -> list[str]:
    """The values of every secret setting (SecretStr), to be blanked wherever they appear."""
    found = []
    for each in settings:
        for name in type(each).model_fields:
            value = getattr(each, name)
            if isinstance(value, SecretStr):
                found.append(value.get_secret_value())
    return found


def configure(
    settings: Settings,
    *more: BaseSettings,
    level: str | int | None = None,
    stream: TextIO | None = None,
) -> logging.Handler:
    """Sends every logger's records to standard error (or `stream`), in LOG_FORMAT, redacted
    (the secrets of `settings` and of `more`: an adapter's own settings).

    `level` overrides LOG_LEVEL (the shell shows warnings only). Calling it again replaces the
    handler it installed before; other handlers (a test's capture) are left alone.
    """
    chosen = level if level is not None else settings.log_level.upper()
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else TextFormatter())
    handler.addFilter(Headline(HEADLINED))  # before Redact: it may replace the stack
    handler.addFilter(Redact(secrets_of(settings, *more)))
    handler.set_name("carebot")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "carebot"]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(chosen)
    quiet_client_errors(logging.getLogger(HTTP_SERVER))
    for name in CHATTY:
        library = logging.getLogger(name)
        if library.getEffectiveLevel() < logging.INFO:
            library.setLevel(logging.INFO)
    return handler


def stack(exc: BaseException) -> str:
    """Where an exception (and what caused it) happened, naming only types: an exception's
    message can quote what a person typed (a customer's name, a failed INSERT's values)."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    parts = [
        "Traceback (most recent call last):\n"
        + "".join(traceback.format_tb(error.__traceback__))
        + f"{type(error).__module__}.{type(error).__qualname__}"
        for error in reversed(chain)
    ]
    return "\nwhich caused:\n".join(parts)
