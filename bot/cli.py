"""`carebot`: run the bot, open the shell, upgrade the database, export the log, see jobs,
and each adapter's own commands (`carebot slack manifest`)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from importlib.metadata import entry_points

from pydantic import ValidationError

from bot.errors import UserError
from bot.export import export_complaints
from bot.i18n import Translator
from bot.logs import configure
from bot.policy import document as policy_document
from bot.privacy.cli import customer_command
from bot.settings import Settings
from scheduler.commands import list_jobs, run_due
from storage.db import Database
from storage.migrate import upgrade

ADAPTERS = "carebot.adapters"
# An adapter's own commands (`carebot slack manifest`): a plug-in named by its first word,
# called with the settings and the words after it.
COMMANDS = "carebot.commands"
AdapterCommand = Callable[[Settings, list[str]], int]

PLATFORMS = ("slack", "discord")  # tried in this order by `carebot run`; else the shell


def load_adapter(name: str) -> Callable[[Settings], int]:
    """Adapters are plug-ins registered under the `carebot.adapters` entry-point group."""
    found = entry_points(group=ADAPTERS, name=name)
    if not found:
        raise SystemExit(f"carebot: no adapter named {name!r} is installed")
    adapter: Callable[[Settings], int] = next(iter(found)).load()
    return adapter


OWN = ("run", "shell", "db", "export", "customer", "jobs")  # carebot's; they come first


def adapter_commands() -> list[str]:
    """The first words of the adapters' own commands, read from the installed metadata (the
    adapters themselves are loaded only when their command runs)."""
    return sorted({found.name for found in entry_points(group=COMMANDS)} - set(OWN))


def load_command(name: str) -> AdapterCommand:
    command: AdapterCommand = next(iter(entry_points(group=COMMANDS, name=name))).load()
    return command


def chosen_platform() -> str:
    """The adapter `carebot run` starts: the first platform whose credentials are set (each
    adapter reads its own settings), else the shell."""
    for name in PLATFORMS:
        if entry_points(group=ADAPTERS, name=name):
            configured = getattr(load_adapter(name), "configured", None)
            if callable(configured) and configured():
                return name
    return "console"


def _since(text: str) -> datetime:
    try:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
    except ValueError:
        raise argparse.ArgumentTypeError("use a date like 2026-11-01") from None


def _instant(text: str) -> datetime:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("use a time like 2026-11-03T09:00+05:30") from None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="carebot", description=__doc__)
    commands = main.add_subparsers(dest="command")
    commands.add_parser(
        "run", help="start on the platform whose credentials are set, else the shell"
    )
    commands.add_parser("shell", help="the local shell: slash commands in a terminal")
    db = commands.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"])
    export = commands.add_parser("export", help="write the complaint log to standard output")
    export.add_argument("what", choices=["complaints", "policy"])
    export.add_argument(
        "--format", choices=["csv", "jsonl", "md"], help="csv or jsonl (complaints), md (policy)"
    )
    export.add_argument("--since", type=_since, help="only complaints received on or after DATE")
    export.add_argument("--workspace", help="the policy's workspace as PLATFORM:ID")
    customer = commands.add_parser(
        "customer", help="one customer's data: export it (JSON) or erase it (audited)"
    )
    customer.add_argument("action", choices=["export", "erase"])
    customer.add_argument(
        "who", metavar="PHONE|EMAIL|NAME", help="phone number, email address or full name"
    )
    customer.add_argument("--workspace", required=True, help="PLATFORM:ID, e.g. slack:T0123ABCD")
    customer.add_argument("--yes", action="store_true", help="erase without asking again")
    jobs = commands.add_parser("jobs", help="scheduled work: what is due next, run it now")
    jobs_actions = jobs.add_subparsers(dest="jobs_action", required=True)
    jobs_actions.add_parser("list", help="the 50 pending jobs due soonest")
    due = jobs_actions.add_parser("run-due", help="run one scheduler tick and report it")
    due.add_argument(
        "--at", type=_instant, help="as if the clock said this ISO-8601 time (UTC without offset)"
    )
    for name in adapter_commands():  # their words are theirs to parse (`main`)
        commands.add_parser(name, help=f"the {name} adapter's set-up (carebot {name} --help)")
    return main


async def _upgrade(settings: Settings) -> None:
    db = Database(settings.database_url)
    try:
        await upgrade(db.engine)
    finally:
        await db.dispose()


async def _export(settings: Settings, fmt: str, since: datetime | None) -> int:
    db = Database(settings.database_url)
    try:
        await upgrade(db.engine)
        count = await export_complaints(db, sys.stdout, fmt, since)
    finally:
        await db.dispose()
    print(f"{count} complaints exported", file=sys.stderr)
    return 0


async def _export_policy(settings: Settings, workspace: str | None) -> int:
    db = Database(settings.database_url)
    try:
        await upgrade(db.engine)
        text = await policy_document.export(db, settings, workspace)
    except UserError as error:
        print(f"carebot: {error.message(Translator(settings.default_locale))}", file=sys.stderr)
        return 2
    finally:
        await db.dispose()
    sys.stdout.write(text)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    # An adapter's own command takes every word after its name, options and --help included.
    adapter = bool(words) and words[0] in adapter_commands()
    args = parser().parse_args(words[:1] if adapter else words)
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"carebot: invalid settings:\n{exc}", file=sys.stderr)
        return 2
    command = args.command or "run"
    if command == "run":
        return load_adapter(chosen_platform())(settings)  # each adapter configures logging
    if command == "shell":
        return load_adapter("console")(settings)
    configure(settings)  # to standard error: standard output is the command's own
    if adapter:
        return load_command(command)(settings, words[1:])
    if command == "db":
        asyncio.run(_upgrade(settings))
        print("database is up to date", file=sys.stderr)
        return 0
    if command == "customer":
        return asyncio.run(
            customer_command(
                settings, args.action, args.who, args.workspace, args.yes, sys.stdout, sys.stderr
            )
        )
    if command == "jobs":
        if args.jobs_action == "list":
            return asyncio.run(list_jobs(settings, sys.stdout))
        return asyncio.run(run_due(settings, sys.stdout, args.at))
    if args.what == "policy":
        return asyncio.run(_export_policy(settings, args.workspace))
    return asyncio.run(_export(settings, args.format or "csv", args.since))


if __name__ == "__main__":
    sys.exit(main())
