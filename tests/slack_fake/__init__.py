"""A fake Slack Web API for tests: a real HTTP server that refuses what Slack refuses."""

from .blockkit import check_message_blocks, check_view
from .files import SharedFile
from .server import (
    APP_ID,
    BOT_ID,
    BOT_USER_ID,
    INSTALLED_TOKEN,
    TEAM_ID,
    CallRecord,
    FakeSlack,
    RateLimitServed,
)

__all__ = [
    "APP_ID",
    "BOT_ID",
    "BOT_USER_ID",
    "INSTALLED_TOKEN",
    "TEAM_ID",
    "CallRecord",
    "FakeSlack",
    "RateLimitServed",
    "SharedFile",
    "check_message_blocks",
    "check_view",
]
