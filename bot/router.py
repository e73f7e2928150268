"""Where commands, button actions and form submissions find their core handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from bot.context import Context
from bot.ui import Reply

CommandHandler = Callable[[Context, str], Awaitable[Reply]]
ActionHandler = Callable[[Context, str, str], Awaitable[Reply]]
FormHandler = Callable[
    [Context, Mapping[str, str | None], Mapping[str, str], str | None], Awaitable[Reply]
]


class Router:
    """Handlers by name. Actions match exactly or by the prefix before ':' (e.g. `x.y:code`)."""

    def __init__(self) -> None:
        self.commands: dict[str, CommandHandler] = {}
        self.actions: dict[str, ActionHandler] = {}
        self.forms: dict[str, FormHandler] = {}

    def command(self, name: str) -> Callable[[CommandHandler], CommandHandler]:
        def register(handler: CommandHandler) -> CommandHandler:
            self.commands[name] = handler
            return handler

        return register

    def action(self, name: str) -> Callable[[ActionHandler], ActionHandler]:
        def register(handler: ActionHandler) -> ActionHandler:
            self.actions[name] = handler
            return handler

        return register

    def form(self, form_id: str) -> Callable[[FormHandler], FormHandler]:
        def register(handler: FormHandler) -> FormHandler:
            self.forms[form_id] = handler
            return handler

        return register

    def find_action(self, action: str) -> ActionHandler | None:
        return self.actions.get(action) or self.actions.get(action.split(":", 1)[0] + ":")


router = Router()
