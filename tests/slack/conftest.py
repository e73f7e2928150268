"""Fixtures for the Slack adapter: a fake Web API and the real app behind signed HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.clock import ManualClock
from bot.settings import Settings
from storage.db import Database
from tests.slack.harness import SlackClientSide, slack_app
from tests.slack_fake import FakeSlack


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        fake.add_user("U1", name="asha", is_admin=True)  # a workspace admin: carebot's admin
        fake.add_user("U2", name="bob")
        yield fake


@pytest.fixture
async def user_side(
    db: Database, settings: Settings, clock: ManualClock, slack: FakeSlack
) -> AsyncIterator[SlackClientSide]:
    async with slack_app(db, settings, clock, slack) as side:
        yield side
