"""The Discord adapter's one error boundary: what a slash command, a button or a modal raises.

discord.py would log it with its message (which can quote a customer) and Discord would show
"This interaction failed". Instead it is logged by type and error id (bot.errors) and the
person is told, ephemerally and in their client's language, with that id.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from adapters.discord.actors import PLATFORM, locale_of
from bot.errors import unexpected
from bot.i18n import Translator

log = logging.getLogger(__name__)


async def failed(
    interaction: discord.Interaction[Any], error: Exception, default_locale: str
) -> None:
    """Logs `error` and tells the person: the interaction's response if it is still open,
    else a followup. If Discord will not take that either, that is logged by type only."""
    if isinstance(error, app_commands.CommandInvokeError):  # the command's own error, wrapped
        error = error.original
    t = Translator(locale_of(interaction.locale) or default_locale)
    kind = interaction.type.name
    _, text = unexpected(error, t, f"discord {kind}", logger=log, platform=PLATFORM, kind=kind)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException as again:
        log.warning("discord.error_not_told error=%s", type(again).__name__)
