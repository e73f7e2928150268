"""`/language`: each person chooses the language carebot speaks to them; admins choose the
workspace's, which channel posts (cards, digests) and people without a choice get."""

from __future__ import annotations

from dataclasses import replace

from bot.context import Context
from bot.errors import UserError
from bot.i18n import N_, SUPPORTED_LOCALES, Translator
from bot.permissions import ADMINS, Rule
from bot.tree import Arg, ArgKind, Command, Router
from bot.ui import Message, Reply, Section

router = Router("language")

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


async def workspace_command(ctx: Context, rest: str) -> Reply:
    if len(rest.split()) != 1:
        raise UserError(N_("Use /language workspace CODE, for example /language workspace hi."))
    ctx.workspace.locale = _code(rest)
    t = Translator(ctx.workspace.locale, ctx.workspace.timezone)
    return Reply.text(
        t("From now on, channel posts use this language: {language}").format(
            language=NAMES[ctx.workspace.locale]
        )
    )


async def language_command(ctx: Context, rest: str) -> Reply:
    words = rest.split()
    if not words:
        return _current(ctx)
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


CODE = Arg("code", ArgKind.CHOICE, N_("The language"), choices=(*SUPPORTED_LOCALES, "auto"))

router.add(
    Command(
        "language",
        N_("The language carebot speaks to you"),
        default="me",
        subcommands=(
            Command("me", N_("the language carebot speaks to you"), language_command, (CODE,)),
            Command(
                "workspace",
                N_("the workspace's language, for channel posts"),
                workspace_command,
                (replace(CODE, choices=SUPPORTED_LOCALES, required=True),),
                rule=Rule(
                    ADMINS.roles, refusal=N_("Only admins can change the workspace's language.")
                ),
            ),
        ),
    )
)
