"""The web adapter's own sentences: what only the HTTP side can find out (a body too large to
read, a method the page does not take, a database that did not answer). Marked with N_ so
`python -m bot.catalogs` extracts them with the core's, shown in the page's language."""

from __future__ import annotations

from bot.i18n import N_

TOO_LARGE = N_("Your answer was too long to send, and nothing was saved.")
TOO_LARGE_HELP = N_("Please go back, shorten what you wrote and send it again.")
NOT_ALLOWED = N_("This page cannot be used that way.")
NOT_ALLOWED_HELP = N_("Please open the link you were sent again and answer there.")
UNAVAILABLE = N_("The survey cannot be opened just now.")
UNAVAILABLE_HELP = N_("Please try again in a few minutes.")
LANGUAGE = N_("Language")
