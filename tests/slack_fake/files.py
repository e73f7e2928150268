"""Slack's three-step file upload, as slack_sdk's `files_upload_v2` drives it.

1. files.getUploadURLExternal (filename, length; sent as query arguments) answers a file id and
   an upload URL on this server, standing for https://files.slack.com/upload/v1/<ticket>;
2. the bytes are POSTed to that URL, raw or multipart; a length other than the one declared
   is refused with a non-200 status, which is all Slack promises ("a non-200 response
   indicates a failure");
3. files.completeUploadExternal (files=[{"id","title"}] as a JSON string or a list, and
   channel_id or channels) shares them; it works once per file, and only once the bytes are in.

Errors follow the method references on docs.slack.dev: `missing_argument` for a zero length,
`file_not_found` ("could not find the file from the upload ticket") for an unknown, not yet
uploaded or already completed file.
"""

from __future__ import annotations

import itertools
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import BodyPartReader, web

from .wire import Json, Refusal, missing

SNIPPET_MAX = 1024 * 1024  # snippet_too_large: "limited to 1MB"


@dataclass(frozen=True)
class SharedFile:
    """A file completed into a channel (None: completed without one, so private)."""

    id: str
    filename: str
    title: str
    content: bytes
    channel: str | None


@dataclass
class _Upload:
    file_id: str
    filename: str
    length: int
    snippet: bool
    content: bytes | None = None
    completed: bool = False


class FileUploads:
    """Upload tickets and shared files. `resolve` maps a channel argument to the conversation
    it names, refusing one the bot cannot see, exactly as chat.postMessage does."""

    def __init__(self, resolve: Callable[[str], str]) -> None:
        self.resolve = resolve
        self.shared: list[SharedFile] = []
        self.upload_base = ""  # set when the server listens: "http://127.0.0.1:<port>/upload/v1/"
        self._ids = itertools.count(1)
        self._tickets: dict[str, _Upload] = {}
        self._by_id: dict[str, _Upload] = {}

    def get_upload_url(self, args: Json) -> Json:
        filename = args.get("filename")
        if not isinstance(filename, str) or not filename:
            raise missing("filename")
        if args.get("length") in (None, ""):
            raise missing("length")
        try:
            length = int(str(args["length"]))
        except ValueError as error:
            raise Refusal("invalid_arguments", ["[ERROR] length must be an integer"]) from error
        if length <= 0:
            raise Refusal("missing_argument")
        snippet = bool(args.get("snippet_type"))
        if snippet and length > SNIPPET_MAX:
            raise Refusal("snippet_too_large")
        upload = _Upload(f"F{next(self._ids):010d}", filename, length, snippet)
        ticket = secrets.token_urlsafe(12)  # the URL is the credential, as on files.slack.com
        self._tickets[ticket] = self._by_id[upload.file_id] = upload
        return {"upload_url": f"{self.upload_base}{ticket}", "file_id": upload.file_id}

    def receive(self, ticket: str, content: bytes) -> tuple[int, str, str | None]:
        """(HTTP status, body, file id) for bytes POSTed to an upload URL."""
        upload = self._tickets.get(ticket)
        if upload is None or upload.completed:
            return 404, "invalid_upload_url", None
        if len(content) != upload.length:
            return 400, f"length_mismatch: declared {upload.length}, got {len(content)}", None
        upload.content = content
        return 200, f"OK - {len(content)}", upload.file_id

    def complete(self, args: Json) -> Json:
        items = self._items(args.get("files"))
        channels: list[str | None] = [*self._channels(args)] or [None]
        uploads: list[tuple[_Upload, str]] = []
        for item in items:
            upload = self._by_id.get(str(item.get("id", "")))
            if upload is None or upload.content is None or upload.completed:
                raise Refusal("file_not_found")
            uploads.append((upload, str(item.get("title") or upload.filename)))
        answered: list[Json] = []
        for upload, title in uploads:  # all checked first: a refused call shares nothing
            assert upload.content is not None
            upload.completed = True
            for channel in channels:
                self.shared.append(
                    SharedFile(upload.file_id, upload.filename, title, upload.content, channel)
                )
            answered.append({"id": upload.file_id, "title": title})
        return {"files": answered}

    @staticmethod
    def _items(files: object) -> list[Json]:
        if files is None:
            raise missing("files")
        if isinstance(files, str):
            try:
                files = json.loads(files)
            except ValueError as error:
                raise Refusal("invalid_arguments", ["[ERROR] files must be JSON"]) from error
        if not isinstance(files, list) or not files:
            raise Refusal("invalid_arguments", ["[ERROR] files must be a non-empty array"])
        if not all(isinstance(item, dict) and item.get("id") for item in files):
            raise Refusal("invalid_arguments", ["[ERROR] every file needs an id"])
        return files

    def _channels(self, args: Json) -> list[str]:
        """channel_id, or channels (comma-separated channel or user ids); none means private."""
        named = [str(args["channel_id"])] if args.get("channel_id") else []
        named += [c for c in str(args.get("channels") or "").split(",") if c]
        return [self.resolve(channel) for channel in named]


async def upload_body(request: web.Request) -> bytes:
    """The bytes sent to an upload URL: the raw body, or the first part of a multipart form."""
    if request.content_type != "multipart/form-data":
        return await request.read()
    reader = await request.multipart()
    part = await reader.next()
    return await part.read() if isinstance(part, BodyPartReader) else b""
