"""The Slack adapter's own sentences: what only Slack's side can find out (a modal Slack would
not open). Marked with N_ so `python -m bot.catalogs` extracts them with the core's, and
translated with the core's Translator where they are shown."""

from __future__ import annotations

from bot.i18n import N_

FORM_NOT_OPENED = N_(
    "Slack could not open the form just now; nothing was saved. Please try the command again."
)
