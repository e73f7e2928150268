"""Scheduled work in the terminal: reminders, checks and digests are printed where the person
is, marked with whom they are for; charts are saved like the shell's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from adapters.console import render
from bot.help import ShellWords
from bot.i18n import Translator
from bot.scheduled import Outgoing
from bot.settings import Settings
from bot.ui import Attachment, Audience, Button
from storage.db import Database

CONVERSATION = "shell"  # the channel id of the shell's conversation


def save(folder: Path, attachment: Attachment) -> Path:
    """A file the core sent (a chart), kept where the person can open it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / Path(attachment.filename).name  # never outside the folder
    path.write_bytes(attachment.content)
    return path.resolve()


Words = Callable[[Outgoing], ShellWords]


class ConsoleDeliverer:
    """`words`: the terminal's own notes ("posted in …", "for …") in the language of whoever
    reads the terminal; the shell passes its acting person's, which follow /language."""

    def __init__(self, write: Callable[[str], None], files_dir: Path, words: Words) -> None:
        self.write = write
        self.files_dir = files_dir
        self.words = words

    async def deliver(self, outgoing: Outgoing, first_button: int = 1) -> list[Button]:
        """Prints the posts; returns their buttons, numbered from `first_button` on."""
        words = self.words(outgoing)
        buttons: list[Button] = []
        for post in outgoing.reply.posts:
            if post.to is Audience.CHANNEL:
                # The shell's own conversation is "the channel", as in the shell's replies.
                named = None if post.channel == CONVERSATION else post.channel
                note = words.to_channel_named(named)
            else:
                note = words.to_person(outgoing.actor.display_name)
            first = first_button + len(buttons)
            self.write(render.message(post.message, first_button=first, channel_note=note))
            for attachment in post.message.files:
                path = save(self.files_dir, attachment)
                self.write(words.file_saved(attachment.title, str(path)))
            buttons.extend(post.message.buttons)
        return buttons


def factory(settings: Settings, _db: Database) -> ConsoleDeliverer:
    def words(outgoing: Outgoing) -> ShellWords:
        # No one acts at this terminal: the notes speak the language of the post's person.
        locale = outgoing.actor.locale or settings.default_locale
        return ShellWords(Translator(locale, settings.default_timezone))

    return ConsoleDeliverer(lambda text: print(text, flush=True), Path(settings.files_dir), words)
