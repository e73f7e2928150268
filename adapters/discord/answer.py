"""One interaction's answer: a Reply rendered where each post belongs.

Discord wants exactly one response per interaction, within 3 seconds; everything after it is
a followup. So the response is the first thing that can serve as one: a modal (the form), an
edit of the message the pressed button is on (an assessment question answered), or the first
message for the person alone. Failing those, the interaction is deferred before any other
post. Messages for the person alone are ephemeral and never go to the channel: that is where
personal data is shown.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord

from adapters.discord import render, words
from adapters.discord.outbound import DMS_CLOSED, Outbound, PostRefused
from bot.context import Actor
from bot.i18n import Translator
from bot.ui import Audience, Form, Post, Reply

OpenForm = Callable[[discord.Interaction, Form, Actor], Awaitable[None]]


class Answer:
    """`prompt`: the interaction's message is our own ephemeral step prompt (a multi-step
    form's "Continue"), which the first answer replaces rather than leaving it behind."""

    def __init__(
        self,
        outbound: Outbound,
        interaction: discord.Interaction,
        actor: Actor,
        prompt: bool = False,
    ) -> None:
        self.outbound = outbound
        self.interaction = interaction
        self.actor = actor
        self.prompt = prompt
        self.t = Translator(actor.locale or outbound.core.settings.default_locale)
        self._thinking = False
        self._said = False

    @property
    def responded(self) -> bool:
        return self.interaction.response.is_done()

    async def say(self, kwargs: dict[str, Any]) -> None:
        """A message only the person sees (files included: Discord allows them there)."""
        response = self.interaction.response
        try:
            if self._thinking and not self._said:  # the "thinking" note becomes the answer
                await self.interaction.edit_original_response(**render.for_edit(kwargs))
            elif self.responded:
                await self.interaction.followup.send(ephemeral=True, **render.for_send(kwargs))
            elif self.prompt:
                await response.edit_message(**render.for_edit(kwargs))
            else:
                await response.send_message(ephemeral=True, **render.for_send(kwargs))
        finally:
            render.release(kwargs.get("view"))
        self._said = True

    async def say_text(self, text: str) -> None:
        await self.say({"content": text, "embeds": [], "view": None, "files": []})

    async def defer(self) -> None:
        """Acknowledges before slower posts; a slash command shows "thinking" until finish()."""
        if self.responded:
            return
        if self.interaction.type is discord.InteractionType.application_command:
            await self.interaction.response.defer(ephemeral=True, thinking=True)
            self._thinking = True
        else:
            await self.interaction.response.defer()

    async def finish(self) -> None:
        """Nothing was said to the person: remove the "thinking" note; a spent prompt says
        "Done." and loses its button."""
        if self._said:
            return
        if self._thinking:
            await self.interaction.delete_original_response()
        elif self.prompt:
            done = self.t(words.DONE)
            await self.interaction.edit_original_response(content=done, embeds=[], view=None)

    def _own_message(self, post: Post) -> bool:
        """The post edits the message whose button was pressed: answer by editing it."""
        message = self.interaction.message
        return (
            message is not None
            and post.to is not Audience.ACTOR
            and post.posted is not None
            and not post.fresh
            and post.posted[1] == str(message.id)
        )

    async def render(self, reply: Reply, open_form: OpenForm) -> None:
        if reply.form is not None and not self.responded:
            await open_form(self.interaction, reply.form, self.actor)
        first: Post | None = None
        if not self.responded:
            first = next((p for p in reply.posts if self._own_message(p)), None)
            first = first or next((p for p in reply.posts if p.to is Audience.ACTOR), None)
        if first is not None and first.to is not Audience.ACTOR:
            kwargs = render.payload(first.message, self.actor.workspace_id)
            try:
                await self.interaction.response.edit_message(**render.for_edit(kwargs))
            finally:
                render.release(kwargs["view"])
        elif first is not None:
            await self.say(render.payload(first.message, self.actor.workspace_id))
        else:
            await self.defer()
        for post in reply.posts:
            if post is first or post.queued:
                continue  # a queued card: the outbox posts it, woken by the core
            if post.to is Audience.ACTOR:
                await self.say(render.payload(post.message, self.actor.workspace_id))
                continue
            try:
                await self.outbound.post(self.actor, post)
            except PostRefused as refused:
                await self.refused(refused)
        await self.finish()

    async def refused(self, refused: PostRefused) -> None:
        """Kept for the workspace's admins; closed DMs are the person's to open, so they are
        told how."""
        await self.outbound.core.record_failure(self.actor, refused.channel, refused.error)
        if refused.code == DMS_CLOSED:
            await self.say_text(self.t(words.DMS_CLOSED))
