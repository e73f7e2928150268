"""The workbook's sections and prompts, from the guide's Part 2 (domain.md §2.1–2.6).

Each section has items: a prompt the team answers (a list, one item per line, or a text).
Codes are stored with the answers, so wording can change without losing them.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_


@dataclass(frozen=True)
class Item:
    code: str
    prompt: str
    hint: str | None = None


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    intro: str
    items: tuple[Item, ...]
    evidence: tuple[str, ...] = ()  # figures from the log shown beside it (see evidence.py)


LIST_HINT = N_("One per line")

SECTIONS: tuple[Section, ...] = (
    Section(
        "outline",
        N_("Five questions to start"),
        N_("The outline of the policy: answer what customers will ask first."),
        (
            Item("returns", N_("Return and exchange policy")),
            Item("complaints", N_("How complaints are resolved")),
            Item(
                "reach",
                N_("How customers reach you"),
                N_("An automatic reply, or a personal one?"),
            ),
            Item(
                "associations",
                N_("Associations you belong to"),
                N_("Business bureaus or trade bodies, for credibility"),
            ),
            Item("privacy", N_("Privacy policy for customer data")),
        ),
        evidence=("top_categories",),
    ),
    Section(
        "vision",
        N_("Vision statement"),
        N_(
            "Five steps from the team's lists to a short guiding principle, a daily reminder "
            "and a goal (one chain's is four words: quality, service, cleanliness, value)."
        ),
        (
            Item("success", N_("1. Reasons for success in 3–5 years"), LIST_HINT),
            Item("customers", N_("2. Those reasons, as customers see them"), LIST_HINT),
            Item("steps", N_("3. Steps taken to improve service"), LIST_HINT),
            Item("elements", N_("4. Key elements of the vision"), LIST_HINT),
            Item("statement", N_("5. Actions and the vision statement")),
        ),
    ),
    Section(
        "product",
        N_("Product or service overview"),
        N_("Is it easy for customers to learn about what you sell?"),
        (Item("answer", N_("What customers can learn, and where")),),
    ),
    Section(
        "speed",
        N_("Speed"),
        N_(
            "Can customers order quickly and painlessly? Are knowledgeable people available? "
            "Set maximum waiting times in the shop and on the phone."
        ),
        (Item("answer", N_("Maximum waiting times and who answers")),),
        evidence=("resolution",),
    ),
    Section(
        "communication",
        N_("Communication"),
        N_(
            "Are return and shipping policies easy to find, payment methods shown, add-ons "
            "and warranties explained without pressure?"
        ),
        (Item("answer", N_("What is shown, where, and how")),),
    ),
    Section(
        "follow_up",
        N_("Follow-up"),
        N_(
            "After a purchase: a named contact with phone and email, a delivery timeline, "
            "support information; complaining is easy."
        ),
        (Item("answer", N_("What every customer gets after buying")),),
        evidence=("follow_ups",),
    ),
    Section(
        "complaints",
        N_("Complaints"),
        N_(
            "Handled promptly? Do employees have freedom to find the best solution? Is senior "
            "management involved quickly when needed? How are customers compensated? Is there "
            "follow-up to make sure they are satisfied?"
        ),
        (Item("answer", N_("How complaints are handled and compensated")),),
        evidence=("resolution", "satisfaction", "top_categories"),
    ),
    Section(
        "retention",
        N_("Retention"),
        N_(
            "Build long-term relationships: contact the customer one month after the "
            "transaction; consider newsletters, coupons, a customer forum."
        ),
        (Item("answer", N_("How you keep customers")),),
        evidence=("satisfaction",),
    ),
    Section(
        "monitoring",
        N_("Employee monitoring"),
        N_(
            "Encourage good service, share customer feedback with staff, address it when "
            "standards are missed, recognise and reward good service."
        ),
        (Item("answer", N_("How service is encouraged and recognised")),),
    ),
    Section(
        "training",
        N_("Training"),
        N_(
            "A mandatory kick-off meeting that explains the policy, then regular meetings "
            "and workshops. carebot reminds the team the day before each."
        ),
        (
            Item("kickoff", N_("Kick-off meeting (date and time)")),
            Item("sessions", N_("Regular sessions, one date per line"), LIST_HINT),
            Item("topics", N_("Topics, e.g. resolving complaints"), LIST_HINT),
        ),
    ),
)

BY_CODE = {section.code: section for section in SECTIONS}

# The four steps staff use instead of strict rules (domain.md §2.5), in every document.
DISCRETION = (
    N_("Understand the problem: let the customer speak, note the facts, repeat them back."),
    N_("Identify the cause: what happened, what should have; often it is ours, not theirs."),
    N_("Propose solutions: ask for the customer's ideas first, agree a plan for both."),
    N_("Resolve the problem: act, check they are pleased, apologise, offer something."),
)
