"""Every call to Slack's Web API goes through here.

slack_sdk's retry handlers take care of 429 (honouring Retry-After), 5xx and dropped
connections with a bounded number of retries; bursts to one channel are paced to Slack's
one-message-a-second guidance, a 429's retry included; permanent errors are not retried but
recorded for admins.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryState
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

log = logging.getLogger(__name__)

RETRIES = 2
JITTER = 0.25  # seconds at most, added to a 429's Retry-After
# Errors that will not go away by trying again: the post is dropped and recorded.
PERMANENT = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "account_inactive",
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "missing_scope",
        "user_not_found",
        "restricted_action",
        "msg_too_long",
        "invalid_blocks",
        "invalid_arguments",
        "message_not_found",
        "cant_update_message",
        # file uploads: the workspace's policy or plan, or a channel the bot may not share to
        "file_uploads_disabled",
        "file_uploads_except_images_disabled",
        "file_upload_size_restricted",
        "storage_limit_reached",
        "posting_to_channel_denied",
        "invalid_channel",
    }
)


class RetryAfterHandler(AsyncRateLimitErrorRetryHandler):
    """A 429 is retried after the Retry-After that Slack asked for, plus a little jitter.

    slack_sdk's own handler adds up to a whole second, which delays a channel's last message
    by that much. Some jitter is still needed: posts paced to many channels go out in step,
    and retries all due at one instant would meet the same limit again.
    """

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        if response is None:
            assert error is not None
            raise error
        headers = {k.lower(): v for k, v in response.headers.items()}
        value = (headers.get("retry-after") or ["1"])[0]
        state.next_attempt_requested = True
        wait = int(value) if str(value).isdecimal() else 1
        await asyncio.sleep(wait + random.uniform(0, JITTER))
        state.increment_current_attempt()


def web_client(api_url: str, token: str | None = None) -> AsyncWebClient:
    client = AsyncWebClient(token=token, base_url=api_url)
    client.retry_handlers.extend(
        (
            RetryAfterHandler(max_retry_count=RETRIES),
            AsyncServerErrorRetryHandler(max_retry_count=RETRIES),
            AsyncConnectionErrorRetryHandler(max_retry_count=RETRIES),
        )
    )
    return client


class ChannelPacer:
    """Spaces posts to one channel by `interval` seconds; other channels are not held up."""

    def __init__(
        self,
        interval: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = interval
        self.clock = clock
        self.sleep = sleep
        self._next: dict[str, float] = defaultdict(float)
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def wait(self, channel: str) -> None:
        async with self.slot(channel):
            pass

    @asynccontextmanager
    async def slot(self, channel: str) -> AsyncIterator[None]:
        """The channel's next slot, held while the post is under way.

        Holding it keeps a channel's posts in order: a post that Slack answered 429 holds the
        channel while it waits for Retry-After, so nothing overtakes its retry. The slots after
        it stay where they were (Slack allows short bursts), so a 429 costs its channel no slot
        but the one wait.
        """
        if self.interval <= 0:
            yield
            return
        async with self._locks[channel]:
            delay = self._next[channel] - self.clock()
            if delay > 0:
                await self.sleep(delay)
            self._next[channel] = max(self.clock(), self._next[channel]) + self.interval
            yield


Failure = Callable[[str | None, str], Awaitable[None]]


class Sender:
    """Posts through one request's client; permanent failures go to `on_failure`."""

    def __init__(self, client: AsyncWebClient, pacer: ChannelPacer, on_failure: Failure) -> None:
        self.client = client
        self.pacer = pacer
        self.on_failure = on_failure

    async def call(self, method: str, channel: str | None, /, **args: Any) -> dict[str, Any] | None:
        """The API's answer, or None when Slack refused for good (recorded, not raised).

        `channel` is where the call lands, for pacing and for the failure record."""
        if channel and method in ("chat.postMessage", "chat.postEphemeral"):
            async with self.pacer.slot(channel):
                return await self._guarded(method, channel, self.client.api_call(method, json=args))
        return await self._guarded(method, channel, self.client.api_call(method, json=args))

    async def upload(
        self, channel: str, *, content: bytes, filename: str, title: str
    ) -> dict[str, Any] | None:
        """Shares a file in `channel` (a channel or DM id, not a user id): slack_sdk runs the three
        steps (get an upload URL, POST the bytes, complete). Paced like a post, since sharing
        shows as a message; None when refused for good, as for `call`."""
        async with self.pacer.slot(channel):
            upload = self.client.files_upload_v2(
                channel=channel, content=content, filename=filename, title=title
            )
            return await self._guarded("files.upload", channel, upload)

    async def _guarded(
        self, method: str, channel: str | None, request: Awaitable[AsyncSlackResponse]
    ) -> dict[str, Any] | None:
        try:
            response = await request
        except SlackApiError as exc:
            error = str(exc.response.get("error", "unknown_error"))
            if error not in PERMANENT:
                raise
            log.warning("slack refused %s for channel %s: %s", method, channel, error)
            await self.on_failure(channel, error)
            return None
        return dict(response.data) if isinstance(response.data, dict) else {}
