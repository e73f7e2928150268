"""The outbox: the cards an event must post are recorded in its transaction, and posted by the
scheduler like any due work (retried with its backoff, shown to admins when given up).

An event that changes a complaint plans one job per card, keyed by the card's ref and due at
once; the adapter then wakes the scheduler, so the card goes out within moments of the ack.
The job renders the card from the database as it is when delivered, so changes made while a
post was failing are folded into one post, and a stale card is healed by the next change.

Where a card stands is `PostedMessage`: its channel is fixed when the card is first planned,
and its message id is PLANNED until a post is attempted, ATTEMPTED while the outcome of that
post is unknown (a 500 after it landed, a timeout, a crash), then the platform's id. Before
posting anew after an ATTEMPTED one, the deliverer looks for the card it may have posted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.complaints import views
from bot.context import Context
from bot.scheduled import JobContext, Outgoing, actor_for, plan
from bot.tree import Router
from bot.ui import Audience, Message, Post, Reply
from storage.models import Complaint, Member, PostedMessage

router = Router("outbox")

CARD = "card"
KINDS = (CARD,)  # the job kinds the adapters' wake-up delivers at once
PLANNED, ATTEMPTED = "", "?"  # PostedMessage.message_id before the platform's id is known


def standing(message_id: str) -> bool:
    """A card the platform has given an id: it is edited where it stands."""
    return message_id not in (PLANNED, ATTEMPTED)


@dataclass(frozen=True)
class Card:
    message: Message
    owner: Member  # whose DM receives it when it has no channel


Render = Callable[[JobContext, str], Awaitable[Card | None]]
CARDS: dict[str, Render] = {}  # by the ref's prefix ("complaint" for "complaint:12")


def card(prefix: str) -> Callable[[Render], Render]:
    def register(render: Render) -> Render:
        CARDS[prefix] = render
        return render

    return register


def _is_card(post: Post) -> bool:
    ref = post.message.ref
    return post.to is Audience.CHANNEL and ref is not None and ref.split(":", 1)[0] in CARDS


async def record(ctx: Context, reply: Reply) -> tuple[Reply, bool]:
    """Plans the reply's cards in the event's transaction and marks them queued (the adapters
    leave them to the outbox); True if any was planned."""
    cards = [post for post in reply.posts if _is_card(post)]
    if not cards:
        return reply, False
    insert = pg_insert if ctx.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    now = ctx.now()
    for post in cards:
        ref = post.message.ref
        assert ref is not None
        where = insert(PostedMessage).values(
            workspace_id=ctx.workspace.id,
            ref=ref,
            channel=post.channel or ctx.actor.channel_id or "",
            message_id=PLANNED,
            at=now,
        )
        index = ["workspace_id", "ref"]
        if post.fresh:  # post anew; the new card is edited from then on
            fields = {"channel": where.excluded.channel, "message_id": PLANNED, "at": now}
            upsert = where.on_conflict_do_update(index_elements=index, set_=fields)
            await ctx.session.execute(upsert)
        else:  # a card keeps the channel it was first planned for
            await ctx.session.execute(where.on_conflict_do_nothing(index_elements=index))
        await plan(
            ctx.session,
            workspace_id=ctx.workspace.id,
            kind=CARD,
            key=f"{CARD}:{ref}",
            due_at=now,
            now=now,
        )
    posts = tuple(replace(p, queued=True) if _is_card(p) else p for p in reply.posts)
    return replace(reply, posts=posts), True


@router.job(CARD)
class CardPost:
    """Posts or edits one card, as the database says it is now."""

    async def prepare(self, job: JobContext) -> tuple[Outgoing, ...]:
        ref = job.job.key.removeprefix(f"{CARD}:")
        render = CARDS.get(ref.split(":", 1)[0])
        row = await job.session.scalar(
            select(PostedMessage).where(
                PostedMessage.workspace_id == job.workspace.id, PostedMessage.ref == ref
            )
        )
        found = await render(job, ref) if render is not None and row is not None else None
        if row is None or found is None:
            return ()  # never planned here, or its subject is gone: nothing to post
        actor = actor_for(job.workspace, found.owner)
        channel = row.channel or None
        if standing(row.message_id):
            posted = (row.channel, row.message_id)
            post = Post(found.message, Audience.CHANNEL, channel, posted=posted)
        else:
            # Marked before the attempt, in its own committed transaction: whatever becomes of
            # the post (a crash, a 500 after it landed), the next attempt knows to look first.
            recover = row.message_id == ATTEMPTED
            if not recover:
                await job.session.execute(
                    update(PostedMessage)
                    .where(PostedMessage.id == row.id, PostedMessage.message_id == PLANNED)
                    .values(message_id=ATTEMPTED)
                )
            post = Post(found.message, Audience.CHANNEL, channel, recover=recover)
        return (Outgoing(actor, Reply(posts=(post,))),)

    async def finish(self, job: JobContext) -> datetime | None:
        return None  # the deliverer remembered where the card stands


@card("complaint")
async def complaint_card(job: JobContext, ref: str) -> Card | None:
    number = ref.split(":", 1)[1]
    if not number.isdigit():
        return None
    complaint = await job.session.scalar(
        select(Complaint).where(
            Complaint.workspace_id == job.workspace.id, Complaint.number == int(number)
        )
    )
    if complaint is None:
        return None
    ctx = replace(job.context_for(complaint.received_by), t=job.workspace_translator())
    return Card(views.card(ctx, complaint), complaint.received_by)
