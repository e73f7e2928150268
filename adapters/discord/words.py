"""The Discord adapter's own sentences: what only Discord needs said (multi-step forms, closed
DMs, command descriptions). Marked with N_ so `python -m bot.catalogs` extracts them with the
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

# Slash command descriptions (Discord shows them in the command picker).
COMMANDS = {
    "complaint": N_("Log a complaint, or list, show and search them"),
    "assessment": N_("The customer service self-assessment, in your DMs"),
    "goal": N_("Goals for the team and how they stand"),
    "metric": N_("Record a measurement for a goal"),
    "digest": N_("The weekly digest: where and when it goes"),
    "help": N_("What carebot can do"),
    "home": N_("Your complaints and what needs your attention"),
    "language": N_("The language carebot speaks to you"),
    "carebot": N_("People's roles, and customers' privacy requests"),
    "policy": N_("Write the customer service policy together"),
    "sla": N_("Response and resolution targets, in business hours"),
}
# Command names as a person types them, in the languages Discord offers (of ours: Hindi).
# One lowercase word each: Discord allows letters of any script, no spaces.
COMMAND_NAMES = {
    "complaint": N_("complaint"),
    "assessment": N_("assessment"),
    "goal": N_("goal"),
    "metric": N_("metric"),
    "digest": N_("digest"),
    "help": N_("help"),
    "home": N_("home"),
    "language": N_("language"),
    "carebot": N_("carebot"),
    "policy": N_("policy"),
    "sla": N_("sla"),
}
# The message context menu (Apps → Log as complaint), as Slack's message shortcut.
FROM_MESSAGE = N_("Log as complaint")
TEXT_OPTION = N_("What to do, e.g. “list open”; empty to start")
