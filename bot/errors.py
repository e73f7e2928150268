"""Typed errors that reach people as a translated sentence (never as a traceback)."""

from __future__ import annotations

from typing import Any

from bot.i18n import Translator
from bot.ui import FieldErrors


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
