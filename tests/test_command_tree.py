"""The command tree (bot/tree.py, bot/routes.py): declared once, included explicitly.

Importing a domain's module registers nothing anywhere; the core's modules import one another
without a circle; a subcommand declared once is dispatched, helped and permission-checked."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor, Role
from bot.i18n import N_
from bot.permissions import MANAGERS
from bot.routes import command_rules, root
from bot.settings import Settings
from bot.tree import Arg, ArgKind, Command, Router, Step, resolve
from bot.ui import Reply
from storage.db import Database
from tests.conftest import person
from tests.factories import texts

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The core modules `path` imports, at any depth (a function's import counts: it is how
    the old circle hid), except under `if TYPE_CHECKING:`."""
    tree = ast.parse(path.read_text())
    skipped = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for n in ast.walk(node)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found & modules


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_the_core_imports_without_a_circle() -> None:
    """bot.app → bot.help → bot.policy.handlers → bot.policy.document → bot.app was one."""
    paths = {
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
        for p in (ROOT / "bot").rglob("*.py")
    }
    graph = {name: _imports(path, set(paths)) - {name} for name, path in paths.items()}
    assert len(graph) > 50
    assert _circles(graph) == []


def test_importing_a_domain_registers_nothing_by_itself() -> None:
    probe = (
        "import sys\n"
        "import bot.goals.handlers as goals\n"
        "from bot.tree import Router\n"
        "print(sorted(goals.router.commands), 'bot.routes' in sys.modules,"
        " 'bot.complaints.commands' in sys.modules, Router('x').commands)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "['goal', 'metric'] False False {}"


def test_a_domain_declared_twice_is_refused() -> None:
    goals = root().commands["goal"]
    again = Router("again")
    again.add(goals)
    try:
        Router("root").include(again, again)
    except ValueError as error:
        assert "goal" in str(error)
    else:
        raise AssertionError("a command declared twice was accepted")


async def _echo(_ctx: object, rest: str) -> Reply:
    return Reply.text(f"echo: {rest}")


EXTRA = Command(
    "echo",
    N_("repeat what was typed"),
    _echo,
    (Arg("words", ArgKind.TEXT, N_("What to repeat"), required=True),),
    rule=MANAGERS,
)


def _with_extra() -> Router:
    tree = Router("test")
    tree.commands = dict(root().commands)
    tree.actions, tree.forms, tree.jobs = root().actions, root().forms, root().jobs
    digest = tree.commands["digest"]
    tree.commands["digest"] = Command(
        **{**digest.__dict__, "subcommands": (*digest.subcommands, EXTRA)}
    )
    return tree


async def test_one_declaration_is_dispatched_helped_and_checked(
    db: Database, settings: Settings, clock: ManualClock
) -> None:
    tree = _with_extra()
    carebot = CareBot(db, settings, clock, routes=tree)
    asha, bob = person("Asha", Role.ADMIN), person("Bob", Role.AGENT)
    await carebot.command(asha, "help")
    assert texts(await carebot.command(asha, "digest", "echo hello there")) == "echo: hello there"
    assert "Only managers and admins" in texts(await carebot.command(bob, "digest", "echo hi"))
    shown = texts(await carebot.command(asha, "help"))
    assert "/digest echo TEXT — repeat what was typed" in shown
    assert "/digest echo" not in texts(await carebot.command(bob, "help"))  # not Bob's to use
    assert command_rules(tree.commands)["digest echo"] is MANAGERS


def test_words_lead_where_the_handlers_read_them() -> None:
    complaint = root().commands["complaint"]
    assert resolve(complaint, "").step is Step.RUN
    assert resolve(complaint, "").words == "complaint new"
    found = resolve(complaint, "LIST open page 2")
    assert (found.words, found.rest) == ("complaint list", "open page 2")
    assert resolve(complaint, "frobnicate").step is Step.UNKNOWN
    assert resolve(complaint, "categories").words == "complaint categories list"
    assert resolve(complaint, "help").step is Step.HELP
    language = root().commands["language"]
    assert (resolve(language, "hi").words, resolve(language, "hi").rest) == ("language me", "hi")


async def test_an_unknown_subcommand_names_the_group_to_ask(carebot: CareBot, asha: Actor) -> None:
    said = texts(await carebot.command(asha, "carebot", "frobnicate"))
    assert said == "Unknown subcommand “frobnicate”. Type /carebot help."
