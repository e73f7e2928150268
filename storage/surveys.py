"""The customer surveys' tables: a survey per complaint and kind, the contacts that opted out,
and the keys carebot generated for itself (survey links' signing key, the opt-out hash key)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class Survey(Base):
    """A survey the customer answers on carebot's page: after resolution, or one month on.

    planned → open (the link exists) → answered | expired; or cancelled (the complaint was
    reopened before it went out), or skipped (opted out, asked recently, erased). Scores stay
    when a customer is erased; the free text goes. `email_attempt` records the job's failed
    attempts when an email was handed to the mail server, so a crash in the middle is not
    taken for a failure and the email is never sent twice.
    """

    __tablename__ = "surveys"
    __table_args__ = (
        UniqueConstraint("complaint_id", "kind"),
        Index("ix_surveys_workspace_sent", "workspace_id", "sent_at"),
        Index("ix_surveys_workspace_answered", "workspace_id", "answered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))  # resolution|retention
    state: Mapped[str] = mapped_column(String(12), default="planned")
    skip_reason: Mapped[str | None] = mapped_column(String(16))  # opted_out|cooldown
    locale: Mapped[str] = mapped_column(String(8))
    due_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    # The answers. Resolution: a score 1–5. Retention: satisfied yes|no, bought again
    # yes|no|not_yet. Both: what could we have done better.
    score: Mapped[int | None] = mapped_column(Integer)
    satisfied: Mapped[str | None] = mapped_column(String(8))
    bought_again: Mapped[str | None] = mapped_column(String(8))
    better: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    emailed_at: Mapped[datetime | None]
    email_attempt: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]


class SurveyOptOut(Base):
    """A contact (email or phone) never to be surveyed again, kept as a keyed hash: the list
    outlives the customer's erasure without keeping their address."""

    __tablename__ = "survey_opt_outs"
    __table_args__ = (UniqueConstraint("workspace_id", "contact_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    contact_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]


class SecretKey(Base):
    """A key carebot generated once for itself (none configured): created by the first process
    that needs it, read by every other."""

    __tablename__ = "secret_keys"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]
