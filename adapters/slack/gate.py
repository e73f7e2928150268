"""What every POST to /slack/events passes before Bolt sees it: size, signature, then shape.

Bolt checks signatures after it has parsed the body (a 50,000-deep JSON body overflowed the
stack before any check), answers 500 to a timestamp that is not a number, and logs a refused
request's whole body at INFO: a submission's body holds the customer's name and phone. So its
own check is off (`request_verification_enabled=False`, app.py) and this gate does it first,
with slack_sdk's SignatureVerifier, on the raw bytes: nothing unsigned is ever parsed or
logged. Each refusal is one short line naming the reason, never what was sent.
"""

from __future__ import annotations

import logging
import re
from itertools import accumulate
from urllib.parse import parse_qsl

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier

from adapters.slack.shapes import well_formed

log = logging.getLogger(__name__)

BODY_MAX = 1024 * 1024  # bytes; Slack's largest payloads (a full modal's state) are far below
DEPTH_MAX = 64  # nesting of JSON arrays and objects; Slack's payloads stay under 20
STALE_SECONDS = 300  # Slack's guidance: refuse a request signed more than 5 minutes ago
TIMESTAMP = re.compile(r"[0-9]{1,12}", re.ASCII)  # seconds since the epoch
SIGNATURE = re.compile(r"v0=[0-9a-f]{64}", re.ASCII)
# JSON strings (escapes included), then everything that is not a bracket: what stays is nesting.
_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class Refused(Exception):
    """A request Slack could not have sent; `reason` is a fixed word, never its content."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def too_deep(text: str, limit: int = DEPTH_MAX) -> bool:
    """True if the JSON in `text` nests arrays and objects deeper than `limit`, found without
    parsing it (json's decoder recurses once per level)."""
    if text.count("[") + text.count("{") <= limit:
        return False
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    return max(accumulate(_STEP[c] for c in brackets), default=0) > limit


def _json_texts(body: str, content_type: str) -> list[str]:
    """The JSON documents Bolt's parse_body would decode from `body`."""
    if content_type == "application/json" or body.startswith("{"):
        return [body]
    if "payload" in body:
        return [v for k, v in parse_qsl(body, keep_blank_values=True) if k == "payload"]
    return []


def _is_ssl_check(body: str) -> bool:
    """Slack's certificate probe: a small form with `ssl_check`; Bolt answers it, unsigned."""
    return len(body) < 1024 and "ssl_check" in dict(parse_qsl(body, keep_blank_values=True))


class Gate:
    def __init__(self, signing_secret: str | None) -> None:
        self.verifier = SignatureVerifier(signing_secret or "")
        self.secret = signing_secret

    async def body(self, request: web.Request) -> bytes:
        if request.content_length is not None and request.content_length > BODY_MAX:
            raise Refused(413, "too_large")
        try:
            raw = await request.read()
        except web.HTTPRequestEntityTooLarge:  # aiohttp's own limit, for a chunked body
            raise Refused(413, "too_large") from None
        if len(raw) > BODY_MAX:
            raise Refused(413, "too_large")
        return raw

    def verify(self, request: web.Request, raw: bytes) -> None:
        timestamp = request.headers.get("X-Slack-Request-Timestamp")
        signature = request.headers.get("X-Slack-Signature")
        if timestamp is None or signature is None:
            raise Refused(401, "unsigned")
        if not TIMESTAMP.fullmatch(timestamp):
            raise Refused(401, "bad_timestamp")
        if not SIGNATURE.fullmatch(signature):
            raise Refused(401, "bad_signature")
        if abs(self.verifier.clock.now() - int(timestamp)) > STALE_SECONDS:
            raise Refused(401, "stale_timestamp")
        if not self.secret or not self.verifier.is_valid(raw, timestamp, signature):
            raise Refused(401, "wrong_signature")

    @staticmethod
    def decode(raw: bytes, content_type: str) -> None:
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Refused(400, "not_utf8") from None
        try:
            if any(too_deep(text) for text in _json_texts(body, content_type)):
                raise Refused(400, "too_deep")
            payload = parse_body(body, content_type)
        except (ValueError, RecursionError):  # json's errors are ValueErrors
            raise Refused(400, "not_json") from None
        if not well_formed(payload):
            raise Refused(400, "malformed")

    async def check(self, request: web.Request) -> None:
        raw = await self.body(request)
        if not _is_ssl_check(raw.decode("utf-8", "replace")):
            self.verify(request, raw)
        self.decode(raw, request.content_type)


def gate(path: str, signing_secret: str | None) -> Middleware:
    """An aiohttp middleware: a POST to `path` is checked, refused with 413, 401 or 400 and one
    short log line, before Bolt parses it."""
    checks = Gate(signing_secret)

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method == "POST" and request.path == path:
            try:
                await checks.check(request)
            except Refused as refused:
                log.info(
                    "slack request refused: %s",
                    refused.reason,
                    extra={"status": refused.status, "bytes": request.content_length},
                )
                return web.Response(status=refused.status, text="refused")
        return await handler(request)

    return middleware
