"""Forms being filled step by step (a chain of Discord modals): what was typed so far, kept
until the form is submitted or its draft expires, so a restart loses nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class FormDraft(Base):
    """One form one person is filling: the form as it was opened (already translated), who
    opened it and where, the values typed so far and the steps submitted.

    The values may hold a customer's personal data: a draft lives until `expires_at` (the
    scheduler deletes it then) and its values are emptied once the form was submitted.
    `token` is the opening interaction's id: the form's delivery id is derived from it.
    """

    __tablename__ = "form_drafts"
    __table_args__ = (
        UniqueConstraint("workspace_id", "token"),
        Index("ix_form_drafts_token", "token"),
        Index("ix_form_drafts_workspace_expires", "workspace_id", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(String(64))
    actor: Mapped[dict[str, Any]] = mapped_column(JSON)
    form: Mapped[dict[str, Any]] = mapped_column(JSON)
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    done: Mapped[list[int]] = mapped_column(JSON)
    submitted: Mapped[bool] = mapped_column(default=False)
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime]
