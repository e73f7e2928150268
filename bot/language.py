"""`/language`: each person chooses the language carebot speaks to them; admins choose the
workspace's, which channel posts (cards, digests) and people without a choice get."""

from __future__ import annotations

from bot.context import Context
from bot.errors import UserError
from bot.i18n import N_, SUPPORTED_LOCALES, Translator
from bot.router import router
from bot.ui import Message, Reply, Section

# Each language named in itself, so a person can find theirs whatever is spoken now.
NAMES = {"en": "English", "hi": "हिन्दी", "mr": "मराठी", "bn": "বাংলা", "tl": "Tagalog"}


def _code(text: str) -> str:
    code = text.strip().lower()
    if code not in SUPPORTED_LOCALES:
        raise UserError(
            N_("Choose one of: {codes}."),
            codes=", ".join(f"{c} ({NAMES[c]})" for c in SUPPORTED_LOCALES),
        )
    return code


def _current(ctx: Context) -> Reply:
    t = ctx.t
    own = ctx.member.locale
    return Reply.say(
        Message(
            text=t("carebot uses this language with you: {language}").format(
                language=NAMES[t.locale]
            ),
            sections=(
                Section(
                    body="\n".join(
                        (
                            t("Your choice: {choice}").format(
                                choice=NAMES[own] if own else t("none (your app's language)")
                            ),
                            t("The workspace's language: {language}").format(
                                language=NAMES[ctx.workspace.locale]
                            ),
                            t("/language CODE — choose yours: {codes}").format(
                                codes=", ".join(f"{c} {NAMES[c]}" for c in SUPPORTED_LOCALES)
                            ),
                            t("/language auto — follow your app's language"),
                            t("/language workspace CODE — the workspace's (admins)"),
                        )
                    )
                ),
            ),
        )
    )


@router.command("language")
async def language_command(ctx: Context, text: str) -> Reply:
    words = text.split()
    if not words:
        return _current(ctx)
    if words[0].lower() == "workspace":
        if len(words) != 2:
            raise UserError(N_("Use /language workspace CODE, for example /language workspace hi."))
        ctx.workspace.locale = _code(words[1])
        t = Translator(ctx.workspace.locale, ctx.workspace.timezone)
        return Reply.text(
            t("From now on, channel posts use this language: {language}").format(
                language=NAMES[ctx.workspace.locale]
            )
        )
    if words[0].lower() == "auto":
        ctx.member.locale = None
        return Reply.text(ctx.t("carebot will follow your app's language."))
    ctx.member.locale = _code(words[0])
    t = Translator(ctx.member.locale, ctx.workspace.timezone)  # answered in the new language
    return Reply.text(
        t("From now on, carebot uses this language with you: {language}").format(
            language=NAMES[ctx.member.locale]
        )
    )
