"""What became of the jobs of a tick, and the backoff of a deferred one."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from storage.failures import record_delivery_failure

BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)


class Outcome(StrEnum):
    SENT = "sent"  # every message accepted; the job ended or was re-armed
    EMPTY = "empty"  # nothing left to say: the job ended without a message
    RETRIED = "retried"  # deferred: due again after a backoff
    FAILED = "failed"  # given up: refused, unknown kind, or out of attempts
    SKIPPED = "skipped"  # left as it was: no longer ours, or no deliverer for its platform


@dataclass
class TickReport:
    claimed: int = 0
    sent: int = 0
    empty: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    # Platforms with no deliverer, and how many of their jobs were left pending.
    undeliverable: Counter[str] = field(default_factory=Counter)

    def add(self, outcome: Outcome) -> None:
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)

    def __str__(self) -> str:
        line = (
            f"claimed {self.claimed}, sent {self.sent}, nothing to send {self.empty}, "
            f"retried {self.retried}, failed {self.failed}, skipped {self.skipped}"
        )
        for platform, count in sorted(self.undeliverable.items()):
            line += f"\nno deliverer for {platform}: {count} jobs left pending"
        return line


def backoff(attempts: int, retry_after: timedelta | None = None) -> timedelta:
    """30 s after the first failure, doubling, at most an hour; longer if the platform asks."""
    delay = min(BACKOFF_FIRST * (1 << min(attempts - 1, 16)), BACKOFF_CAP)
    return max(delay, retry_after) if retry_after is not None else delay


async def record_failure(
    session: AsyncSession, workspace_id: int, channel: str | None, error: str, at: datetime
) -> None:
    """A job's refusal, kept for admins as a person's refused reply is (bot.home)."""
    await record_delivery_failure(session, workspace_id, channel, error, at)
