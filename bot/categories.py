"""Complaint categories: sensible defaults, extended per workspace."""

from __future__ import annotations

from bot.i18n import N_, Translator

# Codes are stored; labels are translated when shown. Custom categories are stored as typed.
DEFAULT_CATEGORIES: dict[str, str] = {
    "product_defect": N_("Product defect"),
    "delivery": N_("Delivery"),
    "billing": N_("Billing or refund"),
    "staff_service": N_("Staff or service"),
    "website_app": N_("Website or app"),
    "other": N_("Other"),
}


def category_label(code: str, t: Translator) -> str:
    label = DEFAULT_CATEGORIES.get(code)
    return t(label) if label else code
