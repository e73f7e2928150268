"""No code reaches a person: every audit action the code records has a label in the history.

The actions are found in the source itself (every call that writes an audit row), so a new
action without a label fails here before anyone reads `survey_sent` in a complaint's history."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from sqlalchemy import select

from bot.app import CareBot
from bot.context import Actor
from bot.events import EVENT_LABELS, UNKNOWN_EVENT, event_label
from bot.i18n import SUPPORTED_LOCALES, Translator
from storage.db import Database
from storage.models import AuditEvent, Complaint
from tests.factories import log_complaint, texts

ROOT = Path(__file__).resolve().parent.parent
# The writers of audit rows, and which positional argument is the action:
# service.audit(ctx, action, ...), surveys' audit(session, survey, action, ...),
# customers.record(session, workspace_id, actor_id, action, ...).
WRITERS = {"audit": (1, 2), "record": (3,)}


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level NAME = "text" assignments (e.g. SEARCHED = "searched")."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    found[target.id] = node.value.value
    return found


def _text(node: ast.expr, constants: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def actions_in_code() -> set[str]:
    actions: set[str] = set()
    for path in (ROOT / "bot").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _constants(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                for index in WRITERS.get(name, ()):
                    if index < len(node.args):
                        text = _text(node.args[index], constants)
                        if text and re.fullmatch(r"[a-z_]+", text):
                            actions.add(text)
                for keyword in node.keywords:
                    if name == "AuditEvent" and keyword.arg == "action":
                        text = _text(keyword.value, constants)
                        actions.update([text] if text else [])
            if isinstance(node, ast.Dict):  # a row inserted in bulk: {"action": "created", ...}
                for key, value in zip(node.keys, node.values, strict=True):
                    if key is not None and _text(key, constants) == "action":
                        text = _text(value, constants)
                        actions.update([text] if text else [])
    return actions


def test_every_audit_action_in_the_code_has_a_label() -> None:
    in_code = actions_in_code()
    # The scan finds what it should: the ones a person met as codes among them.
    assert {"retention_check", "personal_data_shown", "survey_sent", "searched"} <= in_code
    assert {"created", "customer_erased", "role_changed", "survey_opt_out"} <= in_code
    missing = sorted(in_code - EVENT_LABELS.keys())
    assert not missing, f"give these a label in bot/events.py: {missing}"


def test_an_unknown_action_reads_as_a_change_not_as_its_code() -> None:
    for locale in SUPPORTED_LOCALES:
        t = Translator(locale)
        assert event_label("something_new", t) == t(UNKNOWN_EVENT)
        assert all("_" not in event_label(action, t) for action in EVENT_LABELS)


async def test_a_history_in_hindi_shows_no_action_code(
    carebot: CareBot, db: Database, asha: Actor
) -> None:
    await log_complaint(carebot, asha)
    await carebot.command(asha, "language", "hi")
    async with db.session() as session:
        complaint = (await session.scalars(select(Complaint))).one()
        at = complaint.received_at
        for action in ("retention_check", "personal_data_shown", "survey_sent", "survey_answered"):
            session.add(
                AuditEvent(
                    workspace_id=complaint.workspace_id,
                    complaint_id=complaint.id,
                    actor_id=None,
                    action=action,
                    changes={},
                    at=at,
                )
            )
        await session.commit()
    shown = texts(await carebot.command(asha, "complaint", "show 1"))
    hi = Translator("hi")
    history = shown.split(hi("History"), 1)[1]
    codes = re.findall(r"\b[a-z]+(?:_[a-z]+)+\b", history)
    assert not codes, codes
    assert not set(EVENT_LABELS) & set(re.findall(r"[a-z_]+", history))
    assert hi(EVENT_LABELS["created"]) in history  # the complaint's own first event
