"""`carebot shell`: type the same slash commands as in Slack; forms are asked field by field.

Reads standard input line by line, so a session can be piped in; ends cleanly at end of input.
Commands are the tree's (`bot.routes`), beside the shell's own words; in an interactive
terminal Tab completes both, from the same tree.
While it runs, `carebot shell` also serves the customers' survey page (and /healthz) on
localhost:PORT, so a survey link the shell prints can be opened and answered in a browser.
"""

from __future__ import annotations

import asyncio
import getpass
import logging
import sys
from pathlib import Path
from typing import TextIO

from pydantic_core import PydanticCustomError

from adapters.console import keyboard, render
from adapters.console.deliver import CONVERSATION, ConsoleDeliverer, save
from adapters.health import serve_http
from bot.app import CareBot
from bot.clock import OffsetClock
from bot.completion import complete
from bot.context import Actor, Role
from bot.help import ShellWords
from bot.i18n import Translator
from bot.logs import configure
from bot.runtime import open_database
from bot.scheduled import Outgoing
from bot.settings import Settings
from bot.ui import Audience, Button, Field, FieldKind, Form, Reply
from bot.validation import parse_datetime
from scheduler.engine import Engine

PLATFORM = "console"
WORKSPACE = "local"
LOCALHOST = "localhost"  # the shell is one person's: its page is not served to the network
# The shell's own words: everything else typed after "/" is the core's command tree's.
AS, CLOCK, CANCEL = "as", "clock", "cancel"
QUIT = ("quit", "exit")
OWN_WORDS = (AS, CLOCK, QUIT[0])  # offered on Tab; CANCEL too while a form is filled


class EndOfInput(Exception):
    pass


class FormCancelled(Exception):
    """The person left the form; `line` is a command they typed instead, to run next."""

    def __init__(self, line: str | None = None) -> None:
        super().__init__(line)
        self.line = line


class Shell:
    def __init__(
        self,
        bot: CareBot,
        clock: OffsetClock,
        settings: Settings,
        stdin: TextIO = sys.stdin,
        stdout: TextIO = sys.stdout,
    ) -> None:
        self.bot = bot
        self.clock = clock
        self.stdin = stdin
        self.stdout = stdout
        self.t = Translator(settings.default_locale, settings.default_timezone)
        self.words = ShellWords(self.t)
        self.files_dir = Path(settings.files_dir)
        name = getpass.getuser() or "agent"
        self.actor = Actor(PLATFORM, WORKSPACE, name.lower(), name, channel_id=CONVERSATION)
        self.buttons: list[Button] = []
        # Due work (reminders, checks, digests) is printed here, as the clock reaches it.
        self.printer = ConsoleDeliverer(self.say, self.files_dir, lambda _: self.words)
        self.engine = Engine(bot.db, settings, clock, {PLATFORM: self})
        self._fresh_tick = False
        # A line and a tick woken by the survey page take turns; the page's wake-up prints
        # at once only while the shell waits for a command (never inside a form).
        self._turn = asyncio.Lock()
        self._waiting = False
        self._woken: set[asyncio.Task[None]] = set()
        self._filling = False
        # A person at a terminal gets Tab completion; piped input is read as plain lines.
        self.interactive = (
            stdin is sys.stdin
            and stdout is sys.stdout
            and stdin.isatty()
            and keyboard.install(self.completions)
        )

    def completions(self, line: str, text: str) -> list[str]:
        own = (*OWN_WORDS, CANCEL) if self._filling else OWN_WORDS
        return complete(self.bot.routes.commands, line, text, own)

    # --- input and output -------------------------------------------------------------------

    def say(self, text: str) -> None:
        print(text, file=self.stdout, flush=True)

    async def read(self, prompt: str) -> str:
        if self.interactive:  # input() is where readline edits and completes the line
            try:
                return await asyncio.to_thread(input, prompt)
            except EOFError:
                raise EndOfInput from None
        self.stdout.write(prompt)
        self.stdout.flush()
        line = await asyncio.to_thread(self.stdin.readline)
        if not line:
            raise EndOfInput
        if not self.stdin.isatty():
            self.stdout.write(line if line.endswith("\n") else line + "\n")  # echo piped input
        return line.rstrip("\r\n")

    # --- the loop ---------------------------------------------------------------------------

    async def listen(self) -> None:
        """The shell's own words in the acting person's language (their /language, else the
        workspace's): asked again after every event, since an event can change it."""
        self.t = await self.bot.translator(self.actor)
        self.words = ShellWords(self.t)

    async def run(self) -> int:
        await self.listen()
        self.say(self.words.banner())
        try:
            while True:
                self._waiting = True
                try:
                    line = (await self.read("> ")).strip()
                except EndOfInput:
                    self.say(self.words.bye())
                    return 0
                finally:
                    self._waiting = False
                async with self._turn:
                    try:
                        if await self.handle(line) is False:
                            self.say(self.words.bye())
                            return 0
                        self._fresh_tick = True
                        await self.engine.tick()
                    except EndOfInput:
                        self.say(self.words.bye())
                        return 0
        finally:
            for task in self._woken:
                task.cancel()

    def wake(self) -> None:
        """The survey page recorded an answer: a low one's alert is printed now if the shell
        waits for a command, else by the tick after the line being handled."""
        if self._waiting:
            task = asyncio.get_running_loop().create_task(self._tick_now())
            self._woken.add(task)
            task.add_done_callback(self._woken.discard)

    async def _tick_now(self) -> None:
        async with self._turn:
            if not self._waiting:
                return  # a line came meanwhile: its own tick delivers the work
            self._fresh_tick = True
            report = await self.engine.tick()
            if report.claimed and self._waiting:
                self.stdout.write("> ")  # the prompt again, under what was printed
                self.stdout.flush()

    async def handle(self, line: str) -> bool:
        if not line:
            return True
        if line.isdigit() and self.buttons:
            index = int(line) - 1
            if not 0 <= index < len(self.buttons):
                self.say(self.words.no_such_button())
                return True
            button = self.buttons[index]
            reply = await self.bot.action(self.actor, button.action, button.value)
            await self.listen()
            await self.show(reply)
            return True
        name, _, text = line.lstrip("/").partition(" ")
        name = name.lower()
        if name in QUIT:
            return False
        if name == AS:
            await self.switch_user(text)
        elif name == CLOCK:
            self.move_clock(text)
        else:  # the tree's command, or the core's own answer to a word it does not know
            reply = await self.bot.command(self.actor, name, text)
            await self.listen()  # /language answers in the new language; so do the notes
            await self.show(reply)
            if name == "help":
                self.say(self.words.shell_help())  # the core's /help, then the shell's words
        return True

    async def switch_user(self, text: str) -> None:
        parts = text.split()
        role: Role | None = None
        if parts and parts[-1].lower() in {r.value for r in Role}:
            role = Role(parts.pop().lower())
        if not parts:
            self.say(self.words.as_usage())
            return
        name = " ".join(parts)
        self.actor = Actor(
            PLATFORM, WORKSPACE, name.lower(), name, channel_id=CONVERSATION, platform_role=role
        )
        await self.listen()  # told in the language of the person now at the keyboard
        self.say(self.words.now_acting_as(name, role))

    def move_clock(self, text: str) -> None:
        if text.strip():
            try:
                target = parse_datetime(text, self.t.timezone, self.clock.now())
            except PydanticCustomError:
                self.say(self.words.clock_usage())
                return
            if target < self.clock.now():
                self.say(self.words.clock_usage())
                return
            self.clock.offset += target - self.clock.now()
        self.say(self.words.clock_is(self.t.datetime(self.clock.now())))

    # --- replies ----------------------------------------------------------------------------

    async def deliver(self, outgoing: Outgoing) -> None:
        """Scheduled work, printed for whom it is; its buttons are the ones numbers press now."""
        if self._fresh_tick:
            self.buttons, self._fresh_tick = [], False
        self.buttons += await self.printer.deliver(outgoing, len(self.buttons) + 1)

    async def show(self, reply: Reply) -> None:
        self.buttons = []
        for post in reply.posts:
            if post.queued:
                continue  # a card in the outbox: printed by the tick after this line
            note = {
                Audience.CHANNEL: self.words.to_channel(),
                Audience.DM: self.words.to_dm(),
            }.get(post.to)
            self.say(
                render.message(post.message, first_button=len(self.buttons) + 1, channel_note=note)
            )
            for attachment in post.message.files:
                self.say(
                    self.words.file_saved(attachment.title, str(save(self.files_dir, attachment)))
                )
            self.buttons.extend(post.message.buttons)
        if reply.form is not None:
            await self.fill(reply.form)

    async def fill(self, form: Form) -> None:
        self.say(f"── {form.title} ──")
        if form.intro:
            self.say(form.intro)
        self.say(self.words.cancel_hint())
        self._filling = True
        try:
            values: dict[str, str | None] = {}
            pages = form.pages()
            for page in pages:
                if len(pages) > 1:  # the form's steps, each under its title
                    self.say(f"· {page.title}")
                values |= await self.ask(page.fields)
            while True:
                reply = await self.bot.submit(self.actor, form.form_id, values, form.state)
                if reply.errors is None:
                    await self.show(reply)
                    return
                errors = reply.errors.errors
                for field in form.fields:  # each message right above its re-prompt, in form order
                    if field.name in errors:
                        self.say(self.words.fix_field(field.label, errors[field.name]))
                        values[field.name] = await self.ask_one(field, values.get(field.name))
                for name in errors.keys() - {f.name for f in form.fields}:
                    self.say(errors[name])
        except FormCancelled as cancelled:
            self._filling = False
            self.say(self.words.form_cancelled())
            if cancelled.line:
                await self.handle(cancelled.line)
        finally:
            self._filling = False

    async def ask(self, fields: tuple[Field, ...]) -> dict[str, str | None]:
        return {field.name: await self.ask_one(field, None) for field in fields}

    async def ask_one(self, field: Field, typed: str | None) -> str | None:
        default = typed if typed is not None else field.initial
        if field.hint:
            self.say(f"  ({field.hint})")
        if field.kind is FieldKind.SELECT:
            self.say(render.choices(field))
        shown = field.label_of(default) if default else None
        answer = (
            await self.read(
                render.prompt(
                    field, self.words.required(), self.words.enter_keeps(shown) if shown else None
                )
            )
        ).strip()
        if answer.startswith("/"):  # a command ends the form: /cancel, or anything else to run
            raise FormCancelled(None if answer == f"/{CANCEL}" else answer)
        if not answer:
            return default
        if field.kind is FieldKind.SELECT:
            return self._choice(field, answer)
        if field.kind is FieldKind.USER:
            return answer.lstrip("@").lower()
        return answer

    @staticmethod
    def _choice(field: Field, answer: str) -> str:
        """A choice by its number in the list printed above, else by its value or label."""
        if answer.isdigit() and 1 <= int(answer) <= len(field.choices):
            return field.choices[int(answer) - 1].value
        return field.typed_choice(answer)


async def main(
    settings: Settings,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    serve: bool = False,
) -> int:
    """`serve`: the survey page and /healthz on localhost:PORT while the shell runs (the
    default PUBLIC_URL points there); a port already taken costs the page, not the shell."""
    db = await open_database(settings)
    clock = OffsetClock()
    server = None
    try:
        shell = Shell(CareBot(db, settings, clock), clock, settings, stdin, stdout)
        if serve:
            server = await serve_http(
                db, LOCALHOST, settings.port, settings=settings, clock=clock, wake=shell.wake
            )
        return await shell.run()
    finally:
        if server is not None:
            await server.cleanup()
        await db.dispose()


def run(settings: Settings) -> int:
    configure(settings, level=logging.WARNING)  # the terminal is the conversation: warnings only
    return asyncio.run(main(settings, serve=True))
