"""Typed errors that reach people as a translated sentence (never as a traceback), and the one
answer to an error nobody foresaw (`unexpected`), shared by the core and every adapter's
error boundary: logged by type and error id, told to the person with that id."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from bot.i18n import N_, Translator
from bot.logs import stack
from bot.ui import FieldErrors

log = logging.getLogger(__name__)

UNEXPECTED = N_("Something went wrong on our side; nothing was saved. Error id: {error_id}")


class UserError(Exception):
    """Something the person can fix; `msgid` is an English gettext id with {fields}."""

    def __init__(self, msgid: str, **params: Any) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.params = params

    def message(self, t: Translator) -> str:
        return t(self.msgid).format(**self.params)


class NotFound(UserError):
    pass


class Forbidden(UserError):
    pass


class InvalidForm(Exception):
    """A submission refused field by field; nothing of it was saved."""

    def __init__(self, errors: FieldErrors) -> None:
        super().__init__(", ".join(errors.errors))
        self.errors = errors


def error_id() -> str:
    """A short id that a person can quote and that finds the log line."""
    return uuid.uuid4().hex[:8]


def logged(
    exc: BaseException, where: str, *, logger: logging.Logger = log, **fields: object
) -> str:
    """Logs an unexpected error by its type, an id and a stack naming types only; returns the id.

    Never the exception's message (nor `log.exception`, which prints it): it can quote what a
    person typed, a customer's name or phone. `where` and `fields` name what was under way."""
    found = error_id()
    error = type(exc).__name__
    logger.error(
        "unexpected error %s in %s: %s",
        found,
        where,
        error,
        extra={"error_id": found, **fields, "error": error, "stack": stack(exc)},
    )
    return found


def unexpected(
    exc: BaseException,
    t: Translator,
    where: str,
    *,
    logger: logging.Logger = log,
    **fields: object,
) -> tuple[str, str]:
    """The one answer to an error nobody foresaw: logged as `logged` does, and the sentence
    the person sees, in their language, with the id. Returns (error id, sentence)."""
    found = logged(exc, where, logger=logger, **fields)
    return found, t(UNEXPECTED).format(error_id=found)
