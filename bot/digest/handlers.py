"""`/digest channel | schedule | preview`: where and when the weekly digest goes, and a look."""

from __future__ import annotations

import re

from bot.complaints.service import audit
from bot.context import Context
from bot.digest import content, schedule, views
from bot.errors import UserError
from bot.goals.periods import week_before
from bot.i18n import N_
from bot.locks import lock_workspace
from bot.permissions import MANAGERS
from bot.tree import Arg, ArgKind, Command, Router
from bot.ui import Reply

router = Router("digest.handlers")

# Slack's and Discord's channel mentions, <#C123|name> and <#123>: the id is what we keep.
_MENTION = re.compile(r"^<#([A-Za-z0-9]{1,60})(?:\|[^>]*)?>$")
_NAME = re.compile(r"^#[^\s#<>|@]{1,63}$")
CHANNEL_USAGE = N_("Use /digest channel here, /digest channel #name, or /digest channel off.")


def channel_shown(channel: str) -> str:
    return channel if channel.startswith("#") else f"<#{channel}>"


def when_shown(ctx: Context) -> str:
    day = ctx.t(schedule.DAY_LABELS[ctx.workspace.digest_day])
    return ctx.t("{day} at {time} ({zone})").format(
        day=day, time=ctx.workspace.digest_time, zone=ctx.workspace.timezone
    )


def _channel(ctx: Context, where: str) -> str | None:
    if where.lower() == "off":
        return None
    if where.lower() == "here":
        if ctx.actor.is_dm or not ctx.actor.channel_id:
            raise UserError(N_("Type this in the channel that should receive the digest."))
        return ctx.actor.channel_id
    mention = _MENTION.match(where)
    if mention:
        return mention.group(1)
    if _NAME.match(where):
        return where
    raise UserError(CHANNEL_USAGE)


async def channel_command(ctx: Context, rest: str) -> Reply:
    where = rest.strip()
    t = ctx.t
    if not where:
        if not ctx.workspace.digest_channel:
            return Reply.text(t("The weekly digest is off. Turn it on with /digest channel here."))
        return Reply.text(
            t("The weekly digest goes to {channel}, {when}.").format(
                channel=channel_shown(ctx.workspace.digest_channel), when=when_shown(ctx)
            )
        )
    channel = _channel(ctx, where)
    await lock_workspace(ctx)
    if ctx.workspace.digest_channel != channel:  # audited when it changes
        ctx.workspace.digest_channel = channel
        audit(ctx, "digest_channel", None, channel=channel)
    job = await schedule.replan(ctx.session, ctx.workspace, ctx.now())
    if job is None or channel is None:
        return Reply.text(t("The weekly digest is off."))
    return Reply.text(
        t("The weekly digest will go to {channel}, {when}. The next one: {next}.").format(
            channel=channel_shown(channel), when=when_shown(ctx), next=t.datetime(job.due_at)
        )
    )


async def schedule_command(ctx: Context, rest: str) -> Reply:
    t = ctx.t
    if rest:
        day, at = schedule.parse_schedule(rest)
        await lock_workspace(ctx)
        if (ctx.workspace.digest_day, ctx.workspace.digest_time) != (day, at):
            ctx.workspace.digest_day, ctx.workspace.digest_time = day, at
            audit(ctx, "digest_schedule", None, day=day, time=at)
        job = await schedule.replan(ctx.session, ctx.workspace, ctx.now())
        if job is not None:
            return Reply.text(
                t("The weekly digest goes {when}. The next one: {next}.").format(
                    when=when_shown(ctx), next=t.datetime(job.due_at)
                )
            )
        return Reply.text(
            t("The weekly digest will go {when} once a channel is set.").format(
                when=when_shown(ctx)
            )
        )
    return Reply.text(t("The weekly digest goes {when}.").format(when=when_shown(ctx)))


async def preview(ctx: Context, _rest: str = "") -> Reply:
    """Last week's digest as it would be sent now, only to the person who asked."""
    week = week_before(ctx.now(), ctx.zone)
    digest = await content.compute(ctx.session, ctx.workspace, week, ctx.now())
    return Reply.say(views.render(digest, ctx.t, currency=ctx.workspace.currency))


router.add(
    Command(
        "digest",
        N_("The weekly digest: where and when it goes"),
        title=N_("The weekly digest"),
        subcommands=(
            Command(
                "channel",
                N_("where the weekly digest goes"),
                channel_command,
                (
                    Arg(
                        "where",
                        ArgKind.CHANNEL,
                        N_("here, #channel or off"),
                        placeholder="here|#name|off",
                    ),
                ),
                change=MANAGERS,
            ),
            Command(
                "schedule",
                N_("when it goes, e.g. mon 09:00"),
                schedule_command,
                (
                    Arg(
                        "when",
                        ArgKind.TEXT,
                        N_("A day and a time, e.g. mon 09:00"),
                        placeholder="DAY HH:MM",
                    ),
                ),
                change=MANAGERS,
            ),
            Command("preview", N_("last week's digest, shown only to you"), preview),
        ),
    )
)
