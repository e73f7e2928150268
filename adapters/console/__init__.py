"""The terminal adapter: the bot's conversations in a shell, with no chat account needed."""

from adapters.console.shell import run

__all__ = ["run"]
