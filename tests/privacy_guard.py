"""The privacy guard: no test may see a customer's personal data posted to a channel.

carebot promises that a complaint's customer name, phone number, email and address are only ever
shown privately (ephemeral replies, DMs, modals, App Home, files in DMs), never in a channel.
This plugin (loaded by tests/conftest.py) holds every test to that: when a test ends, it fails
the test (an error at teardown) if any message posted to a channel during the test holds one of
the personal values of the test's data.

Channel posts are read where each platform's messages end up, without changing what happens:
- the core: the CHANNEL posts of every Reply that CareBot.command/action/submit returns and of
  every scheduled Outgoing (unless the conversation is a DM, where CHANNEL means that DM);
- Slack: every FakeSlack made during the test (tests/slack_fake calls us for each one):
  chat.postMessage/update/scheduleMessage to a channel (not D..., not a user id), files shared
  in one, and response_url messages sent "in_channel";
- Discord: simcord's own record of its gateway: MESSAGE_CREATE/UPDATE by a bot in a guild.

Personal values are those of every complaint the ORM wrote during the test, those typed into
forms (CareBot.submit), and those in the test's database at its end (the db fixture calls
`read_database`). Matching is robust (case, spacing, markup escapes; a phone by its last seven
digits in any spacing; an email whole, in any case, also inside Slack's <mailto:...> link) but
leaves the product's masked forms alone ("R•••", "•••• 3210", "•••@•••").
"""

from __future__ import annotations

import functools
import html
import inspect
import re
import time
import unicodedata
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
import simcord
from sqlalchemy import event, select

from bot.app import CareBot
from bot.context import Actor
from bot.privacy.customers import ERASED
from bot.scheduled import Outgoing
from bot.ui import Audience, Message, Post, Reply
from storage.db import Database
from storage.models import Complaint
from tests.slack_fake import FakeSlack
from tests.slack_fake import server as slack_fake_server

PERSONAL = ("customer_name", "customer_phone", "customer_email", "customer_address")
# A complaint's text that is not personal: a personal value the test also wrote there may show.
FREE_TEXT = ("description", "solution", "compensation_text", "prevention")
# Values that name nobody: the product's own placeholder for erased data, and the like.
GENERIC = frozenset({ERASED.casefold(), "unknown", "anonymous", "customer", "redacted"})
MIN_LETTERS = 2  # "Ravi" counts; "J." or a number used as a name does not
MIN_LENGTH = 4
PHONE_TAIL = 7  # the masked display shows the last four digits: seven are never shown

SLACK_POSTS = ("chat.postMessage", "chat.update", "chat.scheduleMessage", "chat.meMessage")
DISCORD_POSTS = ("MESSAGE_CREATE", "MESSAGE_UPDATE")
DISCORD_EPHEMERAL = 1 << 6
PNG = b"\x89PNG"

# Discord's markdown escapes: \* \~ ... and \_ (an email's underscore, "ravi\_k@...").
_ESCAPED = re.compile(r"\\(?=[^\w\s]|_)")
_WORD = re.compile(r"[^\W_]+")  # runs of letters and digits, as `_bounded` sees words
# A number as people write it: digits with a few spaces, dashes, dots or brackets between.
_NUMBER = re.compile(r"\d(?:[ \u00a0\-./()]{0,3}\d)*")
# An id, not a phone (E.164 has at most 15 digits): Discord's snowflakes would otherwise offer
# a random fuzzed phone a dozen seven-digit windows each.
_LONG_ID = re.compile(r"\d{16,}")


# --- matching ---------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Text as compared: markup escapes undone, NFKC, case-folded, whitespace collapsed."""
    text = _ESCAPED.sub("", html.unescape(text))  # Slack escapes &, < and > as entities
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _without_ids(text: str) -> str:
    """`text` with every long id blanked out, character for character (positions stay)."""
    return _LONG_ID.sub(lambda match: "#" * len(match.group()), text)


def digit_runs(text: str) -> list[str]:
    """Every number in `text` as plain ASCII digits ("+91 98765-43210" -> "919876543210")."""
    return [
        "".join(str(unicodedata.decimal(c)) for c in match.group() if c.isdecimal())
        for match in _NUMBER.finditer(_without_ids(text))
    ]


def _bounded(needle: str, haystack: str) -> int:
    """Where `needle` stands in `haystack` as whole words (not inside a longer word), or -1."""
    start = haystack.find(needle)
    while start != -1:
        end = start + len(needle)
        before = start == 0 or not haystack[start - 1].isalnum()
        after = end == len(haystack) or not haystack[end].isalnum()
        if before and after:
            return start
        start = haystack.find(needle, start + 1)
    return -1


def meaningful(folded: str) -> bool:
    """A name or an address that says who or where someone is (not "erased", "J.", "12")."""
    letters = sum(c.isalpha() for c in folded)
    return len(folded) >= MIN_LENGTH and letters >= MIN_LETTERS and folded not in GENERIC


def phone_tails(value: str) -> set[str]:
    """The last seven digits of each phone-like number in `value`."""
    return {run[-PHONE_TAIL:] for run in digit_runs(value) if len(run) >= PHONE_TAIL}


def windows(text: str) -> set[str]:
    """Every seven digits in a row of the numbers in `text`: a phone's tail is one of them."""
    return {
        run[start : start + PHONE_TAIL]
        for run in digit_runs(text)
        for start in range(len(run) - PHONE_TAIL + 1)
    }


@dataclass(frozen=True)
class ChannelPost:
    """A message posted to a channel: where it came from, the channel, all its text."""

    source: str
    channel: str
    text: str


@dataclass(frozen=True)
class Leak:
    post: ChannelPost
    field: str
    value: str
    seen: str  # the passage of the post that holds it

    def __str__(self) -> str:
        return (
            f"{self.post.source} to channel {self.post.channel}: {self.field} {self.value!r}"
            f" in ...{self.seen}..."
        )


@dataclass
class Personal:
    """The personal values a test's data holds, and the other text it wrote (a value that the
    test also typed as a description, or that is a member's name, may show there by right)."""

    values: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    plain: set[str] = field(default_factory=set)
    # The plain text folded and joined (no needle spans a line), and its seven-digit windows.
    _elsewhere: tuple[str, set[str]] | None = field(default=None, repr=False)

    def add(self, name: str, value: object) -> None:
        if isinstance(value, str) and value.strip():
            self.values[name].add(value)

    def add_plain(self, value: object) -> None:
        if isinstance(value, str) and value.strip():
            self.plain.add(value)
            self._elsewhere = None

    def add_complaint(self, row: Mapping[str, Any]) -> None:
        for name in PERSONAL:
            self.add(name, row.get(name))
        for name in FREE_TEXT:
            self.add_plain(row.get(name))

    def needles(self) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
        """(folded name or address, phone tail) -> (field, value as stored or typed)."""
        words: dict[str, tuple[str, str]] = {}
        tails: dict[str, tuple[str, str]] = {}
        for name, values in self.values.items():
            for value in sorted(values, key=lambda v: v.startswith("+")):  # report the E.164 form
                if name == "customer_phone":
                    tails.update(dict.fromkeys(phone_tails(fold(value)), (name, value)))
                elif meaningful(folded := fold(value)):
                    words[folded] = (name, value)
        return words, tails

    def written_elsewhere(self, leak: Leak) -> bool:
        if self._elsewhere is None:
            text = "\n".join(fold(plain) for plain in self.plain)
            self._elsewhere = (text, windows(text))
        text, seven = self._elsewhere
        if leak.field == "customer_phone":
            return bool(phone_tails(fold(leak.value)) & seven)
        return _bounded(fold(leak.value), text) >= 0


def find_leaks(personal: Personal, posts: Iterable[ChannelPost]) -> list[Leak]:
    """Every channel post that shows a personal value, once per post and value.

    Posts are indexed by word and by seven-digit window, so a test with thousands of posts and
    values (the fuzz tests) costs one pass over the posts and a look-up per value."""
    words, tails = personal.needles()
    if not words and not tails:
        return []
    unique: dict[str, ChannelPost] = {}
    for post in posts:
        unique.setdefault(fold(post.text), post)
    folded = list(unique)
    by_word: defaultdict[str, set[int]] = defaultdict(set)
    by_window: defaultdict[str, set[int]] = defaultdict(set)
    for i, text in enumerate(folded):
        for word in _WORD.findall(text):
            by_word[word].add(i)
        for window in windows(text):
            by_window[window].add(i)
    found: list[Leak] = []
    for needle, (name, value) in words.items():
        key = max(_WORD.findall(needle), key=len)
        for i in sorted(by_word.get(key, ())):
            at = _bounded(needle, folded[i])
            if at >= 0:
                seen = folded[i][max(0, at - 40) : at + len(needle) + 40]
                found.append(Leak(unique[folded[i]], name, value, seen))
    for tail, (name, value) in tails.items():
        for i in sorted(by_window.get(tail, ())):
            at = _number_at(folded[i], tail)
            found.append(Leak(unique[folded[i]], name, value, folded[i][max(0, at - 40) : at + 60]))
    return [leak for leak in found if not personal.written_elsewhere(leak)]


def _number_at(text: str, tail: str) -> int:
    """Where the number holding `tail` starts in `text`."""
    numbers = _NUMBER.finditer(_without_ids(text))
    return next(m.start() for m in numbers if tail in digit_runs(m.group())[0])


# --- what each platform was sent --------------------------------------------------------------


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _file_text(filename: str, title: str | None, content: bytes | None) -> str:
    """A shared file as text: a CSV or a text file is read; an image (a chart) is not text."""
    body = "" if not content or content.startswith(PNG) else content.decode("utf-8", "replace")
    return "\n".join((filename, title or "", body))


def _message_text(message: Message) -> str:
    parts = [message.text]
    for section in message.sections:
        parts += [section.title or "", section.body or ""]
        parts += [f"{label}\n{value}" for label, value in section.fields]
    parts += [f"{b.label}\n{b.action}\n{b.value}" for b in message.buttons]
    parts += [_file_text(f.filename, f.title, f.content) for f in message.files]
    return "\n".join(parts)


def core_channel(actor: Actor, post: Post) -> str | None:
    """The channel a core post lands in, or None when it is private. A CHANNEL post without a
    channel of its own goes where the person acted: in a DM, that DM (as the adapters do)."""
    if post.to is not Audience.CHANNEL:
        return None
    where = post.channel or (post.posted[0] if post.posted and not post.fresh else None)
    if where is None and not actor.is_dm:
        where = actor.channel_id
    return where if where and not where.startswith("D") else None


def _slack_public(channel: object) -> bool:
    """A Slack channel, not a DM: D... is a DM, and a user id (U..., W...) means their DM."""
    return isinstance(channel, str) and bool(channel) and channel[0] not in "DUW"


def slack_posts(fake: FakeSlack) -> Iterator[ChannelPost]:
    """Posts to channels, refused ones too: what the app tried to show there counts."""
    for call in fake.calls:
        if call.method in SLACK_POSTS:
            where = call.response.get("channel") or call.args.get("channel")
            if _slack_public(where):
                parts = [call.args.get(k) for k in ("text", "blocks", "attachments")]
                yield ChannelPost(f"Slack {call.method}", str(where), "\n".join(_strings(parts)))
        elif call.method == "files.completeUploadExternal" and call.args.get("initial_comment"):
            named = call.args.get("channel_id") or call.args.get("channels") or ""
            for where in str(named).split(","):
                if _slack_public(where):
                    text = str(call.args["initial_comment"])
                    yield ChannelPost(f"Slack {call.method}", where, text)
    for shared in fake.files:
        if _slack_public(shared.channel):
            text = _file_text(shared.filename, shared.title, shared.content)
            yield ChannelPost("Slack file shared", str(shared.channel), text)
    for response in fake.responses:
        if response.get("response_type") == "in_channel":
            text = "\n".join(_strings([response.get("text"), response.get("blocks")]))
            yield ChannelPost("Slack response_url (in_channel)", "of the command", text)


def discord_posts(env: simcord.Env) -> Iterator[ChannelPost]:
    """What a bot posted in guild channels, each version of it (edits too), from simcord's
    record of the gateway; DMs carry no guild id, ephemeral messages are never broadcast."""
    backend = env.backend
    for seam, name, payload in backend.transcript:
        if seam != "GATEWAY" or name not in DISCORD_POSTS or "guild_id" not in payload:
            continue
        if not (payload.get("author") or {}).get("bot"):
            continue  # a person typing in the channel: not the bot's post
        if int(payload.get("flags") or 0) & DISCORD_EPHEMERAL:
            continue
        parts = [payload.get("content") or "", *_strings(payload.get("embeds"))]
        parts += _strings(payload.get("components"))
        for attachment in payload.get("attachments") or []:
            content = backend.cdn.get(str(attachment.get("url")))
            parts.append(_file_text(attachment.get("filename", ""), None, content))
            parts.append(attachment.get("description") or "")
        channel = backend.channels.get(int(payload["channel_id"]))
        where = f"#{channel.name}" if channel is not None and channel.name else "?"
        yield ChannelPost(f"Discord {name}", f"{where} ({payload['channel_id']})", "\n".join(parts))


# --- one guard per test -----------------------------------------------------------------------


@dataclass
class Stats:
    tests: int = 0
    posts: int = 0
    seconds: float = 0.0


STATS = Stats()


class Guard:
    """What one test posted to channels and the personal values its data held."""

    def __init__(self) -> None:
        self.personal = Personal()
        self.core: list[tuple[str, Actor, Post]] = []
        self.fakes: list[FakeSlack] = []

    def saw_reply(self, source: str, actor: Actor, reply: Reply) -> None:
        self.personal.add_plain(actor.display_name)
        self.core += [(source, actor, post) for post in reply.posts if post.to is Audience.CHANNEL]

    def saw_values(self, values: Mapping[str, object]) -> None:
        for name, value in values.items():
            if name in PERSONAL:
                self.personal.add(name, value)
            else:
                self.personal.add_plain(value)

    def posts(self, envs: Iterable[simcord.Env] = ()) -> Iterator[ChannelPost]:
        for source, actor, post in self.core:
            where = core_channel(actor, post)
            if where is not None:
                yield ChannelPost(source, where, _message_text(post.message))
        for fake in self.fakes:
            yield from slack_posts(fake)
        for env in envs:
            yield from discord_posts(env)

    def leaks(self, envs: Iterable[simcord.Env] = ()) -> list[Leak]:
        posts = list(self.posts(envs))
        STATS.posts += len(posts)
        return find_leaks(self.personal, posts)


_active: list[Guard] = []


def current() -> Guard | None:
    return _active[-1] if _active else None


@contextmanager
def watching() -> Iterator[Guard]:
    """A guard of its own for a block: what happens inside is seen by it alone."""
    guard = Guard()
    _active.append(guard)
    try:
        yield guard
    finally:
        _active.remove(guard)


def report(leaks: list[Leak]) -> str:
    # The platforms' own posts first: what people would have seen.
    core = ("CareBot.", "scheduled")
    lines = sorted({str(leak) for leak in leaks}, key=lambda line: (line.startswith(core), line))
    more = [f"... and {len(lines) - 10} more"] if len(lines) > 10 else []
    return "\n".join(
        ["A customer's personal data was posted to a channel (it must only be shown privately):"]
        + [f"  {line}" for line in lines[:10]]
        + more
    )


@pytest.fixture(autouse=True)
def _privacy_guard(request: pytest.FixtureRequest) -> Iterator[Guard]:
    """Set up before every other function fixture, so it ends last: after the apps and fakes
    shut down and the db fixture read the database."""
    with watching() as guard:
        yield guard
    with _timed():
        envs = [v for v in (request.node.funcargs or {}).values() if isinstance(v, simcord.Env)]
        leaks = guard.leaks(envs)
        STATS.tests += 1
    if leaks:
        pytest.fail(report(leaks), pytrace=False)


async def read_database(db: Database) -> None:
    """The personal values of every complaint in `db`, for the guard of the test now running."""
    guard = current()
    if guard is None:
        return
    with _timed():
        columns = [getattr(Complaint, name) for name in (*PERSONAL, *FREE_TEXT)]
        async with db.session() as session:
            for row in (await session.execute(select(*columns))).mappings():
                guard.personal.add_complaint(row)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if STATS.tests:
        terminalreporter.write_line(
            f"privacy guard: {STATS.posts} channel posts in {STATS.tests} tests checked,"
            f" {STATS.seconds:.2f}s"
        )


# --- the hooks: recording only, nothing they observe behaves differently -----------------------


@contextmanager
def _timed() -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        STATS.seconds += time.perf_counter() - started


def _saw_complaint(_mapper: object, _connection: object, target: Complaint) -> None:
    guard = current()
    if guard is not None:
        with _timed():
            # The instance's own dict: an attribute could load an expired value mid-flush.
            guard.personal.add_complaint(target.__dict__)


def _observe_core(name: str) -> None:
    """CareBot.<name> records its actor, the values typed and the Reply it returns."""
    original: Callable[..., Awaitable[Reply]] = getattr(CareBot, name)
    signature = inspect.signature(original)

    @functools.wraps(original)
    async def observed(self: CareBot, *args: Any, **kwargs: Any) -> Reply:
        guard = current()
        if guard is None:
            return await original(self, *args, **kwargs)
        with _timed():
            bound = signature.bind(self, *args, **kwargs).arguments
            guard.saw_values(bound.get("values") or {})
        reply = await original(self, *args, **kwargs)
        with _timed():
            what = bound.get("name") or bound.get("action") or bound.get("form_id")
            guard.saw_reply(f"CareBot.{name}({what!r})", bound["actor"], reply)
        return reply

    setattr(CareBot, name, observed)


def _observe_outgoing() -> None:
    """Every scheduled post is an Outgoing (reminders, digests, escalations, checks)."""
    original = Outgoing.__init__

    @functools.wraps(original)
    def observed(self: Outgoing, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        guard = current()
        if guard is not None:
            with _timed():
                guard.saw_reply("scheduled Outgoing", self.actor, self.reply)

    Outgoing.__init__ = observed  # type: ignore[method-assign]


def _saw_fake_slack(fake: FakeSlack) -> None:
    guard = current()
    if guard is not None:
        guard.fakes.append(fake)


def _install() -> None:
    if _saw_fake_slack in slack_fake_server.OBSERVERS:
        return  # imported again (a nested pytest run): hooked once already
    slack_fake_server.OBSERVERS.append(_saw_fake_slack)
    for name in ("command", "action", "submit"):
        _observe_core(name)
    _observe_outgoing()
    event.listen(Complaint, "before_insert", _saw_complaint)
    event.listen(Complaint, "before_update", _saw_complaint)


_install()
