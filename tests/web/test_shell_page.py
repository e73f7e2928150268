"""`carebot shell` serves the survey page on localhost:PORT while it runs: a link it prints
can be answered in a browser, and a low answer's alert is printed in the shell at once."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TextIO

import pytest
from aiohttp import ClientError, ClientSession

from adapters.console.shell import main
from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.settings import Settings
from storage.db import Database
from tests.web.surveys import path_of, survey_link, surveys

WAIT = 20.0  # seconds, at most, for the shell's server or its output


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def until(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Polls a real server or a real stream (no schedule is waited for), for WAIT at most."""
    step = 0.05
    for _ in range(int(WAIT / step)):
        if await check():
            return
        await asyncio.sleep(step)
    raise AssertionError(f"{what}: not within {WAIT} seconds")


@asynccontextmanager
async def shell_running(settings: Settings, stdout: io.StringIO) -> AsyncIterator[TextIO]:
    """`carebot shell` with the page served, reading from a pipe; ends at end of input."""
    read, write = os.pipe()
    with os.fdopen(read) as stdin, os.fdopen(write, "w") as typing:
        task = asyncio.create_task(main(settings, stdin, stdout, serve=True))
        try:
            yield typing
        finally:
            typing.close()
            assert await asyncio.wait_for(task, WAIT) == 0


async def test_the_shell_serves_the_page_and_prints_a_low_answers_alert(
    db: Database, settings: Settings, asha: Actor, tmp_path: Path
) -> None:
    clock = ManualClock()  # the shell's clock is the real one: the link must be valid now
    link = path_of(await survey_link(CareBot(db, settings, clock), db, settings, clock, asha))
    port = free_port()
    config = settings.model_copy(update={"port": port, "files_dir": str(tmp_path)})
    assert config.survey_base_url() == f"http://localhost:{port}"
    stdout = io.StringIO()
    base = f"http://localhost:{port}"
    async with ClientSession() as session, shell_running(config, stdout):

        async def healthy() -> bool:
            try:
                return (await session.get(f"{base}/healthz")).status == 200
            except ClientError:
                return False

        await until(healthy, "the shell's /healthz")
        assert (await session.get(f"{base}{link}")).status == 200
        answer = await session.post(
            f"{base}{link}", data={"token": link.rsplit("/", 1)[1], "score": "1"}
        )
        assert answer.status == 200

        async def alerted() -> bool:
            return "the customer is not satisfied" in stdout.getvalue()

        await until(alerted, "the alert in the shell")
    (survey,) = await surveys(db)
    assert survey.score == 1


async def test_a_port_already_taken_costs_the_page_not_the_shell(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = settings.model_copy(update={"port": port, "files_dir": str(tmp_path)})
        stdout = io.StringIO()
        with caplog.at_level(logging.WARNING, logger="adapters.health"):
            async with shell_running(config, stdout) as typing:
                typing.write("/help\n")
    assert "cannot listen on localhost" in caplog.text
    assert "/complaint" in stdout.getvalue()  # the shell ran all the same
