"""Start-up to ready: `carebot run` (Slack, HTTP mode) until /healthz answers, and the shell.

Each case is a fresh process started with `subprocess.Popen` and timed with
`time.perf_counter` from just before the launch:

- `carebot run`, with SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL (a fake of Slack's
  Web API, tests/slack_fake, in a process of its own), HOST=127.0.0.1 and PORT set: until
  GET /healthz answers 200 (polled every 20 ms from this process; /healthz runs a SELECT 1,
  so the database is open and the schema up to date). Goal: at most 3 s. Then it is stopped
  with SIGINT, as a person stops it: the time until the warm run has exited is a row of its
  own (killed, and counted as infinite, after 20 s).
- `carebot shell` with "/quit" piped in: until the process has exited.
- baselines, started the same way and timed until they exit: `python -c "pass"` and
  `python -c "import slack_bolt, discord, sqlalchemy"` (the libraries' import
  time, whatever carebot does with them). Ratios are to the second.

The first start on a fresh database applies the migrations: "first" runs each get a new
database (a new SQLite file; a new PostgreSQL database when TEST_DATABASE_URL is set), "warm"
runs start again on the database the first run left. The cases are interleaved (one of each
per round), so a busy moment of the machine hits all of them alike; medians are of --runs
rounds, after one untimed round that warms the page cache. The processes run in an empty
temporary folder (no `.env` is read) with no other SLACK_*/DISCORD_* variable set. Nothing
is asserted; the script prints figures.

    python bench/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import math
import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the test fakes

from sqlalchemy.engine import make_url

from storage.scratch import autocommit

CAREBOT = str(Path(sys.executable).parent / "carebot")
POLL = 0.02
LIBRARIES = "import slack_bolt, discord, sqlalchemy"
GOAL_S = 3.0
TOKEN = "xoxb-test"
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TIMEOUT = 60.0
STOP_TIMEOUT = 20.0  # then it is killed, and its stop counts as infinite
STOP = "carebot run, stop: SIGINT to exit (warm)"

Case = Callable[[str], float]  # database URL -> seconds


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_fake(port: int, conn: Connection) -> None:
    from tests.slack_fake import FakeSlack

    async def forever() -> None:
        slack = FakeSlack(lenient=True, tokens={TOKEN})
        await slack.start(port)
        conn.send("ready")
        await asyncio.Event().wait()

    asyncio.run(forever())


def environment(database_url: str, api_url: str, port: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "DISCORD_", "DATABASE_URL", "PORT", "HOST"))
    }
    return env | {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
    }


class Launcher:
    def __init__(self, folder: Path, api_url: str) -> None:
        self.folder = folder
        self.api_url = api_url
        self.log = folder / "stderr.log"
        self.stopped = math.nan  # seconds from the last `carebot run`'s SIGINT to its exit

    def _fail(self, what: str, process: subprocess.Popen[bytes]) -> None:
        process.kill()
        process.wait()
        raise SystemExit(f"{what} failed:\n{self.log.read_text()[-3000:]}")

    def until_exit(self, argv: list[str], database_url: str, stdin: bytes = b"") -> float:
        env = environment(database_url, self.api_url, free_port())
        with self.log.open("wb") as log:
            start = time.perf_counter()
            process = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=log,
                cwd=self.folder,
                env=env,
            )
            process.communicate(stdin, timeout=TIMEOUT)
            elapsed = time.perf_counter() - start
        if process.returncode != 0:
            self._fail(" ".join(argv), process)
        return elapsed

    def until_healthy(self, database_url: str) -> float:
        port = free_port()
        env = environment(database_url, self.api_url, port)
        with self.log.open("wb") as log:
            start = time.perf_counter()
            process = subprocess.Popen(
                [CAREBOT, "run"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
                cwd=self.folder,
                env=env,
                preexec_fn=default_sigint,
            )
            try:
                while not healthy(port):
                    if process.poll() is not None or time.perf_counter() - start > TIMEOUT:
                        self._fail("carebot run", process)
                    time.sleep(POLL)
                elapsed = time.perf_counter() - start
            finally:
                stopping = time.perf_counter()
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=STOP_TIMEOUT)
                    self.stopped = time.perf_counter() - stopping
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
                    self.stopped = math.inf
        return elapsed

    def python(self, code: str) -> Case:
        return lambda _url: self.until_exit([sys.executable, "-c", code], "")

    def shell(self, database_url: str) -> float:
        return self.until_exit([CAREBOT, "shell"], database_url, b"/quit\n")


def default_sigint() -> None:
    """In the child before it runs carebot: a shell starting this script in the background
    (`nohup ... &`) leaves SIGINT ignored, and Python would then never raise
    KeyboardInterrupt, so the stop would wait for the kill."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def healthy(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


class Databases:
    """A new database for each "first" run; "warm" runs reuse the last one made."""

    def __init__(self, folder: Path, server: str | None) -> None:
        self.folder = folder
        self.server = server
        self._made = 0

    @contextmanager
    def fresh(self) -> Iterator[str]:
        self._made += 1
        if self.server is None:
            yield f"sqlite+aiosqlite:///{self.folder / f'startup{self._made}.db'}"
            return
        name = f"carebot_bench_startup_{os.getpid()}_{self._made}"
        asyncio.run(autocommit(self.server, f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(self.server).set(database=name).render_as_string(hide_password=False)
        finally:
            asyncio.run(autocommit(self.server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def measure(launcher: Launcher, databases: Databases, runs: int) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {}
    base_cases: dict[str, Case] = {
        'python -c "pass"': launcher.python("pass"),
        f'python -c "{LIBRARIES}"': launcher.python(LIBRARIES),
    }
    for round_ in range(runs + 1):  # the first round is untimed
        timed: dict[str, float] = {name: case("") for name, case in base_cases.items()}
        with databases.fresh() as url:
            timed["carebot run, first (migrations)"] = launcher.until_healthy(url)
            timed["carebot run, warm"] = launcher.until_healthy(url)
            timed[STOP] = launcher.stopped
        with databases.fresh() as url:
            timed["carebot shell, first (migrations)"] = launcher.shell(url)
            timed["carebot shell, warm"] = launcher.shell(url)
        if round_:
            for name, seconds in timed.items():
                samples.setdefault(name, []).append(seconds)
    return samples


def report(title: str, samples: dict[str, list[float]]) -> None:
    base = statistics.median(samples[f'python -c "{LIBRARIES}"'])
    print(f"\n{title}")
    print(f"  {'process':<62} {'median s':>8} {'min':>6} {'max':>6} {'vs imports':>10}")
    for name, runs in samples.items():
        median = statistics.median(runs)
        ratio = "" if name == STOP else f"{median / base:>9.2f}x"
        print(f"  {name:<62} {median:>8.2f} {min(runs):>6.2f} {max(runs):>6.2f} {ratio}")
    first = statistics.median(samples["carebot run, first (migrations)"])
    warm = statistics.median(samples["carebot run, warm"])
    print(f"  carebot run to ready: first {first:.2f} s, warm {warm:.2f} s (goal: at most 3 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed rounds (median)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    fake_port = free_port()
    parent, end = multiprocessing.Pipe()
    fake = multiprocessing.Process(target=serve_fake, args=(fake_port, end), daemon=True)
    fake.start()
    assert parent.recv() == "ready"
    api_url = f"http://127.0.0.1:{fake_port}/api/"
    print(f"median of {args.runs} rounds, one of each case per round, after one untimed round")
    try:
        with tempfile.TemporaryDirectory(prefix="carebot_startup_") as folder:
            samples = measure(
                Launcher(Path(folder), api_url), Databases(Path(folder), None), args.runs
            )
        report("SQLite (a new file for each first run)", samples)
        server = os.environ.get("TEST_DATABASE_URL")
        if not server:
            print("\nPostgreSQL skipped: TEST_DATABASE_URL is not set")
            return
        with tempfile.TemporaryDirectory(prefix="carebot_startup_") as folder:
            databases = Databases(Path(folder), server)
            samples = measure(Launcher(Path(folder), api_url), databases, args.runs)
        report("PostgreSQL (a new database for each first run, dropped after)", samples)
    finally:
        fake.kill()
        with contextlib.suppress(ValueError):
            fake.close()


if __name__ == "__main__":
    main()
