"""The core's one door: adapters hand it events and render the Reply it gives back.

Each event runs in one database transaction: it commits whole, or nothing of it is saved.
Before its handler runs, the event is checked against the permission table (bot/permissions.py).
Typed errors become a translated sentence; anything unexpected is logged with an id that
the person is shown, and no traceback reaches them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import timedelta
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

import bot.drafts
import bot.home
import bot.outbox
from bot import permissions
from bot.charts import with_charts
from bot.clock import Clock, SystemClock
from bot.complaints import recent
from bot.context import Actor, Context, Role
from bot.drafts import Draft
from bot.errors import InvalidForm, UserError, logged, unexpected
from bot.help import everything, group_help, unknown
from bot.i18n import N_, Translator, resolve_locale
from bot.members import find_workspace_and_member, workspace_and_member, workspace_for
from bot.metrics import ERROR, METRICS, OK, REFUSED, Metrics
from bot.routes import root
from bot.settings import Settings
from bot.tree import Router, Step, resolve
from bot.ui import Audience, Form, Reply
from storage.db import Database
from storage.models import Delivery, Member, PostedMessage

log = logging.getLogger(__name__)

UNKNOWN = N_("I don't know that. Type /help to see what I can do.")
FAILED = N_("Something went wrong on our side; nothing was saved. Error id: {error_id}")

Handle = Callable[[Context], Awaitable[Reply]]
T = TypeVar("T")


class DraftFailed(UserError):
    """A draft could not be read or saved: the sentence names the logged error's id."""

    def __init__(self, error_id: str) -> None:
        super().__init__(FAILED, error_id=error_id)


async def first_delivery(ctx: Context, key: str) -> bool:
    """Claims a submission's key in the event's transaction; False if it was handled before.

    The unique key makes a concurrent duplicate wait for the first and then insert nothing,
    so the two can never both save; one statement, no savepoint (this is on every submission).
    """
    dialect = ctx.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    claimed = await ctx.session.scalar(
        insert(Delivery)
        .values(workspace_id=ctx.workspace.id, key=key, at=ctx.now())
        .on_conflict_do_nothing(index_elements=["workspace_id", "key"])
        .returning(Delivery.id)
    )
    return claimed is not None


async def with_posted(ctx: Context, reply: Reply) -> Reply:
    """Channel posts with a ref learn where they stand already, in the event's transaction."""
    refs = [
        p.message.ref
        for p in reply.posts
        if p.message.ref and p.to is not Audience.ACTOR and not p.fresh
    ]
    if not refs:
        return reply
    found = {
        row.ref: (row.channel, row.message_id)
        for row in await ctx.session.scalars(
            select(PostedMessage).where(
                PostedMessage.workspace_id == ctx.workspace.id, PostedMessage.ref.in_(refs)
            )
        )
        if bot.outbox.standing(row.message_id)  # not a card still waiting in the outbox
    }
    posts = tuple(
        replace(p, posted=found.get(p.message.ref))
        if p.message.ref and p.to is not Audience.ACTOR and not p.fresh
        else p
        for p in reply.posts
    )
    return replace(reply, posts=posts)


async def _recorded(ctx: Context, channel: str | None, error: str) -> Reply:
    await bot.home.record_failure(ctx, channel=channel, error=error)
    return Reply()


class CareBot:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        clock: Clock | None = None,
        metrics: Metrics | None = None,
        routes: Router | None = None,
    ) -> None:
        self.db = db
        self.routes = routes or root()
        self.settings = settings
        self.clock = clock or SystemClock()
        self.metrics = metrics or METRICS
        # Set by whoever runs the scheduler in this process: asks it to deliver the outbox now.
        self.wake: Callable[[], None] = lambda: None

    async def command(self, actor: Actor, name: str, text: str = "") -> Reply:
        key = name.lstrip("/").lower()
        top = self.routes.commands.get(key)
        if top is None:
            return await self._event("command", "unknown", actor, None)
        text = text.replace("\x00", "").strip()  # PostgreSQL's text cannot hold a NUL
        found = resolve(top, text)
        demand = permissions.Demand("command", found.entry, found.rule or permissions.EVERYONE)

        async def handle(ctx: Context) -> Reply:
            await permissions.check(ctx, demand)
            if found.step is Step.HELP and not found.command.subcommands:
                return Reply.say(everything(ctx, self.routes.commands))
            if found.step is Step.HELP:
                return Reply.say(group_help(ctx, found.path))
            if found.step is Step.UNKNOWN or found.command.run is None:
                raise unknown(found.path, found.rest)
            return await found.command.run(ctx, found.rest)

        return await self._event("command", found.words, actor, handle)

    async def action(
        self, actor: Actor, action: str, value: str = "", delivery_id: str | None = None
    ) -> Reply:
        """A button press. `delivery_id` (the platform's id of this click) makes a redelivery
        of the same click change and answer nothing."""
        handler = self.routes.find_action(action)
        if handler is None:
            return await self._event("action", "unknown", actor, None)
        name = action.split(":", 1)[0]  # what follows the ':' names a record, not the action
        demand = permissions.for_action(action, value)

        async def handle(ctx: Context) -> Reply:
            await permissions.check(ctx, demand)
            key = f"action:{actor.user_id}:{delivery_id}"[:200]
            if delivery_id and not await first_delivery(ctx, key):
                return Reply()  # this very click was handled already
            return await handler(ctx, action, value)

        return await self._event("action", name, actor, handle)

    async def submit(
        self,
        actor: Actor,
        form_id: str,
        values: Mapping[str, str | None],
        state: Mapping[str, str] | None = None,
        delivery_id: str | None = None,
    ) -> Reply:
        """A filled form. `delivery_id` identifies the submission so a retry saves nothing twice."""
        handler = self.routes.forms.get(form_id)
        if handler is None:
            return await self._event("submit", "unknown", actor, None)

        demand = permissions.for_form(form_id, state or {})

        async def handle(ctx: Context) -> Reply:
            # Permission first: a refused submission leaves no delivery key behind either.
            await permissions.check(ctx, demand)
            if delivery_id and not await first_delivery(ctx, delivery_id):
                return Reply()  # handled already: a retry or a double click changes nothing
            return await handler(ctx, values, state or {}, delivery_id)

        return await self._event("submit", form_id, actor, handle)

    async def record_failure(self, actor: Actor, channel: str | None, error: str) -> None:
        """A post the platform refused for good, kept for the workspace's admins."""
        await self._run(actor, lambda ctx: _recorded(ctx, channel, error), "failure", "record")

    async def remember_post(self, actor: Actor, ref: str, channel: str, message_id: str) -> None:
        # One upsert: two events posting the same message at once (a click right after the
        # post) both succeed, and the last one is where it is edited from then on.
        async with self.db.transaction() as session:
            workspace = await workspace_for(session, actor, self.settings, self.clock)
            dialect = session.get_bind().dialect.name
            insert = pg_insert if dialect == "postgresql" else sqlite_insert
            row = insert(PostedMessage).values(
                workspace_id=workspace.id,
                ref=ref,
                channel=channel,
                message_id=message_id,
                at=self.clock.now(),
            )
            await session.execute(
                row.on_conflict_do_update(
                    index_elements=["workspace_id", "ref"],
                    set_={"channel": channel, "message_id": message_id, "at": self.clock.now()},
                )
            )

    # --- drafts: forms an adapter shows in steps (bot/drafts.py) ---------------------------------

    async def open_draft(self, actor: Actor, form: Form, token: str) -> Draft:
        """A draft of `form` under `token` (the opening interaction's id), kept in the database
        for FORM_DRAFT_MINUTES."""
        ttl = timedelta(minutes=self.settings.form_draft_minutes)

        async def opened(session: AsyncSession) -> Draft:
            workspace, member = await workspace_and_member(
                session, actor, self.settings, self.clock
            )
            now = self.clock.now()
            return await bot.drafts.open_draft(
                session, workspace, member, actor, form, token, now, ttl
            )

        return await self._draft_call(actor.platform, "open", opened)

    async def draft(self, platform: str, user_id: str, token: str) -> Draft | None:
        """The person's draft under `token`; None if it expired or is not theirs."""
        now = self.clock.now()
        return await self._draft_call(
            platform, "find", lambda s: bot.drafts.find(s, platform, user_id, token, now)
        )

    async def save_step(
        self,
        platform: str,
        user_id: str,
        token: str,
        step: int,
        values: Mapping[str, str | None],
    ) -> Draft | None:
        """A step's values kept, the step marked done; None if the draft is gone."""
        now = self.clock.now()
        return await self._draft_call(
            platform,
            "save",
            lambda s: bot.drafts.save_step(s, platform, user_id, token, step, values, now),
        )

    async def close_draft(self, platform: str, user_id: str, token: str) -> None:
        """The form was submitted: what was typed is forgotten."""
        now = self.clock.now()
        await self._draft_call(
            platform, "close", lambda s: bot.drafts.close(s, platform, user_id, token, now)
        )

    async def _draft_call(
        self, platform: str, name: str, call: Callable[[AsyncSession], Awaitable[T]]
    ) -> T:
        """One transaction; a failure is logged by its type and id only (a draft holds what
        was typed) and raised as DraftFailed, whose sentence gives the id."""
        try:
            async with self.db.transaction() as session:
                return await call(session)
        except Exception as exc:
            error_id = logged(
                exc,
                f"draft {name} from {platform}",
                logger=log,
                event=name,
                kind="draft",
                platform=platform,
            )
            raise DraftFailed(error_id) from None

    async def translator(self, actor: Actor) -> Translator:
        """The language and time zone `actor`'s next reply speaks: an adapter's own words
        (a terminal's prompts) follow it, /language included."""
        # Read only: a person the bot has not heard from yet is not registered by looking.
        async with self.db.transaction() as session:
            workspace, member = await find_workspace_and_member(session, actor)
            locale = resolve_locale(
                member.locale if member else None,
                actor.locale,
                workspace.locale if workspace else self.settings.default_locale,
            )
            zone = workspace.timezone if workspace else self.settings.default_timezone
        return Translator(locale, zone)

    async def recent_complaints(
        self, actor: Actor, typed: str = "", limit: int = 25
    ) -> list[tuple[int, str]]:
        """Complaint numbers to offer while `actor` types one (Discord's autocomplete), the
        newest first, each with a label free of personal data (bot.complaints.recent). Only
        for whoever may show a complaint. Read only: someone carebot has not met yet is not
        registered by typing; they are taken as the role their platform vouches for."""
        top = self.routes.commands.get("complaint")
        if top is None:
            return []
        found = resolve(top, "show")
        demand = permissions.Demand("command", found.entry, found.rule or permissions.EVERYONE)
        async with self.db.transaction() as session:
            workspace, member = await find_workspace_and_member(session, actor)
            if workspace is None:
                return []
            if member is None:  # never added to the session: nothing is saved
                role = actor.platform_role or Role.AGENT
                member = Member(
                    workspace_id=workspace.id, external_id=actor.user_id, role=role.value
                )
            ctx = Context.of(session, self.clock, workspace, member, actor)
            if not await permissions.allowed(ctx, demand):
                return []
            return await recent.recent(ctx, typed, limit)

    async def context(self, session: AsyncSession, actor: Actor) -> Context:
        workspace, member = await workspace_and_member(session, actor, self.settings, self.clock)
        return Context.of(
            session, self.clock, workspace, member, actor, self.settings.retention_delay_months
        )

    async def _event(self, kind: str, name: str, actor: Actor, handle: Handle | None) -> Reply:
        """Every event, timed, counted by outcome and logged once (its name, never its data)."""
        started = time.perf_counter()
        if handle is None:
            reply, outcome = Reply.text(self._t(actor)(UNKNOWN)), REFUSED
        else:
            reply, outcome = await self._run(actor, handle, kind, name)
        seconds = time.perf_counter() - started
        # Charts are drawn once the transaction has ended and the event is timed: a second in
        # a child process, while other events go on.
        reply = await with_charts(reply)
        self.metrics.event(kind, outcome, seconds)
        log.info(
            "event %s %s: %s",
            kind,
            name,
            outcome,
            extra={
                "event": name,
                "kind": kind,
                "platform": actor.platform,
                "outcome": outcome,
                "duration": round(seconds, 6),
            },
        )
        return reply

    def _t(self, actor: Actor) -> Translator:
        return Translator(actor.locale or self.settings.default_locale)

    async def _run(self, actor: Actor, handle: Handle, kind: str, name: str) -> tuple[Reply, str]:
        """One event in one transaction: its reply, and whether it was ok, refused or an error."""
        t = self._t(actor)
        try:
            async with self.db.transaction() as session:
                ctx = await self.context(session, actor)
                t = ctx.t
                # The cards go to the outbox, saved with the change or not at all.
                reply, queued = await bot.outbox.record(ctx, await handle(ctx))
                reply = await with_posted(ctx, reply)
            if queued:
                self.wake()  # committed: the scheduler may post them now
            return reply, OK
        except InvalidForm as refused:
            return Reply(errors=refused.errors), REFUSED
        except UserError as error:
            return Reply.text(error.message(t)), REFUSED
        except Exception as exc:
            _, message = unexpected(
                exc,
                t,
                f"{kind} {name} from {actor.platform}",
                logger=log,
                event=name,
                kind=kind,
                platform=actor.platform,
            )
            return Reply.text(message), ERROR
