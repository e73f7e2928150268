"""Keeping the gettext catalogs in step with the code: `python -m bot.catalogs`.

Extracts every marked string (`t(...)`, `N_(...)`, `ngettext(...)`) from the core and the
adapters with Babel, and updates each locale's .po file. English ids are English text, so
the English catalog's translations are the ids themselves.
"""

from __future__ import annotations

import copy
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from bot.i18n import DOMAIN, LOCALES_DIR, SUPPORTED_LOCALES

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("bot", "adapters")
KEYWORDS = {"t": None, "N_": None, "ngettext": (1, 2), "gettext": None}


def extract() -> Catalog:
    template = Catalog(domain=DOMAIN, project="carebot")
    for folder in SOURCES:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            template.add(
                message,
                None,
                [(f"{folder}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return template


def po_path(locale: str) -> Path:
    return LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def update(locale: str, template: Catalog) -> Catalog:
    path = po_path(locale)
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale, domain=DOMAIN)
    else:
        catalog = Catalog(locale=locale, domain=DOMAIN, project="carebot")
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    catalog.fuzzy = False  # the header is ours, not a guess: it must be used
    catalog.last_translator = catalog.language_team = "carebot translators"
    if locale == "en":
        for message in catalog:
            if message.id:
                message.string = message.id
                message.flags.discard("fuzzy")
    return catalog


def main() -> None:
    template = extract()
    for locale in SUPPORTED_LOCALES:
        # A copy each: Babel's update shares the template's new messages with the catalog,
        # and the English one fills them in.
        catalog = update(locale, copy.deepcopy(template))  # new ids arrive untranslated
        po_path(locale).parent.mkdir(parents=True, exist_ok=True)
        with po_path(locale).open("wb") as handle:
            write_po(handle, catalog, width=100, sort_output=False, omit_header=False)
        print(f"{locale}: {len(catalog)} messages")


if __name__ == "__main__":
    main()
