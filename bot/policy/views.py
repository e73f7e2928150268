"""How the workbook looks: the overview, one section, its history."""

from __future__ import annotations

from bot.context import Context, Role
from bot.policy.content import SECTIONS, Section
from bot.policy.service import Change, is_final
from bot.ui import Button, ButtonStyle, Field, FieldKind, Form, Message
from bot.ui import Section as Part
from storage.models import PolicyEntry, PolicySection

FORM = "policy.save"
ANSWER_MAX = 2000  # within Slack's 3000 and Discord's 4000 per input


def status(ctx: Context, row: PolicySection | None, answered: int, total: int) -> str:
    t = ctx.t
    if is_final(row):
        return t("final")
    if row is not None and row.final_version:
        return t("changed since marked final")
    if not answered:
        return t("not started")
    return t("{answered} of {total} answered").format(answered=answered, total=total)


def overview(
    ctx: Context,
    rows: dict[str, PolicySection],
    current: dict[tuple[str, str], PolicyEntry],
    people: list[str],
) -> Message:
    t = ctx.t
    lines = []
    for section in SECTIONS:
        answered = sum(1 for item in section.items if current.get((section.code, item.code)))
        state = status(ctx, rows.get(section.code), answered, len(section.items))
        lines.append(f"• {t(section.title)}: {state}")
    final = sum(1 for s in SECTIONS if is_final(rows.get(s.code)))
    return Message(
        text=t("Customer service policy: {final} of {total} sections final").format(
            final=final, total=len(SECTIONS)
        ),
        sections=(
            Part(body="\n".join(lines)),
            Part(
                body=t("Written by: {people}").format(people=", ".join(people))
                if people
                else t("Nobody has written anything yet: open a section to start.")
            ),
        ),
        buttons=(
            *(Button(t(s.title), f"policy.section:{s.code}") for s in SECTIONS),
            Button(t("Policy document"), "policy.document", "", ButtonStyle.PRIMARY),
        ),
    )


def section_view(
    ctx: Context,
    section: Section,
    row: PolicySection | None,
    current: dict[tuple[str, str], PolicyEntry],
    evidence: list[str],
) -> Message:
    t = ctx.t
    parts = [Part(body=t(section.intro))]
    if evidence:
        parts.append(Part(body="\n".join(evidence)))
    for item in section.items:
        entry = current.get((section.code, item.code))
        by = (
            t("{name}, {when}").format(name=entry.by.display_name, when=t.datetime(entry.at))
            if entry
            else None
        )
        parts.append(Part(title=t(item.prompt), body=entry.text if entry else "—"))
        if by:
            parts.append(Part(body=t("Last written by {by}").format(by=by)))
    answered = sum(1 for item in section.items if current.get((section.code, item.code)))
    parts.append(Part(body=status(ctx, row, answered, len(section.items))))
    code = section.code
    buttons = [Button(t("Write"), f"policy.write:{code}", "", ButtonStyle.PRIMARY)]
    buttons.append(Button(t("History"), f"policy.history:{code}"))
    if ctx.role in (Role.MANAGER, Role.ADMIN) and row is not None and not is_final(row):
        buttons.append(Button(t("Mark final"), f"policy.final:{code}"))
    buttons.append(Button(t("Overview"), "policy.overview"))
    return Message(text=t(section.title), sections=tuple(parts), buttons=tuple(buttons))


def form(ctx: Context, section: Section, current: dict[tuple[str, str], PolicyEntry]) -> Form:
    t = ctx.t
    fields = tuple(
        Field(
            item.code,
            t(item.prompt),
            FieldKind.LONG_TEXT,
            max_length=ANSWER_MAX,
            initial=entry.text if (entry := current.get((section.code, item.code))) else None,
            hint=t(item.hint) if item.hint else None,
        )
        for item in section.items
    )
    return Form(
        form_id=FORM,
        title=t("Policy workbook"),
        submit_label=t("Save"),
        fields=fields,
        state={"section": section.code},
        intro=t(section.title) + " — " + t(section.intro),
    )


def history_view(ctx: Context, section: Section, changes: list[Change]) -> Message:
    t = ctx.t
    prompts = {item.code: t(item.prompt) for item in section.items}
    if not changes:
        return Message(text=t("{section}: nothing written yet.").format(section=t(section.title)))
    parts = []
    for change in changes:
        body = "\n".join(
            f"{prompts.get(item, item)}\n" + "\n".join(f"  {line}" for line in lines)
            for item, lines in change.lines
        )
        title = t("Version {version} · {name} · {when}").format(
            version=change.version, name=change.by, when=t.datetime(change.at)
        )
        parts.append(Part(title=title, body=body or "—"))
    return Message(
        text=t("{section}: what changed").format(section=t(section.title)),
        sections=tuple(parts),
        buttons=(Button(t("Back to the section"), f"policy.section:{section.code}"),),
    )
