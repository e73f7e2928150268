"""`/complaint`: the complaint log's command, declared once with its subcommands, and the
router that brings the log's buttons, forms and due work with it."""

from __future__ import annotations

from bot.complaints import changes, escalation, export, handlers, reminders
from bot.i18n import N_
from bot.permissions import MANAGERS
from bot.sla.targets import PRIORITIES
from bot.surveys import handlers as surveys
from bot.tree import Arg, ArgKind, Command, Router

PAGE = Arg("page", ArgKind.NUMBER, N_("Which page of the list"), keyword=True)
NUMBER = Arg("number", ArgKind.COMPLAINT, N_("The complaint's number"), required=True)
CATEGORY = Arg("name", ArgKind.TEXT, N_("The category's name"), required=True, placeholder="NAME")

COMPLAINT = Command(
    "complaint",
    N_("Log a complaint, or list, show and search them"),
    title=N_("The complaint log"),
    default="new",
    subcommands=(
        Command("new", N_("log a new complaint"), handlers.new_command),
        Command(
            "list",
            N_("complaints, newest first"),
            handlers.list_command,
            (
                Arg(
                    "status",
                    ArgKind.CHOICE,
                    N_("Which complaints"),
                    choices=handlers.LIST_VIEWS,
                ),
                Arg(
                    "category",
                    ArgKind.TEXT,
                    N_("Only complaints of this kind"),
                    keyword=True,
                    placeholder="NAME",
                ),
                Arg(
                    "priority",
                    ArgKind.CHOICE,
                    N_("Only complaints of this priority"),
                    choices=tuple(reversed(PRIORITIES)),
                    keyword=True,
                ),
                PAGE,
            ),
        ),
        Command("show", N_("everything about one complaint"), handlers.show_command, (NUMBER,)),
        Command(
            "search",
            N_(
                "by what happened, number or category; by customer name or phone among those "
                "you may see"
            ),
            handlers.search_command,
            (
                Arg(
                    "words",
                    ArgKind.TEXT,
                    N_("Words, #number, phone or category"),
                    required=True,
                    placeholder="WORDS|#N|PHONE",
                ),
                PAGE,
            ),
        ),
        Command(
            "export",
            N_("the log as a file, only for you"),
            export.export_command,
            (
                Arg(
                    "since",
                    ArgKind.TEXT,
                    N_("From this day"),
                    keyword=True,
                    placeholder="YYYY-MM-DD",
                ),
                Arg(
                    "until",
                    ArgKind.TEXT,
                    N_("To this day"),
                    keyword=True,
                    placeholder="YYYY-MM-DD",
                ),
                Arg("format", ArgKind.CHOICE, N_("csv or xlsx"), choices=export.FORMATS),
            ),
        ),
        Command(
            "categories",
            N_("the kinds of complaint"),
            default="list",
            subcommands=(
                Command("list", N_("the kinds of complaint"), handlers.categories_command, (PAGE,)),
                Command("add", N_("add a kind"), handlers.add_category, (CATEGORY,), rule=MANAGERS),
                Command(
                    "remove",
                    N_("remove a kind"),
                    handlers.remove_category,
                    (CATEGORY,),
                    rule=MANAGERS,
                ),
            ),
        ),
        Command(
            "channel",
            N_("where complaint cards are posted"),
            handlers.channel_command,
            (Arg("where", ArgKind.CHOICE, N_("This channel, or none"), choices=("here", "off")),),
            change=MANAGERS,
        ),
        Command(
            "escalation",
            N_("when managers are told"),
            escalation.escalation_command,
            (
                Arg(
                    "setting",
                    ArgKind.CHOICE,
                    N_("What to set"),
                    choices=("hours", "amount", "off"),
                ),
                Arg("value", ArgKind.TEXT, N_("Hours open, or an amount"), placeholder="N|X"),
            ),
            change=MANAGERS,
        ),
        Command(
            "managers",
            N_("the managers' channel for escalations"),
            escalation.managers_command,
            (
                Arg(
                    "where",
                    ArgKind.CHOICE,
                    N_("This channel, or none"),
                    choices=("here", "off"),
                    required=True,
                ),
            ),
            rule=MANAGERS,
        ),
        Command(
            "survey",
            N_("customer surveys"),
            surveys.survey_command,
            (
                Arg(
                    "setting",
                    ArgKind.CHOICE,
                    N_("What to set"),
                    choices=("delay", "one-month", "name"),
                ),
                Arg(
                    "value",
                    ArgKind.TEXT,
                    N_("Hours or off; on or off; the business name"),
                    placeholder="HOURS|on|off|NAME",
                ),
            ),
            change=MANAGERS,
        ),
    ),
)

router = Router("complaints").include(
    handlers.router, changes.router, escalation.router, reminders.router
)
router.add(COMPLAINT)
