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
from contextvars import ContextVar
from typing import Any

from pydantic import SecretStr
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

log = logging.getLogger(__name__)

RETRIES = 2
REQUEST_TIMEOUT = 10  # seconds; Slack answers in well under one, a hung request ends here
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
        "user_not_in_channel",  # an ephemeral note to someone who is not (or no longer) there
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


# The channel a paced post is going to, for the 429 handler below (it sees only the request).
_PACED: ContextVar[tuple[ChannelPacer, str] | None] = ContextVar("paced", default=None)


class RetryAfterHandler(AsyncRateLimitErrorRetryHandler):
    """A 429 is retried after the Retry-After that Slack asked for, plus a little jitter.

    slack_sdk's own handler adds up to a whole second, which delays a channel's last message
    by that much. Some jitter is still needed: posts paced to many channels go out in step,
    and retries all due at one instant would meet the same limit again. A paced post's 429
    holds its channel: the posts after it start after its retry, in order.
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
        wait = (int(value) if str(value).isdecimal() else 1) + random.uniform(0, JITTER)
        paced = _PACED.get()
        if paced is None:
            await asyncio.sleep(wait)
        else:
            pacer, channel = paced
            await pacer.rate_limited(channel, wait)
        state.increment_current_attempt()


def secret(value: SecretStr | None) -> str | None:
    """A token or secret from the settings, as Slack's clients take it."""
    return value.get_secret_value() if value is not None else None


def web_client(api_url: str, token: str | None = None) -> AsyncWebClient:
    client = AsyncWebClient(token=token, base_url=api_url, timeout=REQUEST_TIMEOUT)
    client.retry_handlers.extend(
        (
            RetryAfterHandler(max_retry_count=RETRIES),
            AsyncServerErrorRetryHandler(max_retry_count=RETRIES),
            AsyncConnectionErrorRetryHandler(max_retry_count=RETRIES),
        )
    )
    return client


class ChannelPacer:
    """Spaces the starts of posts to one channel by `interval` seconds (Slack's guidance: a
    message a second per channel, short bursts allowed); other channels are not held up.

    Requests are paced by when they start, not held while they run: a post that hangs costs
    its channel nothing but its own slot (and the client's timeout ends it). A 429 does hold
    the channel: Slack said to wait, so its retry and the posts after it start only then.
    """

    def __init__(
        self,
        interval: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = interval
        self.clock = clock
        self.sleep = sleep
        self._next: dict[str, float] = defaultdict(float)  # the channel's next free start
        self._held: dict[str, float] = defaultdict(float)  # until when a 429 holds it

    async def wait(self, channel: str) -> None:
        """Returns when a post to `channel` may start; slots are taken in call order."""
        while True:
            now = self.clock()
            start = max(now, self._next[channel], self._held[channel])
            if self.interval > 0 or start > now:
                self._next[channel] = start + self.interval
            if start > now:
                await self.sleep(start - now)
            if self._held[channel] <= self.clock():
                return
            # a 429 came in while this one waited: its turn comes after that retry

    async def rate_limited(self, channel: str, seconds: float) -> None:
        """A post to `channel` was answered 429: hold the channel `seconds`, then let the
        retry start first."""
        self._held[channel] = max(self._held[channel], self.clock() + seconds)
        # The retry takes the first slot after the hold; posts whose slots fell inside it
        # see the hold when they wake and queue again, behind the retry.
        self._next[channel] = self._held[channel]
        await self.wait(channel)

    @asynccontextmanager
    async def slot(self, channel: str) -> AsyncIterator[None]:
        """A start slot for one post to `channel`; a 429 inside it holds the channel."""
        await self.wait(channel)
        token = _PACED.set((self, channel))
        try:
            yield
        finally:
            _PACED.reset(token)


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
        # Only messages in a channel are paced: an ephemeral note to one person, or a
        # response_url answer, never waits behind a burst of cards.
        if channel and method == "chat.postMessage":
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
