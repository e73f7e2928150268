"""The shell's commands come from the command tree: Tab completes them, /help lists them,
and a command declared once in the tree is typed, completed and listed with nothing else to
change. At a real terminal, Tab completes through readline."""

from __future__ import annotations

import os
import select
import socket
import subprocess
import time
from pathlib import Path

import pytest

from adapters.console.shell import OWN_WORDS
from bot.completion import complete
from bot.context import Context
from bot.routes import root, tree
from bot.settings import Settings
from bot.tree import Arg, ArgKind, Command, Router
from bot.ui import Reply
from storage.db import Database
from tests.test_shell import CAREBOT, shell_session


def completing(line: str) -> list[str]:
    """What Tab offers at the end of `line`, as readline asks (the last word is `text`)."""
    text = "" if line.endswith(" ") else line.split()[-1]
    return complete(root().commands, line, text, OWN_WORDS)


def test_top_level_commands_and_the_shells_own_words() -> None:
    everything = completing("/")
    assert everything == [*(f"/{name}" for name in root().commands), "/as", "/clock", "/quit"]
    assert completing("/compl") == ["/complaint"]
    assert completing("/c") == ["/complaint", "/carebot", "/clock"]
    assert completing("/q") == ["/quit"]
    assert completing("compl") == ["/complaint"]  # the shell takes commands without "/" too


def test_subcommands_choices_and_keywords_at_every_level() -> None:
    assert completing("/complaint l") == ["list"]
    assert completing("/complaint list o") == ["open", "overdue"]
    assert completing("/complaint list open p") == ["priority", "page"]
    assert completing("/complaint list open priority u") == ["urgent"]
    assert completing("/complaint list open page 2 ") == ["category", "priority"]  # page is used
    assert completing("/complaint list page ") == []  # a number comes next
    assert completing("/language w") == ["workspace"]
    assert completing("/language h") == ["help", "hi"]  # the default (`me`) takes a code
    assert completing("/language workspace ") == ["en", "hi", "mr", "bn", "tl"]
    assert completing("/complaint categories list p") == ["page"]
    assert completing("/complaint search parcel arrived late p") == ["page"]
    assert completing("/policy workbook s") == ["speed"]
    assert completing("/COMPLAINT LIST O") == ["open", "overdue"]  # case as the commands take it
    assert completing("/complaint show ") == []  # a number: nothing to offer
    assert completing("/complaint list open mine ") == []  # one status only
    assert completing("/nothing ") == [] and completing("/as ") == []


def test_completion_offers_the_whole_tree_whatever_the_role() -> None:
    """Completion takes no person: every subcommand at every level is offered, those only
    managers or admins may run included (running one is what checks who may)."""
    guarded = 0
    for top in root().commands.values():
        for path, command in top.walk():
            if len(path) == 1:
                assert f"/{command.name}" in completing(f"/{command.name[:2]}")
                continue
            guarded += command.rule is not None
            line = "/" + " ".join((*path[:-1], command.name[:1]))
            assert command.name in completing(line), line
    assert guarded > 0  # `/carebot role`, `/complaint channel` … are among them
    assert completing("/carebot r") == ["role", "roles"]


def test_the_shells_own_words_are_not_the_trees() -> None:
    assert not set(OWN_WORDS) & set(root().commands)


async def _wished(_ctx: Context, rest: str) -> Reply:
    return Reply.text(f"Wished for {rest}.")


WISH = Command(
    "wish",
    "Wishes for the team",
    subcommands=(
        Command(
            "make",
            "Make a wish",
            _wished,
            args=(
                Arg("kind", ArgKind.CHOICE, "The kind", choices=("small", "big"), required=True),
            ),
        ),
    ),
)


def test_a_command_added_to_the_tree_is_completed() -> None:
    commands = {**root().commands, WISH.name: WISH}
    assert "/wish" in complete(commands, "/w", "/w")
    assert complete(commands, "/wish ", "") == ["make", "help"]
    assert complete(commands, "/wish make b", "b") == ["big"]


async def test_a_command_added_to_the_tree_is_in_the_shells_help_and_runs(
    db: Database, settings: Settings
) -> None:
    routes = tree(Router("wishes", commands={WISH.name: WISH}))
    out = await shell_session(db, settings, ["/help", "/wish make big", "/wish"], routes)
    help_text = out.split("> /wish make big")[0]
    assert "/wish make small|big — Make a wish" in help_text
    assert "/complaint list" in help_text  # the core's commands, as before
    assert "/as NAME [agent|manager|admin]" in help_text  # then the shell's own words
    assert "Wished for big." in out
    assert out.count("/wish make small|big — Make a wish") == 2  # `/wish` bare: its help


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _read_until(fd: int, wanted: bytes, seen: bytearray, seconds: float = 30) -> bytes:
    deadline = time.monotonic() + seconds
    while wanted not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"no {wanted!r} in {bytes(seen)!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the terminal closed: the shell has ended
                break
            seen += chunk
    return bytes(seen)


def test_tab_completes_a_command_at_a_terminal(tmp_path: Path) -> None:
    pytest.importorskip("readline")
    main, terminal = os.openpty()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'carebot.db'}",
        "PORT": str(_free_port()),
        "TERM": "xterm",
        "DEFAULT_LOCALE": "en",
    }
    shell = subprocess.Popen(
        [CAREBOT, "shell"],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env=env,
        cwd=tmp_path,
        start_new_session=True,
    )
    os.close(terminal)
    seen = bytearray()
    try:
        _read_until(main, b"> ", seen)
        os.write(main, b"/compl\t")
        _read_until(main, b"/complaint ", seen)
        os.write(main, b"li\tal\t\r")  # "list ", "all ", then Enter runs it
        out = _read_until(main, b"No complaints", seen)
        assert b"/complaint list all " in out
        os.write(main, b"/quit\r")
        _read_until(main, b"Goodbye.", seen)
        assert shell.wait(timeout=30) == 0
    finally:
        if shell.poll() is None:
            shell.kill()
            shell.wait()
        os.close(main)
