"""Idle memory of one process running carebot's Slack app, Discord bot and scheduler at once.

The measured process is a child started by this script (`--child`): it opens the database and
applies the migrations as `carebot run` does, then, sharing one core (`CareBot`) and one
database, starts

- Slack in HTTP mode: `adapters.slack.app.build_app` / `web_app` served by aiohttp on a
  loopback port (as `adapters.slack.serve`), talking to a fake of Slack's Web API
  (tests/slack_fake) that runs in a process of its own, as Slack is remote;
- Discord: the bot of `adapters.discord.client.build_bot`, entered (`async with bot`) and its
  `setup_hook` run for real — the dynamic buttons, the translator, every slash command and the
  context menu added to the command tree, the translated sync payloads built — with only the
  sync's HTTP call answered in the process (an application id is set, and
  `bulk_upsert_global_commands` echoes the payload with ids). There is no gateway and no
  login offline, so no REST session and no guild cache; with the guilds intent only, that
  cache is one small entry per server. simcord (the in-memory Discord of tests/discord) is
  not used: it takes over the event loop's timers and tasks, which the Slack server and the
  scheduler share here, and its own fake Discord would be counted in the process;
- the scheduler: `scheduler.runner.Runner` over an `Engine` with the Slack deliverer and the
  Discord deliverer (`adapters.discord.deliver.DiscordDeliverer` on that bot), started from
  `setup_hook` as the Discord adapter does, ticking every 30 s.

RSS (VmRSS from /proc/<pid>/status, split into anonymous and file-backed pages, and the peak,
VmHWM) is read after start, after a warm-up — 400 signed requests (100 `/complaint`, 200
submissions of a filled complaint form with a follow-up in an hour, 100 `/complaint list
open`; 10 in flight) and 300 scheduler ticks, the first of which (the core's clock moved two
hours on) delivers the 200 follow-up reminders to Slack DMs — and after 5 s idle. One more
figure: after one digest chart is drawn as the bot draws every chart, in a child process
(bot.charts), so that Pillow and the fonts never enter the measured process. Goal: at most
150 MB after the idle wait.

Baselines, each a fresh `python -c` printing its own VmRSS, in the same run: a bare
interpreter; one that imported slack_bolt, discord and sqlalchemy; and one that imported every
library module the measured process had loaded (its sys.modules less carebot's packages), so
the difference to the last is what carebot itself adds: its modules, the catalogs and the
objects of a running bot. SQLite runs on a temporary file; PostgreSQL too when
TEST_DATABASE_URL is set (a fresh database, dropped after). The core's clock is manual (to
bring the reminders due) and Slack's channel pacing is off (the 200 cards go to one channel),
as in the Slack tests. Nothing is asserted; the script prints figures.

    python bench/memory.py [--requests 400] [--ticks 300] [--idle 5]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the test fakes, and the packages before this folder

CAREBOT_PACKAGES = ("bot", "adapters", "storage", "scheduler", "tests", "bench", "__main__")
LIBRARIES = "import slack_bolt, discord, sqlalchemy"
READ_RSS = "print(open('/proc/self/status').read(), end='')"
STATUS_FIELDS = ("VmRSS", "RssAnon", "RssFile", "VmHWM")
GOAL_MB = 150
IN_FLIGHT = 10
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"  # tests.slack.harness's
TOKEN = "xoxb-test"


# --- the measured process ------------------------------------------------------------------


async def child(port: int, api_url: str, database_url: str) -> None:
    """A `carebot run` with Slack (HTTP), Discord (offline) and the scheduler; obeys stdin."""
    import logging

    from aiohttp import web

    from adapters.discord.client import build_bot
    from adapters.discord.deliver import DiscordDeliverer
    from adapters.discord.settings import DiscordSettings
    from adapters.slack.app import build_app, web_app
    from adapters.slack.deliver import SlackDeliverer
    from adapters.slack.outbound import ChannelPacer
    from adapters.slack.settings import SlackSettings
    from bot.app import CareBot
    from bot.charts import Chart, chart_file, with_charts
    from bot.clock import ManualClock
    from bot.runtime import open_database
    from bot.settings import Settings
    from bot.ui import Message, Post, Reply
    from scheduler.engine import Engine
    from scheduler.runner import Runner

    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        host="127.0.0.1",
        port=port,
    )
    slack = SlackSettings(  # type: ignore[call-arg]
        _env_file=None,
        slack_bot_token=TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=api_url,
        slack_channel_interval=0.0,
    )
    own = DiscordSettings(_env_file=None, discord_token="offline")  # type: ignore[call-arg]
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    db = await open_database(settings)
    clock = ManualClock()
    core = CareBot(db, settings, clock)
    pacer = ChannelPacer(slack.slack_channel_interval)
    app = build_app(core, db, slack, pacer)
    runners: list[Runner] = []

    def start_scheduler() -> None:  # as adapters.discord.serve: once the bot is set up
        deliverers: dict[str, Any] = {
            "slack": SlackDeliverer(core, slack, db, pacer),
            "discord": DiscordDeliverer(core, bot),
        }
        runners.append(Runner(Engine(db, settings, clock, deliverers)))
        runners[0].start()

    bot = build_bot(core, own, on_login=start_scheduler)
    ids = itertools.count(10_000)

    async def upsert(application_id: int, payload: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Discord's answer to the commands' sync: the payload with ids (context menus have
        no description)."""
        return [
            {"description": "", **command, "id": str(next(ids)), "application_id": "1"}
            for command in payload
        ]

    bot.http.bulk_upsert_global_commands = upsert  # type: ignore[method-assign,assignment]
    server = web.AppRunner(web_app(app, db, settings.port))
    await server.setup()
    await web.TCPSite(server, settings.host, settings.port).start()
    async with bot:
        bot._connection.application_id = 1
        await bot.setup_hook()
        engine = runners[0].engine
        print("ready", flush=True)
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        while line := (await reader.readline()).decode().split():
            order, arguments = line[0], line[1:]
            answer: object = "ok"
            if order == "advance":
                clock.advance(timedelta(seconds=float(arguments[0])))
            elif order == "tick":
                claimed = sent = 0
                for _ in range(int(arguments[0])):
                    report = await engine.tick()
                    claimed, sent = claimed + report.claimed, sent + report.sent
                answer = f"claimed {claimed}, sent {sent}"
            elif order == "chart":  # as a digest does: in a child process (bot.charts)
                bars = [["Delivery", 12.0, "12"], ["Billing or refund", 7.0, "7"]]
                chart = Chart.of("hbars", title="Top issues: how often they came up", bars=bars)
                message = Message("digest", files=(chart_file("c.png", "Top issues", chart),))
                drawn = await with_charts(Reply(posts=(Post(message),)))
                answer = f"{len(drawn.posts[0].message.files[0].content)} bytes"
            elif order == "modules":
                answer = sorted(
                    name
                    for name in list(sys.modules)
                    if name.partition(".")[0] not in CAREBOT_PACKAGES
                )
            elif order == "quit":
                break
            print(json.dumps(answer), flush=True)
        await runners[0].stop(grace=10)
    await server.cleanup()
    await db.dispose()


# --- Slack's side, and the orchestration ---------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_fake(port: int, conn: Connection) -> None:
    from tests.slack_fake import FakeSlack

    async def forever() -> None:
        slack = FakeSlack(lenient=True, tokens={TOKEN})
        slack.add_user("U1", name="asha")
        await slack.start(port)
        conn.send("ready")
        await asyncio.Event().wait()

    asyncio.run(forever())


class RemoteSlack:
    """What the request builder needs of the fake: trigger ids and response URLs."""

    def __init__(self, api_url: str) -> None:
        self.base_url = api_url
        self._ids = itertools.count(1)

    def new_trigger(self) -> str:
        return f"memory.{next(self._ids)}"

    def response_url(self) -> str:
        return self.base_url.replace("/api/", f"/response/memory{next(self._ids)}")


def status(pid: int) -> dict[str, float]:
    """The process's VmRSS, RssAnon, RssFile and VmHWM in MB."""
    return parse_status(Path(f"/proc/{pid}/status").read_text())


def parse_status(text: str) -> dict[str, float]:
    figures = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key in STATUS_FIELDS:
            figures[key] = int(value.split()[0]) / 1024
    return figures


def bare(code: str) -> dict[str, float]:
    """RSS of a fresh interpreter that ran `code`, then printed its /proc/self/status."""
    done = subprocess.run(
        [sys.executable, "-c", code + "\n" + READ_RSS],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return parse_status(done.stdout)


def import_all(modules: list[str]) -> str:
    return (
        "import importlib, warnings\n"
        "warnings.simplefilter('ignore')\n"
        f"for name in {modules!r}:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception:\n"
        "        pass\n"
    )


class Child:
    def __init__(self, port: int, api_url: str, database_url: str, log: Path) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--child", str(port), api_url, database_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log.open("w"),
            text=True,
            cwd=tempfile.gettempdir(),  # no .env of the repository's
        )
        self.expect("ready")

    def expect(self, word: str) -> None:
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if line != word:
            tail = self.log.read_text()[-3000:]
            raise SystemExit(f"the measured process said {line!r}, not {word!r}:\n{tail}")

    def ask(self, order: str) -> Any:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(order + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            self.process.wait(timeout=15)
            raise SystemExit(f"the measured process ended:\n{self.log.read_text()[-3000:]}")
        return json.loads(line)

    def status(self) -> dict[str, float]:
        return status(self.process.pid)

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            assert self.process.stdin is not None
            self.process.stdin.write("quit\n")
            self.process.stdin.close()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


async def complaint_view(database_url: str) -> dict[str, Any]:
    """The modal `/complaint` opens, as the app renders it, to submit again and again."""
    from adapters.slack import blocks
    from bot.app import CareBot
    from bot.context import Actor
    from bot.settings import Settings
    from storage.db import Database

    db = Database(database_url)
    try:
        settings = Settings(_env_file=None, database_url=database_url)  # type: ignore[call-arg]
        reply = await CareBot(db, settings).command(Actor("slack", "T1", "U1", "asha"), "complaint")
    finally:
        await db.dispose()
    assert reply.form is not None
    return blocks.modal(reply.form, "C1")


async def send_requests(port: int, api_url: str, database_url: str, total: int) -> float:
    """`total` signed requests, IN_FLIGHT at a time: a quarter `/complaint`, half form
    submissions, a quarter `/complaint list open`. Returns the seconds they took."""
    from aiohttp import ClientSession

    from tests.slack.flows import ANSWERS
    from tests.slack.harness import SlackClientSide

    view = await complaint_view(database_url)
    answers = {**ANSWERS, "follow_up_at": int(time.time()) + 3600}
    calls: list[Callable[[SlackClientSide, int], Awaitable[Any]]] = [
        lambda side, n: side.command(),
        lambda side, n: side.submit(view, answers, view_id=f"VM{n}"),
        lambda side, n: side.submit(view, answers, view_id=f"VM{n}"),
        lambda side, n: side.command("list open"),
    ]
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(total):
        queue.put_nowait(n)
    start = time.perf_counter()
    async with ClientSession() as session:
        side = SlackClientSide(f"http://127.0.0.1:{port}", session, RemoteSlack(api_url))  # type: ignore[arg-type]

        async def worker() -> None:
            while not queue.empty():
                n = queue.get_nowait()
                response = await calls[n % len(calls)](side, n)
                status = response[0].status if isinstance(response, tuple) else response.status
                if status != 200:
                    raise SystemExit(f"request {n} refused with HTTP {status}")

        await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    return time.perf_counter() - start


def measure(database_url: str, api_url: str, requests: int, ticks: int, idle: float) -> None:
    port = free_port()
    with tempfile.NamedTemporaryFile(prefix="carebot_memory_", suffix=".log") as log:
        started = time.perf_counter()
        child = Child(port, api_url, database_url, Path(log.name))
        ready = time.perf_counter() - started
        try:
            rows = {"after start": child.status()}
            took = asyncio.run(send_requests(port, api_url, database_url, requests))
            time.sleep(0.5)  # cards and DMs posted after the acks
            child.ask(f"advance {2 * 3600}")
            ticked = child.ask(f"tick {ticks}")
            rows[f"after {requests} requests, {ticks} ticks"] = child.status()
            time.sleep(idle)
            rows[f"after {idle:g} s idle"] = child.status()
            idle_rss = rows[f"after {idle:g} s idle"]["VmRSS"]
            modules = child.ask("modules")  # before the chart could bring Pillow in
            chart = child.ask("chart")
            rows["after one digest chart"] = child.status()
        finally:
            child.stop()
    baselines = {
        "bare python -c": bare("pass"),
        "imported slack_bolt, discord, sqlalchemy": bare(LIBRARIES),
        f"imported its {len(modules)} library modules": bare(import_all(modules)),
    }
    print(f"  ready after {ready:.1f} s; requests took {took:.1f} s; ticks: {ticked}; {chart}")
    print(f"  {'process':<44} {'RSS MB':>7} {'anon':>6} {'file':>6} {'peak':>6}")
    for name, figures in {**rows, **baselines}.items():
        print(
            f"  {name:<44} {figures['VmRSS']:>7.1f} {figures['RssAnon']:>6.1f}"
            f" {figures['RssFile']:>6.1f} {figures['VmHWM']:>6.1f}"
        )
    libraries = baselines[f"imported its {len(modules)} library modules"]["VmRSS"]
    imported = baselines["imported slack_bolt, discord, sqlalchemy"]["VmRSS"]
    print(
        f"  idle: {idle_rss:.1f} MB (goal: at most {GOAL_MB} MB); carebot adds "
        f"{idle_rss - imported:.1f} MB to slack_bolt+discord+sqlalchemy, "
        f"{idle_rss - libraries:.1f} MB to all the libraries it loaded"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="signed Slack requests")
    parser.add_argument("--ticks", type=int, default=300, help="scheduler ticks in the warm-up")
    parser.add_argument("--idle", type=float, default=5.0, help="seconds idle before the figure")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        port, api_url, database_url = args.child
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(child(int(port), api_url, database_url))
        return

    fake_port = free_port()
    parent, end = multiprocessing.Pipe()
    fake = multiprocessing.Process(target=serve_fake, args=(fake_port, end), daemon=True)
    fake.start()
    assert parent.recv() == "ready"
    api_url = f"http://127.0.0.1:{fake_port}/api/"
    print(
        f"Slack (HTTP), Discord (offline, setup_hook run) and the scheduler in one process; "
        f"{args.requests} requests, {args.ticks} ticks, {args.idle:g} s idle"
    )
    try:
        with tempfile.TemporaryDirectory(prefix="carebot_memory_") as folder:
            print(f"\nSQLite (temporary file): {folder}/memory.db")
            measure(f"sqlite+aiosqlite:///{folder}/memory.db", api_url, *_load(args))
        server = os.environ.get("TEST_DATABASE_URL")
        if not server:
            print("\nPostgreSQL skipped: TEST_DATABASE_URL is not set")
            return
        from storage.scratch import scratch_database

        async def scratch() -> None:
            async with scratch_database(server, "carebot_bench") as url:
                print("\nPostgreSQL (fresh database, dropped after)")
                await asyncio.to_thread(measure, url, api_url, *_load(args))

        asyncio.run(scratch())
    finally:
        fake.kill()


def _load(args: argparse.Namespace) -> tuple[int, int, float]:
    return args.requests, args.ticks, args.idle


if __name__ == "__main__":
    main()
