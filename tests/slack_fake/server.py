"""A local HTTP server that plays the Slack Web API for tests.

The Slack adapter's real `AsyncWebClient` talks to it over real HTTP (point `base_url` at
`slack.base_url`), so encoding, auth headers, retries and error handling are exercised exactly as in
production. It refuses what Slack refuses: bad tokens, unknown channels and users, stale triggers,
and any view or blocks that fail the Block Kit checks in `blockkit.py`.

How slack_sdk 3.47 sends requests, which is why the parsing below is what it is:
- chat.postMessage/update/postEphemeral and views.* send a JSON body (blocks and views as objects);
- auth.test and conversations.open POST with their arguments in the *query string* and no body;
- users.info and chat.getPermalink are GET requests with query-string arguments;
- booleans sent as query arguments arrive as "1"/"0";
- oauth.v2.access POSTs a form body and authenticates with HTTP Basic (client_id:client_secret),
  which replaces the bot token's Bearer header;
- a caller may still form-encode `blocks`/`view` as JSON strings, so those fields are decoded;
- files_upload_v2 sends files.getUploadURLExternal and files.completeUploadExternal arguments in
  the query string (`files` as a JSON string) and POSTs the bytes to the upload URL (files.py).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import itertools
import json
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal

from aiohttp import web

from .blockkit import check_message_blocks, check_view
from .files import FileUploads, SharedFile, upload_body
from .wire import Json, Refusal, missing

TEAM_ID = "T1"
TEAM_NAME = "Carebot Test Workspace"
BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
APP_ID = "A0CAREBOT"
WORKSPACE_URL = "https://carebot-test.slack.com/"
INSTALLED_TOKEN = "xoxb-installed"
INSTALL_SCOPES = "chat:write,commands,files:write,im:write,users:read"
TRIGGER_LIFETIME = 3.0  # seconds; Slack: "trigger_id expires in 3 seconds"
VIEW_MAX_BYTES = 250 * 1024  # views.open: view_too_large "greater than 250kb"
JSON_ARGS = ("blocks", "view", "attachments", "metadata")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Called with every FakeSlack made: the privacy guard (tests/privacy_guard.py) reads what each
# one was sent, wherever a test made it.
OBSERVERS: list[Callable[[FakeSlack], None]] = []


@dataclass
class CallRecord:
    """One request the fake received: the decoded arguments and what it answered."""

    method: str
    args: Json
    http_method: str
    token: str | None
    at: float
    status: int = 200
    response: Json = field(default_factory=dict)


@dataclass(frozen=True)
class RateLimitServed:
    """A 429 the fake served, so a test can check the retry came after `at + retry_after`."""

    method: str
    at: float
    retry_after: int


@dataclass(frozen=True)
class _Fault:
    kind: Literal["error", "rate_limit", "server_error", "landed"]
    error: str = ""
    retry_after: int = 0
    status: int = 0


@dataclass
class _Trigger:
    issued: float
    used: bool = False


@dataclass
class _Call:
    args: Json
    token: str | None
    basic: tuple[str, str] | None  # HTTP Basic client_id, client_secret


def _truthy(value: object) -> bool:
    """Slack reads booleans as true/false in JSON and as "1"/"true" in forms and queries."""
    return value is True or (isinstance(value, str) and value.lower() in {"1", "true"})


class FakeSlack:
    """The fake Slack Web API. Use `async with FakeSlack() as slack:`.

    `clock` (default `time.monotonic`) times triggers and records; `advance()` moves it forward so
    tests never sleep to expire a trigger.
    """

    def __init__(
        self,
        *,
        tokens: set[str] | None = None,
        client_id: str = "111.222",
        client_secret: str = "fake-client-secret",
        clock: Callable[[], float] = time.monotonic,
        lenient: bool = False,
        rate_limit_every: int = 0,
    ) -> None:
        self.tokens: set[str] = set(tokens) if tokens is not None else {"xoxb-test"}
        # For a load generator in another process: any trigger id and response URL is live.
        self.lenient = lenient
        # Load tests: every Nth chat.postMessage answers 429 (Retry-After: 1), as Slack does
        # to a burst; 0 turns it off.
        self.rate_limit_every = rate_limit_every
        self._posts_seen = 0
        self.client_id = client_id
        self.client_secret = client_secret
        self.calls: list[CallRecord] = []
        self.rate_limits_served: list[RateLimitServed] = []
        self.users: dict[str, Json] = {}
        self.missing_channels: set[str] = set()
        self.not_in_channels: set[str] = set()
        self.messages: dict[tuple[str, str], Json] = {}
        self.views: dict[str, Json] = {}
        self.home_views: dict[str, Json] = {}
        # Messages the app sent to a command's or an interaction's response_url.
        self.responses: list[Json] = []
        self.base_url = ""
        self._response_urls: set[str] = set()
        self._changed = asyncio.Event()
        self._clock = clock
        self._offset = 0.0
        self._ids = itertools.count(1)
        self._faults: defaultdict[str, deque[_Fault]] = defaultdict(deque)
        self._delays: defaultdict[str, deque[float]] = defaultdict(deque)
        self._triggers: dict[str, _Trigger] = {}
        self._oauth_codes: dict[str, str] = {}
        self._dms: dict[str, str] = {}
        self._uploads = FileUploads(lambda channel: self._channel({"channel": channel}))
        self._runner: web.AppRunner | None = None
        self._handlers: dict[str, Callable[[_Call], Json]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.getPermalink": self._chat_get_permalink,
            "conversations.open": self._conversations_open,
            "conversations.history": self._conversations_history,
            "files.getUploadURLExternal": lambda call: self._uploads.get_upload_url(call.args),
            "files.completeUploadExternal": lambda call: self._uploads.complete(call.args),
            "users.info": self._users_info,
            "oauth.v2.access": self._oauth_v2_access,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
        }
        for observe in OBSERVERS:
            observe(self)

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self, port: int = 0) -> FakeSlack:
        """Listen on 127.0.0.1 (a free port unless given) and set `base_url` (ends in "/api/")."""
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle)
        app.router.add_post("/response/{key}", self._respond)
        app.router.add_post("/upload/v1/{ticket}", self._upload)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}/api/"
        self._uploads.upload_base = f"http://127.0.0.1:{port}/upload/v1/"
        return self

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for(self, method: str, count: int = 1, limit: float = 10.0) -> list[CallRecord]:
        """Waits until `count` answered calls to `method` were received (or a response_url post,
        with method "response"). The app works after its ack; this waits on the fake's own
        notifications, never on a timer, and fails after `limit` seconds (generous: a reply
        with a chart waits for a child process to draw it, a second or two)."""

        def seen() -> int:
            if method == "response":
                return len(self.responses)
            return sum(1 for c in self.calls_to(method) if c.response)

        async def reached() -> None:
            while seen() < count:
                await self._changed.wait()

        await asyncio.wait_for(reached(), limit)
        return self.calls_to(method)

    def response_url(self) -> str:
        """A fresh response_url, as Slack puts in commands and interactions."""
        key = f"R{next(self._ids):04d}"
        self._response_urls.add(key)
        return self.base_url.replace("/api/", f"/response/{key}")

    async def _respond(self, request: web.Request) -> web.Response:
        """response_url takes a message as JSON; its blocks obey the same limits as chat.*."""
        if request.match_info["key"] not in self._response_urls and not self.lenient:
            return web.Response(status=404, text="no_such_response_url")
        body = await request.json()
        problems = check_message_blocks(body.get("blocks") or [])
        if problems or not (body.get("text") or body.get("blocks")):
            return web.Response(status=400, text="invalid_blocks")
        self.responses.append(body)
        self._notify()
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        """Step 2 of a file upload; recorded as method "upload" so tests can wait for it."""
        content = await upload_body(request)
        status, text, file_id = self._uploads.receive(request.match_info["ticket"], content)
        response = {"ok": status == 200} | ({"file_id": file_id} if file_id else {"error": text})
        record = CallRecord("upload", {"length": len(content)}, request.method, None, self.now())
        record.status, record.response = status, response
        self.calls.append(record)
        self._notify()
        return web.Response(status=status, text=text)

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlack:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    # --- what tests arrange and inspect ------------------------------------------------------

    def now(self) -> float:
        return self._clock() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the fake's clock forward (to expire triggers without sleeping)."""
        self._offset += seconds

    def calls_to(self, method: str) -> list[CallRecord]:
        return [call for call in self.calls if call.method == method]

    @property
    def files(self) -> list[SharedFile]:
        """Files completed through files.completeUploadExternal, one per channel shared to."""
        return self._uploads.shared

    def dm_for(self, user_id: str) -> str:
        """The bot's DM with a member, as conversations.open would answer it."""
        return self._dm_for(user_id)

    def new_trigger(self) -> str:
        """A trigger_id good for one views.open/push within 3 seconds of the fake's clock."""
        trigger_id = f"{next(self._ids)}.{7_000_000 + next(self._ids)}.{secrets.token_hex(6)}"
        self._triggers[trigger_id] = _Trigger(issued=self.now())
        return trigger_id

    def new_oauth_code(self, installer: str = "UINSTALLER") -> str:
        """A single-use OAuth code that oauth.v2.access exchanges for `INSTALLED_TOKEN`."""
        code = f"{next(self._ids)}.{secrets.token_hex(12)}"
        self._oauth_codes[code] = installer
        return code

    def add_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        is_admin: bool = False,
        is_owner: bool = False,
        locale: str = "en-US",
        tz: str = "UTC",
    ) -> Json:
        """Adds a workspace member (stored in `users`, which tests may also edit directly)."""
        name = name or user_id.lower()
        user: Json = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": name,
            "real_name": name.title(),
            "deleted": False,
            "is_bot": False,
            "is_admin": is_admin,
            "is_owner": is_owner,
            "is_primary_owner": False,
            "tz": tz,
            "tz_offset": 0,
            "locale": locale,
            "profile": {"real_name": name.title(), "display_name": name},
        }
        self.users[user_id] = user
        return user

    def fail_next(self, method: str, error: str = "channel_not_found") -> None:
        """The next call to `method` answers `{"ok": false, "error": error}`."""
        self._faults[method].append(_Fault("error", error=error))

    def rate_limit_next(self, method: str, retry_after: int = 1) -> None:
        """The next call to `method` answers HTTP 429 with a Retry-After header, once."""
        self._faults[method].append(_Fault("rate_limit", retry_after=retry_after))

    def server_error_next(self, method: str, status: int = 503) -> None:
        """The next call to `method` answers with HTTP `status` (5xx), once."""
        self._faults[method].append(_Fault("server_error", status=status))

    def land_then_fail_next(self, method: str, status: int = 500) -> None:
        """The next call to `method` does what it asks (a message is posted) and then answers
        HTTP `status`, once: the caller cannot tell that it landed."""
        self._faults[method].append(_Fault("landed", status=status))

    def delay_next(self, method: str, seconds: float) -> None:
        """The next call to `method` is answered `seconds` late, once, and then as usual: past
        the client's timeout, the caller gives up while Slack still did what it was asked."""
        self._delays[method].append(seconds)

    # --- HTTP --------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            args, malformed = await _read_args(request), None
        except Refusal as refusal:
            args, malformed = {}, refusal
        token, basic = _credentials(request, args)
        record = CallRecord(method, args, request.method, token, self.now())
        self.calls.append(record)
        headers: dict[str, str]
        if self._delays[method]:
            await asyncio.sleep(self._delays[method].popleft())
        if malformed is not None:
            status, body, headers = 200, malformed.body(), {}
        else:
            status, body, headers = self._answer(method, _Call(args, token, basic))
        record.status, record.response = status, body
        self._notify()
        return web.json_response(body, status=status, headers=headers)

    def _answer(self, method: str, call: _Call) -> tuple[int, Json, dict[str, str]]:
        if self._faults[method]:
            fault = self._faults[method].popleft()
            if fault.kind == "landed":
                handler = self._handlers[method]
                self._authenticate(call.token)
                handler(call)
                return fault.status, {"ok": False, "error": "internal_error"}, {}
            return self._serve_fault(method, fault)
        if method == "chat.postMessage" and self.rate_limit_every:
            self._posts_seen += 1
            if self._posts_seen % self.rate_limit_every == 0:
                return self._serve_fault(method, _Fault("rate_limit", retry_after=1))
        handler = self._handlers.get(method)
        if handler is None:
            return 200, {"ok": False, "error": "unknown_method", "req_method": method}, {}
        try:
            if method != "oauth.v2.access":
                self._authenticate(call.token)
            return 200, {"ok": True, **handler(call)}, {}
        except Refusal as refusal:
            return 200, refusal.body(), {}

    def _serve_fault(self, method: str, fault: _Fault) -> tuple[int, Json, dict[str, str]]:
        if fault.kind == "rate_limit":
            self.rate_limits_served.append(RateLimitServed(method, self.now(), fault.retry_after))
            body = {"ok": False, "error": "ratelimited"}
            return 429, body, {"Retry-After": str(fault.retry_after)}
        if fault.kind == "server_error":
            return fault.status, {"ok": False, "error": "service_unavailable"}, {}
        return 200, {"ok": False, "error": fault.error}, {}

    def _authenticate(self, token: str | None) -> None:
        if not token:
            raise Refusal("not_authed")
        if token not in self.tokens:
            raise Refusal("invalid_auth")

    # --- auth and oauth ----------------------------------------------------------------------

    def _auth_test(self, call: _Call) -> Json:
        return {
            "url": WORKSPACE_URL,
            "team": TEAM_NAME,
            "user": "carebot",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _oauth_v2_access(self, call: _Call) -> Json:
        """Client credentials by HTTP Basic (as slack_sdk sends them) or form; codes work once."""
        form = (call.args.get("client_id"), call.args.get("client_secret"))
        client_id, secret = call.basic or form
        if client_id != self.client_id:
            raise Refusal("invalid_client_id")
        if secret != self.client_secret:
            raise Refusal("bad_client_secret")
        installer = self._oauth_codes.pop(str(call.args.get("code", "")), None)
        if installer is None:
            raise Refusal("invalid_code")
        self.tokens.add(INSTALLED_TOKEN)
        return {
            "app_id": APP_ID,
            "authed_user": {"id": installer},
            "scope": INSTALL_SCOPES,
            "token_type": "bot",
            "access_token": INSTALLED_TOKEN,
            "bot_user_id": BOT_USER_ID,
            "team": {"id": TEAM_ID, "name": TEAM_NAME},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    # --- users and conversations -------------------------------------------------------------

    def _user(self, user_id: object) -> Json:
        if not isinstance(user_id, str) or user_id not in self.users:
            raise Refusal("user_not_found")
        return self.users[user_id]

    def _dm_for(self, *user_ids: str) -> str:
        """The same conversation id every time for the same people: D... for one, G... for more."""
        for user_id in user_ids:
            self._user(user_id)
        key = ",".join(sorted(user_ids))
        if key not in self._dms:
            prefix = "D" if len(user_ids) == 1 else "G"
            self._dms[key] = f"{prefix}{next(self._ids):08d}"
        return self._dms[key]

    def _users_info(self, call: _Call) -> Json:
        user = dict(self._user(call.args.get("user")))
        if not _truthy(call.args.get("include_locale")):
            user.pop("locale", None)
        return {"user": user}

    def _conversations_open(self, call: _Call) -> Json:
        users = [u for u in str(call.args.get("users", "")).split(",") if u]
        if not users:
            raise Refusal("users_list_not_supplied")
        channel: Json = {"id": self._dm_for(*users), "is_im": len(users) == 1}
        if len(users) == 1:
            channel["user"] = users[0]
        return {"channel": channel}

    # --- messages ----------------------------------------------------------------------------

    def _channel(self, args: Json) -> str:
        """The channel a message goes to; a user id means that user's DM, as in Slack."""
        channel = args.get("channel")
        if not isinstance(channel, str) or not channel or channel in self.missing_channels:
            raise Refusal("channel_not_found")
        if channel in self.not_in_channels:
            raise Refusal("not_in_channel")
        if channel[0] in "UW":
            if channel not in self.users:
                raise Refusal("channel_not_found")
            return self._dm_for(channel)
        if channel[0] in "DG" and channel not in self._dms.values():
            raise Refusal("channel_not_found")  # a DM the bot is not part of, e.g. between people
        return channel

    def _content(self, args: Json) -> tuple[str, list[Any] | None]:
        """Text and blocks of a message: blocks must pass Block Kit, and one of them must exist."""
        text, blocks = args.get("text"), args.get("blocks")
        if blocks is not None:
            if not isinstance(blocks, list):
                raise Refusal("invalid_blocks_format")
            problems = check_message_blocks(blocks)
            if problems:
                raise Refusal("invalid_blocks", problems)
        if not text and not blocks and not args.get("attachments"):
            raise Refusal("no_text")
        return str(text or ""), blocks

    def _message(self, channel: str, ts: str, text: str, blocks: list[Any] | None) -> Json:
        message: Json = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": TEAM_ID,
            "text": text,
            "ts": ts,
        }
        if blocks is not None:
            message["blocks"] = blocks
        self.messages[(channel, ts)] = message
        return message

    def _next_ts(self) -> str:
        n = next(self._ids)
        return f"{1_700_000_000 + n}.{n * 100 % 1_000_000:06d}"

    def _chat_post_message(self, call: _Call) -> Json:
        channel = self._channel(call.args)
        text, blocks = self._content(call.args)
        ts = self._next_ts()
        message = self._message(channel, ts, text, blocks)
        metadata = call.args.get("metadata")
        if isinstance(metadata, str):  # form-encoded: JSON in a string, as Slack reads it
            metadata = json.loads(metadata)
        if metadata is not None:
            if not isinstance(metadata, dict) or not isinstance(metadata.get("event_type"), str):
                raise Refusal("invalid_metadata_format")
            message["metadata"] = metadata  # kept through edits, as Slack keeps it
        return {"channel": channel, "ts": ts, "message": message}

    def _conversations_history(self, call: _Call) -> Json:
        """The channel's messages, newest first; metadata only with include_all_metadata."""
        channel = self._channel(call.args)
        limit = int(call.args.get("limit") or 100)
        with_metadata = _truthy(call.args.get("include_all_metadata"))
        found = sorted(
            (m for (c, _), m in self.messages.items() if c == channel),
            key=lambda m: float(m["ts"]),
            reverse=True,
        )[:limit]
        messages = [
            m if with_metadata else {k: v for k, v in m.items() if k != "metadata"} for m in found
        ]
        return {"messages": messages, "has_more": False}

    def _chat_update(self, call: _Call) -> Json:
        channel = self._channel(call.args)
        ts = call.args.get("ts")
        if not isinstance(ts, str) or (channel, ts) not in self.messages:
            raise Refusal("message_not_found")
        text, blocks = self._content(call.args)
        metadata = self.messages[(channel, ts)].get("metadata")
        message = self._message(channel, ts, text, blocks)
        if metadata is not None:
            message["metadata"] = metadata
        return {"channel": channel, "ts": ts, "text": text, "message": message}

    def _chat_post_ephemeral(self, call: _Call) -> Json:
        if not call.args.get("user"):
            raise missing("user")
        channel = self._channel(call.args)
        if call.args["user"] not in self.users:
            raise Refusal("user_not_in_channel")
        self._content(call.args)
        return {"message_ts": self._next_ts(), "channel": channel}

    def _chat_get_permalink(self, call: _Call) -> Json:
        channel = self._channel(call.args)
        ts = call.args.get("message_ts")
        if not isinstance(ts, str) or (channel, ts) not in self.messages:
            raise Refusal("message_not_found")
        permalink = f"{WORKSPACE_URL}archives/{channel}/p{ts.replace('.', '')}"
        return {"channel": channel, "permalink": permalink}

    # --- views -------------------------------------------------------------------------------

    def _exchange(self, trigger_id: object) -> _Trigger:
        """A trigger works once, within 3 seconds; it is spent only when the call succeeds."""
        if not trigger_id:
            raise missing("trigger_id")
        trigger = self._triggers.get(str(trigger_id))
        if trigger is None and self.lenient:
            trigger = self._triggers[str(trigger_id)] = _Trigger(self.now())
        if trigger is None:
            raise Refusal("invalid_trigger_id")
        if trigger.used:
            raise Refusal("exchanged_trigger_id")
        if self.now() - trigger.issued > TRIGGER_LIFETIME:
            raise Refusal("expired_trigger_id")
        return trigger

    def _checked_view(self, args: Json, surface: str | None) -> Json:
        view = args.get("view")
        if view is None:
            raise missing("view")
        problems = check_view(view, surface=surface)
        if problems:
            raise Refusal("invalid_arguments", problems)
        if len(json.dumps(view).encode()) > VIEW_MAX_BYTES:
            raise Refusal("view_too_large")
        assert isinstance(view, dict)
        return view

    def _store_view(self, view: Json, view_id: str | None = None) -> Json:
        """Echo the view as Slack does: with an id, a fresh hash and the defaults filled in."""
        view_id = view_id or f"V{next(self._ids):04d}"
        previous = self.views.get(view_id, {})
        stored: Json = {
            "id": view_id,
            "team_id": TEAM_ID,
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "state": {"values": {}},
            "clear_on_close": False,
            "notify_on_close": False,
            "root_view_id": previous.get("root_view_id", view_id),
            "previous_view_id": None,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
            **view,
            "hash": f"{1_700_000_000 + next(self._ids)}.{secrets.token_hex(4)}",
        }
        self.views[view_id] = stored
        return stored

    def _fresh_external_id(self, view: Json) -> None:
        external_id = view.get("external_id")
        if external_id and any(v.get("external_id") == external_id for v in self.views.values()):
            raise Refusal("duplicate_external_id")

    def _views_open(self, call: _Call) -> Json:
        trigger = self._exchange(call.args.get("trigger_id"))
        view = self._checked_view(call.args, "modal")
        self._fresh_external_id(view)
        trigger.used = True
        return {"view": self._store_view(view)}

    def _views_push(self, call: _Call) -> Json:
        trigger = self._exchange(call.args.get("trigger_id"))
        view = self._checked_view(call.args, "modal")
        self._fresh_external_id(view)
        trigger.used = True
        return {"view": self._store_view(view)}

    def _views_update(self, call: _Call) -> Json:
        view_id = self._existing_view_id(call.args)
        current = self.views[view_id]
        if call.args.get("hash") and call.args["hash"] != current["hash"]:
            raise Refusal("hash_conflict")
        view = self._checked_view(call.args, None)
        return {"view": self._store_view(view, view_id)}

    def _existing_view_id(self, args: Json) -> str:
        if args.get("view_id"):
            if args["view_id"] not in self.views:
                raise Refusal("not_found")
            return str(args["view_id"])
        external_id = args.get("external_id")
        if not external_id:
            raise missing("view_id")
        for view_id, view in self.views.items():
            if view.get("external_id") == external_id:
                return view_id
        raise Refusal("not_found")

    def _views_publish(self, call: _Call) -> Json:
        user_id = call.args.get("user_id")
        if not user_id:
            raise missing("user_id")
        self._user(user_id)
        current = self.home_views.get(str(user_id))
        if call.args.get("hash") and (current is None or call.args["hash"] != current["hash"]):
            raise Refusal("hash_conflict")
        view = self._checked_view(call.args, "home")
        stored = self._store_view(view, current["id"] if current else None)
        self.home_views[str(user_id)] = stored
        return {"view": stored}


async def _read_args(request: web.Request) -> Json:
    """Query string plus JSON or form body; JSON-encoded `blocks`/`view` strings are decoded."""
    args: Json = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError as error:
                raise Refusal("invalid_json") from error
            if not isinstance(body, dict):
                raise Refusal("invalid_json")
            args.update(body)
        elif request.content_type in FORM_TYPES:
            form = await request.post()
            args.update({k: v for k, v in form.items() if isinstance(v, str)})
        else:
            raise Refusal("invalid_post_type")
    for key in JSON_ARGS:
        if isinstance(args.get(key), str):
            # Undecodable JSON stays a string, which the handler refuses with Slack's own error.
            with contextlib.suppress(ValueError):
                args[key] = json.loads(args[key])
    return args


def _credentials(request: web.Request, args: Json) -> tuple[str | None, tuple[str, str] | None]:
    """Bearer token from the header, else a `token` argument; or HTTP Basic client credentials."""
    header = request.headers.get("Authorization", "")
    form_token = args.pop("token", None)
    if header.startswith("Bearer "):
        return header.removeprefix("Bearer ").strip() or None, None
    if header.startswith("Basic "):
        return None, _basic(header.removeprefix("Basic "))
    return (str(form_token) if form_token else None), None


def _basic(encoded: str) -> tuple[str, str] | None:
    try:
        login, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return login, password
