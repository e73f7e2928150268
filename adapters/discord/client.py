"""The Discord bot: slash commands, persistent buttons and modal steps, wired to the core.

Slash commands, their groups and typed options are read off the command tree
(adapters.discord.commands) and written back into the core's words ("/complaint list
status:open" → command "complaint", "list open"). Intents are the guilds only (roles for
permissions, channels): interactions need nothing more, and no message content is read. With
DISCORD_SHARD_COUNT the bot is an AutoShardedBot running the shards in DISCORD_SHARD_IDS; only
the process holding shard 0 syncs the commands.
"""

from __future__ import annotations

import contextlib
import logging
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from adapters.discord import render, words
from adapters.discord.actors import PLATFORM, Places, Refused, locale_of
from adapters.discord.answer import Answer
from adapters.discord.commands import Slash, fit, slash_commands
from adapters.discord.deliver import DiscordDeliverer
from adapters.discord.errors import failed
from adapters.discord.forms import (
    StepModal,
    continue_message,
    errors_message,
    next_step,
    pages,
)
from adapters.discord.outbound import Outbound
from adapters.discord.settings import DiscordSettings
from bot.app import CareBot, DraftFailed
from bot.context import Actor
from bot.drafts import Draft
from bot.i18n import Translator
from bot.tree import Command
from bot.ui import Form
from scheduler.engine import Engine
from scheduler.runner import Runner

log = logging.getLogger(__name__)


def intents() -> discord.Intents:
    wanted = discord.Intents.none()
    wanted.guilds = True
    return wanted


def valid_name(text: str) -> bool:
    """Discord's rule for a slash command's name: 1-32 letters (with their combining marks,
    as in Devanagari), digits, - or _; no spaces (a context menu's name may have them)."""
    return 0 < len(text) <= 32 and all(
        c.isalnum() or c in "-_" or unicodedata.category(c).startswith("M") for c in text
    )


class CommandWords(app_commands.Translator):
    """Command and option descriptions in the member's client language, from our catalogs."""

    DESCRIPTIONS = (
        app_commands.TranslationContextLocation.command_description,
        app_commands.TranslationContextLocation.group_description,
        app_commands.TranslationContextLocation.parameter_description,
    )
    NAMES = (
        app_commands.TranslationContextLocation.command_name,
        app_commands.TranslationContextLocation.group_name,
    )

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        ours = locale_of(locale)
        wanted = self.DESCRIPTIONS + self.NAMES
        if context.location not in wanted or ours in (None, "en"):
            return None
        msgid = string.extras.get("msgid", string.message)  # a description may be cut
        text = Translator(ours)(msgid)
        if text == msgid:
            return None
        if context.location in self.DESCRIPTIONS:
            return fit(text)
        if isinstance(context.data, app_commands.Command | app_commands.Group):
            if context.data.parent is not None:
                return None  # subcommands keep the declared words, as the help shows them
            text = text.lower()
            return text if valid_name(text) else None
        return text  # the context menu's name


async def _from_message(interaction: discord.Interaction, message: discord.Message) -> None:
    """A message turned into a complaint: its text becomes what happened (Discord hands a
    context menu's target message with its content, without the message content intent)."""
    await handlers_of(interaction).on_action(interaction, "complaint.from_message", message.content)


def commands_of(tree: Mapping[str, Command]) -> list[Slash]:
    """The slash commands of `tree` (the core's), answered by the bot's handlers."""

    async def on_command(interaction: discord.Interaction, name: str, text: str) -> None:
        await handlers_of(interaction).on_command(interaction, name, text)

    async def recent(interaction: discord.Interaction, typed: str) -> list[tuple[int, str]]:
        return await handlers_of(interaction).recent_complaints(interaction, typed)

    return slash_commands(tree, on_command, recent)


class Handlers:
    """Interaction → core call → answer. No business rule lives here."""

    def __init__(self, core: CareBot, client: discord.Client, support_role: str | None) -> None:
        self.core = core
        self.settings = core.settings
        self.outbound = Outbound(core, client)
        self.places = Places(client, support_role)
        self.modal_timeout = core.settings.form_draft_minutes * 60.0

    def _t(self, locale: str | None) -> Translator:
        return Translator(locale or self.settings.default_locale)

    async def _actor(self, interaction: discord.Interaction, workspace: str = "") -> Actor | None:
        try:
            return self.places.actor(interaction, workspace or None)
        except Refused as refused:
            await interaction.response.send_message(refused.text, ephemeral=True)
            return None

    async def failed(self, interaction: discord.Interaction, error: Exception) -> None:
        """The boundary (errors.py), for the slash commands' tree, the buttons and the modals."""
        await failed(interaction, error, self.settings.default_locale)

    async def on_command(self, interaction: discord.Interaction, name: str, text: str) -> None:
        actor = await self._actor(interaction)
        if actor is not None:
            reply = await self.core.command(actor, name, text)
            await Answer(self.outbound, interaction, actor).render(reply, self.open_form)

    async def recent_complaints(
        self, interaction: discord.Interaction, typed: str
    ) -> list[tuple[int, str]]:
        """Complaint numbers offered while a number is typed; none where carebot is not open
        to this person (autocomplete has no message to say why)."""
        try:
            actor = self.places.actor(interaction, None)
        except Refused:
            return []
        return await self.core.recent_complaints(actor, typed)

    async def on_button(
        self, interaction: discord.Interaction, workspace: str, action: str, value: str
    ) -> None:
        actor = await self._actor(interaction, workspace)
        if actor is not None:
            reply = await self.core.action(actor, action, value, str(interaction.id))
            await Answer(self.outbound, interaction, actor).render(reply, self.open_form)

    async def on_action(self, interaction: discord.Interaction, action: str, value: str) -> None:
        await self.on_button(interaction, "", action, value)

    async def open_form(self, interaction: discord.Interaction, form: Form, actor: Actor) -> None:
        """Step 1 of a form; the draft's token is the opening interaction's id, so the form's
        delivery id is derived from it."""
        try:
            draft = await self.core.open_draft(actor, form, str(interaction.id))
        except DraftFailed as failed:
            await interaction.response.send_message(
                failed.message(self._t(actor.locale)), ephemeral=True
            )
            return
        await interaction.response.send_modal(self._modal(draft, 0, interaction))

    def _modal(self, draft: Draft, step: int, interaction: discord.Interaction) -> StepModal:
        return StepModal(draft, step, interaction.id, self.on_step, self.modal_timeout)

    async def on_form_button(self, interaction: discord.Interaction, token: str, step: int) -> None:
        """A later step (Continue, or Correct after an error), from the draft in the database:
        it works after a restart too."""
        t = self._t(locale_of(interaction.locale))
        try:
            draft = await self.core.draft(PLATFORM, str(interaction.user.id), token)
        except DraftFailed as failed:
            await interaction.response.send_message(failed.message(t), ephemeral=True)
            return
        if draft is None or not 0 <= step < len(pages(draft)):
            await interaction.response.send_message(t(words.FORM_EXPIRED), ephemeral=True)
            return
        await interaction.response.send_modal(self._modal(draft, step, interaction))

    async def on_step(
        self, interaction: discord.Interaction, opened: Draft, step: int, modal: StepModal
    ) -> None:
        # A modal's own on_error would log the error's message: the boundary takes it here.
        try:
            await self._step(interaction, opened, step, modal)
        except Exception as error:
            await self.failed(interaction, error)

    async def _step(
        self, interaction: discord.Interaction, opened: Draft, step: int, modal: StepModal
    ) -> None:
        """A step submitted: keep its values in the draft; open the next step, or hand the
        whole form to the core (once, with the draft's delivery id) and show its errors or
        its reply."""
        t = self._t(opened.actor.locale)
        user = str(interaction.user.id)
        try:
            draft = await self.core.save_step(PLATFORM, user, opened.token, step, modal.values())
        except DraftFailed as failed:
            await interaction.response.send_message(failed.message(t), ephemeral=True)
            return
        if draft is None:
            await interaction.response.send_message(t(words.FORM_EXPIRED), ephemeral=True)
            return
        message = interaction.message
        prompt = message is not None and message.flags.ephemeral
        answer = Answer(self.outbound, interaction, draft.actor, prompt=prompt)
        following = next_step(draft, step)
        if following is not None:
            await answer.say({**continue_message(draft, following, t), "files": []})
            return
        if draft.submitted:  # a second copy of a saved form: nothing is saved twice
            await interaction.response.defer()
            return
        reply = await self.core.submit(
            draft.actor, draft.form.form_id, draft.values, draft.form.state, draft.delivery_id
        )
        if reply.errors is not None:
            await answer.say({**errors_message(draft, reply.errors.errors, t), "files": []})
            return
        # The form is saved; if its draft cannot be closed (logged), it goes when it expires.
        with contextlib.suppress(DraftFailed):
            await self.core.close_draft(PLATFORM, user, draft.token)
        if not reply.posts and reply.form is None:  # submitted twice at once: saved once
            await interaction.response.defer()
            return
        await answer.render(reply, self.open_form)


def handlers_of(interaction: discord.Interaction) -> Handlers:
    return interaction.client.handlers  # type: ignore[attr-defined,no-any-return]


class _CareBotMixin:
    """What both bot classes add to discord.py's: the handlers and the start-up."""

    handlers: Handlers
    tree: app_commands.CommandTree[Any]

    def _prepare(
        self, core: CareBot, settings: DiscordSettings, on_login: Callable[[], None] | None
    ) -> None:
        self.core = core
        self.settings = settings
        self.on_login = on_login
        # The outbox: cards an event recorded are posted through this client right after it.
        deliverer = DiscordDeliverer(core, self)  # type: ignore[arg-type]
        self.outbox = Runner(Engine(core.db, core.settings, core.clock, {"discord": deliverer}))
        core.wake = self.outbox.wake
        self.handlers = Handlers(core, self, settings.discord_support_role)  # type: ignore[arg-type]
        self.tree.error(self._command_failed)

    async def _command_failed(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await self.handlers.failed(interaction, error)

    async def close(self) -> None:
        await self.outbox.stop(grace=10)  # cards under way go out while the session is open
        await super().close()  # type: ignore[misc]

    async def setup_hook(self) -> None:
        self.add_dynamic_items(render.ActionButton, render.FormButton)  # type: ignore[attr-defined]
        await self.tree.set_translator(CommandWords())
        for command in commands_of(self.core.routes.commands):
            self.tree.add_command(command)
        self.tree.add_command(
            app_commands.ContextMenu(
                name=app_commands.locale_str(words.FROM_MESSAGE), callback=_from_message
            )
        )
        shard_ids = self.settings.discord_shard_ids
        if not shard_ids or 0 in shard_ids:
            await self.sync_commands()
        if self.on_login is not None:
            self.on_login()  # e.g. the scheduler: it posts through this client's REST session

    async def sync_commands(self) -> None:
        """Instantly to DISCORD_GUILD_IDS (testing, one server), else globally (up to an hour)."""
        if not self.settings.discord_guild_ids:
            await self.tree.sync()
            return
        for guild_id in self.settings.discord_guild_ids:
            guild = discord.Object(guild_id)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)


class DiscordBot(_CareBotMixin, commands.Bot):
    def __init__(
        self, core: CareBot, settings: DiscordSettings, on_login: Callable[[], None] | None = None
    ) -> None:
        super().__init__(**_options())
        self._prepare(core, settings, on_login)


class ShardedDiscordBot(_CareBotMixin, commands.AutoShardedBot):
    def __init__(
        self, core: CareBot, settings: DiscordSettings, on_login: Callable[[], None] | None = None
    ) -> None:
        options = _options()
        if settings.discord_shard_ids:  # else every shard of the count runs here
            options["shard_ids"] = settings.discord_shard_ids
        super().__init__(shard_count=settings.discord_shard_count, **options)
        self._prepare(core, settings, on_login)


def _options() -> dict[str, Any]:
    return {
        "command_prefix": commands.when_mentioned,  # no prefix commands: no message content
        "intents": intents(),
        "help_command": None,
        "allowed_mentions": discord.AllowedMentions.none(),  # people's text never pings
    }


def build_bot(
    core: CareBot, settings: DiscordSettings, on_login: Callable[[], None] | None = None
) -> DiscordBot | ShardedDiscordBot:
    if settings.discord_shard_count:
        return ShardedDiscordBot(core, settings, on_login)
    return DiscordBot(core, settings, on_login)
