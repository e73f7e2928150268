"""The Discord adapter's own sentences: what only Discord needs said (multi-step forms, closed
DMs, the names of commands). Marked with N_ so `python -m bot.catalogs` extracts them with the
core's, and translated with the core's Translator where they are shown."""

from __future__ import annotations

from bot.i18n import N_

DMS_CLOSED = N_(
    "I could not send you a direct message: your DMs are closed to me. Allow direct messages "
    "from this server's members (Privacy Settings) and try again."
)
STEP_SAVED = N_("Part {step} of {steps} is kept. Go on with the next part.")
CONTINUE = N_("Continue ({step}/{steps})")
FIX_INTRO = N_("Nothing was saved yet. Please correct:")
FIX_BUTTON = N_("Correct “{field}”")
FORM_EXPIRED = N_("This form has expired; nothing was saved. Please start again.")
NO_WORKSPACE = N_("Please use this command in a channel of your server first.")
SUPPORT_ONLY = N_("carebot is for the support team here (the “{role}” role).")
DONE = N_("Done.")

# The top-level commands' names as a person types them, in the languages Discord offers (of
# ours: Hindi): marked here so the catalogs hold them. One lowercase word each: Discord allows
# letters of any script, no spaces. Descriptions are the command tree's `help`.
COMMAND_NAMES = (
    N_("complaint"),
    N_("assessment"),
    N_("goal"),
    N_("metric"),
    N_("digest"),
    N_("help"),
    N_("home"),
    N_("language"),
    N_("carebot"),
    N_("policy"),
    N_("report"),
    N_("sla"),
)
# The message context menu (Apps → Log as complaint), as Slack's message shortcut.
FROM_MESSAGE = N_("Log as complaint")
