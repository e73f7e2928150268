"""Typed ORM models, one table per domain noun: workspaces and members, the complaint log
(complaints, steps, follow-ups, the audit trail, retention checks), and the scheduler's and
the platforms' bookkeeping (jobs, deliveries, posted messages, refused posts, digest sends).
Other domains' tables are in sibling modules, imported at the bottom. Times are aware UTC;
money is in minor units."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base as Base
from storage.base import table_of as table_of


class Workspace(Base):
    """A Slack workspace, a Discord server or the local shell: where settings and numbers live."""

    __tablename__ = "workspaces"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    locale: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64))
    phone_region: Mapped[str] = mapped_column(String(2))
    currency: Mapped[str] = mapped_column(String(3))
    # Category codes offered in the complaint form; codes of the defaults are translated on display.
    categories: Mapped[list[str]] = mapped_column(JSON)
    complaints_channel: Mapped[str | None] = mapped_column(String(64))
    last_complaint_number: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    # The weekly digest: where, and when in the workspace's time zone (an APScheduler cron).
    digest_channel: Mapped[str | None] = mapped_column(String(64))
    digest_day: Mapped[str] = mapped_column(String(3), default="mon", server_default="mon")
    digest_time: Mapped[str] = mapped_column(String(5), default="09:00", server_default="09:00")
    # Escalation to managers: a channel for them (else DMs), and the two limits.
    managers_channel: Mapped[str | None] = mapped_column(String(64))
    escalate_after_hours: Mapped[int | None] = mapped_column(Integer)
    escalate_above_minor: Mapped[int | None] = mapped_column(BigInteger)
    # Customer surveys: the name customers know the business by (the survey page shows it),
    # hours from resolution to the resolution survey (None: off), and the one-month survey.
    business_name: Mapped[str | None] = mapped_column(String(100))
    survey_delay_hours: Mapped[int | None] = mapped_column(Integer, default=24, server_default="24")
    retention_survey: Mapped[bool] = mapped_column(default=True, server_default=text("true"))


class Member(Base):
    """A person in a workspace, with the role that decides what they may see and do."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("workspace_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), default="agent")
    # The least role the platform vouches for (Slack admin, Discord permissions), as last seen.
    platform_role: Mapped[str | None] = mapped_column(String(16))
    locale: Mapped[str | None] = mapped_column(String(8))  # their choice (/language)
    app_locale: Mapped[str | None] = mapped_column(String(8))  # their app's, as last seen
    created_at: Mapped[datetime]


class Complaint(Base):
    """One entry of the complaint log: the nine things the method asks to record."""

    __tablename__ = "complaints"
    __table_args__ = (
        UniqueConstraint("workspace_id", "number"),
        Index("ix_complaints_workspace_phone", "workspace_id", "customer_phone"),
        Index("ix_complaints_workspace_status", "workspace_id", "status"),
        # The digest's period queries: new and resolved complaints of one workspace.
        Index("ix_complaints_workspace_received", "workspace_id", "received_at"),
        Index("ix_complaints_workspace_resolved", "workspace_id", "resolved_at"),
        # Retention's daily look for personal data past its time: erased rows drop out of it.
        Index(
            "ix_complaints_workspace_resolved_not_erased",
            "workspace_id",
            "resolved_at",
            sqlite_where=text("erased_at IS NULL"),
            postgresql_where=text("erased_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open|waiting|resolved
    priority: Mapped[str] = mapped_column(String(8), default="normal")  # low|normal|high|urgent
    # 1. customer (personal data)
    customer_name: Mapped[str] = mapped_column(String(100))
    customer_address: Mapped[str | None] = mapped_column(String(300))
    customer_phone: Mapped[str | None] = mapped_column(String(32))  # E.164
    customer_email: Mapped[str | None] = mapped_column(String(254))
    # The language the customer is written to in (surveys); None: the workspace's.
    customer_language: Mapped[str | None] = mapped_column(String(8))
    # 2. who took it, and who works on it now
    received_by_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    # 3. when received, when resolved
    received_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    # 4. nature
    category: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text)
    # 5. solution agreed, and whether carried out on the spot or promised
    solution: Mapped[str | None] = mapped_column(Text)
    solution_mode: Mapped[str | None] = mapped_column(String(16))
    # 7. the follow-up that is due now (history in follow_ups)
    follow_up_at: Mapped[datetime | None]
    # 8. compensation: text plus an exact amount in the currency's minor units
    compensation_text: Mapped[str | None] = mapped_column(String(300))
    compensation_minor: Mapped[int | None] = mapped_column(BigInteger)
    compensation_currency: Mapped[str | None] = mapped_column(String(3))
    # 9. how to prevent it next time
    prevention: Mapped[str | None] = mapped_column(Text)
    # The four-step resolution guide, as the agent's checklist: step code -> done.
    checklist: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Set once when managers were told (open too long, or compensation above the limit).
    escalated_at: Mapped[datetime | None]
    # When the customer's name, address and phone were anonymised (on request, or by retention).
    erased_at: Mapped[datetime | None]

    received_by: Mapped[Member] = relationship(foreign_keys=[received_by_id], lazy="joined")
    assigned_to: Mapped[Member | None] = relationship(foreign_keys=[assigned_to_id], lazy="joined")
    # Its response and resolution deadlines (storage/sla.py); the card shows them.
    clock: Mapped[ComplaintClock | None] = relationship(
        lazy="joined", uselist=False, passive_deletes=True
    )


class ComplaintStep(Base):
    """6. A step being taken: what, by whom, when."""

    __tablename__ = "complaint_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaints.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    by_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    at: Mapped[datetime]

    by: Mapped[Member] = relationship(lazy="joined")


class FollowUp(Base):
    """7. A follow-up to make sure the customer is satisfied: due work, kept in the database."""

    __tablename__ = "follow_ups"
    __table_args__ = (Index("ix_follow_ups_state_due", "state", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaints.id", ondelete="CASCADE"), index=True
    )
    due_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16), default="scheduled")  # scheduled|done|cancelled
    outcome: Mapped[str | None] = mapped_column(String(16))  # satisfied|not_satisfied
    note: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime]
    reminded_at: Mapped[datetime | None]  # when the agent was reminded (once per due time)


class Delivery(Base):
    """A form submission already handled: a platform's retry or a double click finds it here."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime]


class PostedMessage(Base):
    """Where a message with a ref (a complaint's card) was posted, so it is edited in place."""

    __tablename__ = "posted_messages"
    __table_args__ = (UniqueConstraint("workspace_id", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    ref: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]


class DeliveryFailure(Base):
    """A post the platform refused for good (channel gone, bot removed): shown to admins."""

    __tablename__ = "delivery_failures"
    __table_args__ = (Index("ix_delivery_failures_workspace_at", "workspace_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    channel: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]


class AuditEvent(Base):
    """Every change (and every view of personal data): who, when, what."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_complaint_at", "complaint_id", "at"),
        # A person's recent searches, counted for the search limit.
        Index("ix_audit_events_actor_action_at", "actor_id", "action", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    complaint_id: Mapped[int | None] = mapped_column(
        ForeignKey("complaints.id", ondelete="CASCADE")
    )
    # None when no member acted: the CLI (the operator is named in `changes`), the scheduler.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    action: Mapped[str] = mapped_column(String(32))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime]

    actor: Mapped[Member | None] = relationship(lazy="joined")


class Job(Base):
    """Due work: the scheduler claims pending rows whose `due_at` has come.

    A claim moves `due_at` to the end of a lease instead of changing the state, so a process
    that dies mid-delivery leaves the job due again when the lease ends (at most one duplicate
    per crash), and one partial index on pending rows serves every claim. `key` makes planning
    idempotent: one reminder per follow-up, one check per complaint, one digest per period.
    """

    __tablename__ = "jobs"
    __table_args__ = (
        UniqueConstraint("workspace_id", "key"),
        Index(
            "ix_jobs_pending_due",
            "due_at",
            sqlite_where=text("state = 'pending'"),
            postgresql_where=text("state = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # follow_up|retention|escalation|digest
    key: Mapped[str] = mapped_column(String(120))
    subject_id: Mapped[int | None] = mapped_column(Integer)  # the row the work is about
    due_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(
        String(12), default="pending"
    )  # pending|done|failed|cancelled
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # failed deliveries so far
    claims: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]


class RetentionCheck(Base):
    """The call one month after a complaint is resolved: is the customer satisfied, did they
    buy again, what could we have done better (domain.md §2.4, retention)."""

    __tablename__ = "retention_checks"
    __table_args__ = (Index("ix_retention_checks_workspace_due", "workspace_id", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaints.id", ondelete="CASCADE"), unique=True
    )
    agent_id: Mapped[int] = mapped_column(ForeignKey("members.id"))  # who is asked to call
    due_at: Mapped[datetime]
    # scheduled|surveying (the customer was sent the survey)|prompted|done|missed|cancelled
    state: Mapped[str] = mapped_column(String(12), default="scheduled")
    nudges: Mapped[int] = mapped_column(Integer, default=0)
    satisfied: Mapped[str | None] = mapped_column(String(12))  # yes|no|unreachable
    bought_again: Mapped[str | None] = mapped_column(String(8))  # yes|no|unknown
    better: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    # Who gave the answers: the customer on the survey page, or the agent after a call.
    source: Mapped[str | None] = mapped_column(String(8))  # customer|agent
    created_at: Mapped[datetime]


class DigestSend(Base):
    """One weekly digest to one channel for one period: the unique key makes it exactly once."""

    __tablename__ = "digest_sends"
    __table_args__ = (UniqueConstraint("workspace_id", "channel", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(16))  # the ISO week reported, e.g. 2026-W48
    scheduled_for: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(12), default="pending")  # pending|sent|skipped
    late: Mapped[bool] = mapped_column(default=False)
    sent_at: Mapped[datetime | None]


# The tables of the customer surveys, the SLA, the drafts of forms filled in steps, the
# self-assessment, goals and the policy workbook live in their own modules and share this
# metadata: importing this module registers them all (Alembic and the tests read it).
from storage.assessment import Assessment as Assessment  # noqa: E402
from storage.assessment import AssessmentAnswer as AssessmentAnswer  # noqa: E402
from storage.drafts import FormDraft as FormDraft  # noqa: E402
from storage.goals import Goal as Goal  # noqa: E402
from storage.goals import MetricValue as MetricValue  # noqa: E402
from storage.policy import PolicyEntry as PolicyEntry  # noqa: E402
from storage.policy import PolicySection as PolicySection  # noqa: E402
from storage.policy import TrainingSession as TrainingSession  # noqa: E402
from storage.sla import BusinessHours as BusinessHours  # noqa: E402
from storage.sla import ComplaintClock as ComplaintClock  # noqa: E402
from storage.sla import SlaTarget as SlaTarget  # noqa: E402
from storage.surveys import SecretKey as SecretKey  # noqa: E402
from storage.surveys import Survey as Survey  # noqa: E402
from storage.surveys import SurveyOptOut as SurveyOptOut  # noqa: E402
