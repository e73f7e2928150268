"""The customers' survey page over HTTP, against a bare aiohttp handler measured in the same run.

Surveys are made as in use: complaints logged and resolved through the core, the "survey" jobs
run by the scheduler's engine, and the links taken from what the agent would be sent. Then,
on a real aiohttp server on a loopback port (the client in the same process):

- GET alone: page loads one at a time, p50/p99 (what a customer sees on an idle server);
- GET, 10 at once: rounds of 10 concurrent page loads, p50/p99 of each request;
- POST: every survey answered once (a score and a comment), 10 in flight: p50/p99 and answers
  per second.

The baseline is a bare aiohttp handler serving a static page of the same size (GET) and reading
the same form to answer a static page (POST), in the same process and run. Goals: p99 at most
2x the bare handler's; answers per second at least 0.3x its requests per second.

SQLite runs on a temporary file; PostgreSQL too when TEST_DATABASE_URL is set or `--postgres
URL` names a server (a fresh database is created there and dropped at the end). Nothing is
asserted; the script prints figures.

    python bench/survey.py [--surveys 300] [--rounds 50] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp import ClientSession, TCPConnector, web
from aiohttp.test_utils import TestServer
from sqlalchemy.engine import make_url

from adapters.health import health_app
from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor, Role
from bot.scheduled import Outgoing
from bot.settings import Settings
from scheduler.engine import Engine
from storage.db import Database
from storage.migrate import upgrade
from storage.scratch import scratch_database

ACTOR = Actor("console", "bench", "asha", "Asha", platform_role=Role.ADMIN)
COMPLAINT = {
    "customer_name": "Ravi Kumar",
    "category": "delivery",
    "description": "Parcel late",
    "solution": "Refund shipping",
    "solution_mode": "promised",
    "follow_up_at": "+2d",
}
RESOLVE = {"solution": "Refunded", "solution_mode": "on_the_spot", "prevention": "Check stock"}
CONCURRENCY = 10
IN_FLIGHT = 10
TOKEN = re.compile(r"/s/([A-Za-z0-9_.-]+)")


class Links:
    """The scheduler's deliverer for the bench: keeps the survey links the agent is sent."""

    def __init__(self) -> None:
        self.tokens: list[str] = []

    async def deliver(self, outgoing: Outgoing) -> None:
        for post in outgoing.reply.posts:
            for section in post.message.sections:
                for _, value in section.fields:
                    self.tokens += TOKEN.findall(value)


async def make_surveys(db: Database, settings: Settings, clock: ManualClock, n: int) -> list[str]:
    bot = CareBot(db, settings, clock)
    await bot.command(ACTOR, "complaint", "survey name Sharma Electronics")
    for number in range(1, n + 1):
        # A phone of its own each: a customer is surveyed once in SURVEY_COOLDOWN_DAYS.
        phone = f"+91 98{number:08d}"
        await bot.submit(ACTOR, "complaint.create", {**COMPLAINT, "customer_phone": phone}, {})
        await bot.submit(ACTOR, "complaint.resolve", RESOLVE, {"number": str(number)})
    clock.advance(timedelta(hours=25))
    links = Links()
    engine = Engine(db, settings, clock, {"console": links})
    while (await engine.tick()).claimed:
        pass
    if len(links.tokens) != n:
        raise SystemExit(f"{len(links.tokens)} survey links for {n} complaints")
    return links.tokens


@dataclass
class Figures:
    alone: list[float]
    get: list[float]
    post: list[float]
    rate: float  # answers (or bare POSTs) per second


def ms(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


async def timed(call: Awaitable[tuple[int, str]], want: str) -> float:
    """`call` is a coroutine not started yet: it runs, and is timed, here."""
    start = time.perf_counter()
    status, text = await call
    took = time.perf_counter() - start
    if status != 200 or want not in text:
        raise SystemExit(f"unexpected answer: HTTP {status}")
    return took


async def run(
    base: str, session: ClientSession, tokens: list[str], rounds: int, page: str, thanks: str
) -> Figures:
    async def get(token: str) -> tuple[int, str]:
        async with session.get(f"{base}/s/{token}") as answer:
            return answer.status, await answer.text()

    async def post(token: str, n: int) -> tuple[int, str]:
        form = {"token": token, "score": str(n % 5 + 1), "better": "Call me sooner, please."}
        async with session.post(f"{base}/s/{token}", data=form) as answer:
            return answer.status, await answer.text()

    for token in tokens[:CONCURRENCY]:  # warm-up: connections, caches, the template
        await timed(get(token), page)
    alone = [await timed(get(tokens[n % len(tokens)]), page) for n in range(rounds * CONCURRENCY)]
    gets: list[float] = []
    for r in range(rounds):
        batch = [tokens[(r * CONCURRENCY + i) % len(tokens)] for i in range(CONCURRENCY)]
        gets += await asyncio.gather(*(timed(get(t), page) for t in batch))

    queue = list(enumerate(tokens))
    posts: list[float] = []

    async def worker() -> None:
        while queue:
            n, token = queue.pop()
            posts.append(await timed(post(token, n), thanks))

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    return Figures(alone, gets, posts, len(tokens) / (time.perf_counter() - start))


def bare_app(page_html: str, thanks_html: str) -> web.Application:
    """A bare aiohttp handler: the same bytes, nothing behind them."""

    async def get(_request: web.Request) -> web.Response:
        return web.Response(text=page_html, content_type="text/html")

    async def post(request: web.Request) -> web.Response:
        await request.post()
        return web.Response(text=thanks_html, content_type="text/html")

    application = web.Application()
    application.router.add_get("/s/{token}", get)
    application.router.add_post("/s/{token}", post)
    return application


async def serve(application: web.Application) -> tuple[TestServer, str]:
    server = TestServer(application, host="127.0.0.1")
    await server.start_server()
    return server, str(server.make_url("")).rstrip("/")


async def backend(url: str, n: int, rounds: int) -> dict[str, Figures]:
    db = Database(url)
    try:
        await upgrade(db.engine)
        settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
        clock = ManualClock(datetime.now(UTC))
        tokens = await make_surveys(db, settings, clock, n)
        results: dict[str, Figures] = {}
        async with ClientSession(connector=TCPConnector(limit=100)) as session:
            server, base = await serve(health_app(db, settings=settings, clock=clock))
            try:
                async with session.get(f"{base}/s/{tokens[0]}") as answer:
                    page_html = await answer.text()
                results["survey page"] = await run(
                    base, session, tokens, rounds, "How did we do?", "Thank you!"
                )
                async with session.get(f"{base}/s/{tokens[0]}") as answer:
                    thanks_html = await answer.text()  # answered: the polite page, same size
            finally:
                await server.close()
            server, base = await serve(bare_app(page_html, thanks_html))
            try:
                results["bare handler"] = await run(
                    base, session, tokens, rounds, "How did we do?", "Thank you"
                )
            finally:
                await server.close()
        print(f"  page {len(page_html.encode())} bytes; after an answer {len(thanks_html)}")
        return results
    finally:
        await db.dispose()


def report(title: str, results: dict[str, Figures]) -> None:
    print(f"\n{title}")
    print(
        f"  {'server':13} {'GET alone p50/p99 ms':>21} {'GET x10 p50/p99 ms':>19}"
        f" {'POST p50/p99 ms':>16} {'answers/s':>10}"
    )
    for name, f in results.items():
        print(
            f"  {name:13} {ms(f.alone, 50):10.2f}/{ms(f.alone, 99):<10.2f}"
            f" {ms(f.get, 50):9.2f}/{ms(f.get, 99):<9.2f}"
            f" {ms(f.post, 50):7.2f}/{ms(f.post, 99):<8.2f} {f.rate:10.1f}"
        )
    ours, bare = results["survey page"], results["bare handler"]

    def ratio(of: str) -> str:
        return f"{ms(getattr(ours, of), 99) / ms(getattr(bare, of), 99):.2f}x"

    print(
        f"  p99 against the bare handler (goal: at most 2x): GET alone {ratio('alone')}, "
        f"GET x10 {ratio('get')}, POST {ratio('post')}"
    )
    print(f"  answers/s: {ours.rate / bare.rate:.2f}x its requests/s (goal: at least 0.3x)")


async def main(n: int, rounds: int, postgres: str | None) -> None:
    print(
        f"{rounds} rounds of {CONCURRENCY} concurrent GETs; {n} surveys answered, "
        f"{IN_FLIGHT} in flight; client and server in one process"
    )
    with tempfile.TemporaryDirectory(prefix="carebot_bench_") as folder:
        path = Path(folder) / "bench.db"
        report(
            f"SQLite (temporary file): {path}",
            await backend(f"sqlite+aiosqlite:///{path}", n, rounds),
        )
    if not postgres:
        print("\nPostgreSQL skipped: neither TEST_DATABASE_URL nor --postgres is set")
        return
    async with scratch_database(postgres, "carebot_bench") as url:
        report(
            f"PostgreSQL (fresh database, dropped after): {make_url(url)}",
            await backend(url, n, rounds),
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--surveys", type=int, default=300, help="surveys made and answered")
    parser.add_argument("--rounds", type=int, default=50, help="rounds of concurrent GETs")
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"))
    args = parser.parse_args()
    if args.surveys < CONCURRENCY or args.rounds < 2:
        parser.error(f"--surveys must be at least {CONCURRENCY} and --rounds at least 2")
    asyncio.run(main(args.surveys, args.rounds, args.postgres))
