"""Everything carebot answers to, in one place: each domain's router, included explicitly.

The root is built on first use; nothing registers itself by being imported. `/help`, the
Slack manifests, Discord's commands and the shell's completion all read this tree.
"""

from __future__ import annotations

from functools import cache

from bot import admin, drafts, home, language, outbox
from bot.assessment import handlers as assessment
from bot.complaints import commands as complaints
from bot.digest import handlers as digest
from bot.digest import job as digest_job
from bot.goals import handlers as goals
from bot.i18n import N_
from bot.permissions import EVERYONE, Rule
from bot.policy import handlers as policy
from bot.policy import training
from bot.privacy import handlers as privacy
from bot.privacy import retention as privacy_retention
from bot.reports import handlers as reports
from bot.retention import checks as retention
from bot.sla import handlers as sla
from bot.surveys import jobs as survey_jobs
from bot.tree import Command, Router, inherited


@cache
def root() -> Router:
    """The whole tree, built once per process."""
    return tree()


def tree(*more: Router) -> Router:
    """Every domain's router, and `more` (a tree with one command added, in a test)."""
    here = Router("root")
    here.add(Command("help", N_("What carebot can do")))  # all of the tree, read by the core
    return here.include(
        complaints.router,
        assessment.router,
        goals.router,
        digest.router,
        digest_job.router,
        reports.router,
        policy.router,
        training.router,
        admin.router,
        privacy.router,
        privacy_retention.router,
        retention.router,
        survey_jobs.router,
        sla.router,
        outbox.router,
        drafts.router,
        home.router,
        language.router,
        *more,
    )


def command_rules(commands: dict[str, Command] | None = None) -> dict[str, Rule]:
    """Who may use each command, by its words ("… " when words that change something follow):
    the commands' rows of the permission table, read off the tree."""
    rules: dict[str, Rule] = {}
    for top in (commands if commands is not None else root().commands).values():
        stack: list[tuple[tuple[Command, ...], str]] = [((top,), top.name)]
        while stack:
            path, words = stack.pop()
            command = path[-1]
            rules[words] = inherited(path) or EVERYONE
            if command.change is not None:
                rules[words + " …"] = command.change
            stack.extend(((*path, s), f"{words} {s.name}") for s in command.subcommands)
    return rules
