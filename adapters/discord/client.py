"""The Discord bot: slash commands, persistent buttons and modal steps, wired to the core.

Slash commands carry one optional free-text option, `text`, handed to the core as the
command's text ("/complaint text:list open" → command "complaint", "list open"). Intents are
the guilds only (roles for permissions, channels): interactions need nothing more, and no
message content is read. With DISCORD_SHARD_COUNT the bot is an AutoShardedBot running the
shards in DISCORD_SHARD_IDS; only the process holding shard 0 syncs the commands.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from adapters.discord import render, words
from adapters.discord.actors import Places, Refused, locale_of
from adapters.discord.answer import Answer
from adapters.discord.deliver import DiscordDeliverer
from adapters.discord.errors import failed
from adapters.discord.forms import Draft, Drafts, StepModal, continue_message, errors_message
from adapters.discord.outbound import Outbound
from adapters.discord.settings import DiscordSettings
from bot.app import CareBot
from bot.context import Actor
from bot.i18n import Translator
from bot.ui import Form
from scheduler.engine import Engine
from scheduler.runner import Runner

log = logging.getLogger(__name__)

COMMANDS = tuple(words.COMMANDS)
TEXT_MAX = 1000


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
        app_commands.TranslationContextLocation.parameter_description,
    )
    NAMES = (app_commands.TranslationContextLocation.command_name,)

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
        text = Translator(ours)(string.message)
        if text == string.message:
            return None
        if context.location in self.NAMES and isinstance(context.data, app_commands.Command):
            text = text.lower()
            return text if valid_name(text) else None
        return text


async def _from_message(interaction: discord.Interaction, message: discord.Message) -> None:
    """A message turned into a complaint: its text becomes what happened (Discord hands a
    context menu's target message with its content, without the message content intent)."""
    await handlers_of(interaction).on_action(interaction, "complaint.from_message", message.content)


def _command(name: str) -> app_commands.Command[Any, ..., None]:
    @app_commands.describe(text=words.TEXT_OPTION)
    async def run(
        interaction: discord.Interaction, text: app_commands.Range[str, 1, TEXT_MAX] | None = None
    ) -> None:
        await handlers_of(interaction).on_command(interaction, name, text or "")

    return app_commands.Command(
        name=app_commands.locale_str(words.COMMAND_NAMES[name]),
        description=words.COMMANDS[name],
        callback=run,
    )


class Handlers:
    """Interaction → core call → answer. No business rule lives here."""

    def __init__(self, core: CareBot, client: discord.Client, support_role: str | None) -> None:
        self.core = core
        self.settings = core.settings
        self.outbound = Outbound(core, client)
        self.places = Places(client, support_role)
        self.drafts = Drafts(core.clock.now)

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
        draft = self.drafts.open(form, actor, token=str(interaction.id))
        await interaction.response.send_modal(StepModal(draft, 0, interaction.id, self.on_step))

    async def on_form_button(self, interaction: discord.Interaction, token: str, step: int) -> None:
        draft = self.drafts.get(token, str(interaction.user.id))
        if draft is None or not 0 <= step < draft.steps:
            text = self._t(locale_of(interaction.locale))(words.FORM_EXPIRED)
            await interaction.response.send_message(text, ephemeral=True)
            return
        await interaction.response.send_modal(StepModal(draft, step, interaction.id, self.on_step))

    async def on_step(
        self, interaction: discord.Interaction, draft: Draft, step: int, modal: StepModal
    ) -> None:
        # A modal's own on_error would log the error's message: the boundary takes it here.
        try:
            await self._step(interaction, draft, step, modal)
        except Exception as error:
            await self.failed(interaction, error)

    async def _step(
        self, interaction: discord.Interaction, draft: Draft, step: int, modal: StepModal
    ) -> None:
        """A step submitted: keep its values; open the next step, or hand the whole form to
        the core (once, with the draft's delivery id) and show its errors or its reply."""
        draft.values.update(modal.values())
        draft.done.add(step)
        t = self._t(draft.actor.locale)
        message = interaction.message
        prompt = message is not None and message.flags.ephemeral
        answer = Answer(self.outbound, interaction, draft.actor, prompt=prompt)
        following = draft.next_step(step)
        if following is not None:
            await answer.say({**continue_message(draft, following, t), "files": []})
            return
        again = draft.submitted
        reply = await self.core.submit(
            draft.actor, draft.form.form_id, draft.values, draft.form.state, draft.delivery_id
        )
        if reply.errors is not None:
            await answer.say({**errors_message(draft, reply.errors.errors, t), "files": []})
            return
        draft.submitted = True
        self.drafts.close(draft)
        if again and not reply.posts:  # a second copy of a saved form: the core saved nothing
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
        for name in COMMANDS:
            self.tree.add_command(_command(name))
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
