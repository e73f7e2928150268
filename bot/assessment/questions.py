"""The assessment's statements, sections and scale (domain.md Part 3), as message ids.

`QUESTION_SET` is stored with every run: change it whenever the wording or the items change,
so that results given to different statements are never compared as if they were the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_

QUESTION_SET = "csq-1"


@dataclass(frozen=True)
class Item:
    code: str  # "1a": section number and letter, as the guide numbers them
    text: str


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    intro: str
    advice: str  # what to work on when this section scores low
    items: tuple[Item, ...]


SCALE = {
    1: N_("None of the time"),
    2: N_("Rarely"),
    3: N_("Some of the time"),
    4: N_("Most of the time"),
    5: N_("All of the time"),
}

SECTIONS: tuple[Section, ...] = (
    Section(
        1,
        N_("Customer-focused culture"),
        N_("For every customer who complains, 26 others stay silent."),
        N_(
            "Write a short vision statement with your team, share customer feedback with staff "
            "and recognise good service when you see it."
        ),
        (
            Item(
                "1a",
                N_("We are committed to doing whatever it takes to create satisfied customers."),
            ),
            Item("1b", N_("We try to do things right the first time.")),
            Item("1c", N_("As the owner, I set the example that customer service matters.")),
            Item("1d", N_("Meeting customers' needs takes priority over our internal needs.")),
        ),
    ),
    Section(
        2,
        N_("Products and sales materials"),
        N_("55% of customers would pay more for guaranteed good service."),
        N_(
            "Make it easy to learn what you sell: clear product information, visible return and "
            "shipping policies, and no promise you cannot keep."
        ),
        (
            Item("2a", N_("When we sell, we aim for a partnership with the customer.")),
            Item("2b", N_("Our advertising never promises what we cannot deliver.")),
            Item("2c", N_("We know which features and benefits matter most to our customers.")),
            Item(
                "2d",
                N_("We design new products and services from information our customers give us."),
            ),
        ),
    ),
    Section(
        3,
        N_("Responding to feedback"),
        N_("91% of unhappy customers never complain and never come back."),
        N_(
            "Log every complaint, review the log each week, and set a goal for the share of "
            "complainants who are satisfied with how their complaint was handled."
        ),
        (
            Item("3a", N_("We review customer complaints.")),
            Item("3b", N_("We keep asking customers for feedback.")),
            Item(
                "3c", N_("We regularly look for ways to eliminate errors based on customer input.")
            ),
        ),
    ),
    Section(
        4,
        N_("Knowing the customers"),
        N_("Customers tell you what they expect only when you ask them."),
        N_(
            "Ask customers directly: short surveys, a focus group, and a call one month after "
            "each purchase or resolved complaint."
        ),
        (
            Item("4a", N_("We have found out what our customers expect from us.")),
            Item("4b", N_("We interact with our customers often.")),
            Item("4c", N_("Every employee knows what matters to our customers.")),
        ),
    ),
    Section(
        5,
        N_("Being easy to reach"),
        N_("A complaint resolved quickly can turn an unhappy customer into a loyal one."),
        N_(
            "Set maximum waiting times for calls and in the shop, give customers a named contact "
            "after a sale, and make complaining easy."
        ),
        (
            Item("5a", N_("We make it easy for customers to deal with us.")),
            Item("5b", N_("We aim to resolve every customer complaint.")),
            Item("5c", N_("We encourage “saving the customer” — winning back the unhappy ones.")),
        ),
    ),
    Section(
        6,
        N_("Qualified staff"),
        N_("Two thirds of customers who leave do so because staff seemed indifferent."),
        N_(
            "Hold a kick-off meeting on the policy, train complaint handling regularly, and give "
            "staff the four steps to resolve a problem instead of strict rules."
        ),
        (
            Item("6a", N_("I respect my employees.")),
            Item("6b", N_("Every employee understands our product or service thoroughly.")),
            Item("6c", N_("Every employee has the tools and skills to do the job well.")),
            Item("6d", N_("Every employee is encouraged to resolve customer issues.")),
            Item("6e", N_("Every employee sees customer satisfaction as part of the job.")),
        ),
    ),
    Section(
        7,
        N_("Continuous improvement"),
        N_("The problems customers name most often are the cheapest ones to fix."),
        N_(
            "Find your top three customer service issues, fix them first, and learn from vendors "
            "and other businesses."
        ),
        (
            Item("7a", N_("We keep working to improve our processes and products.")),
            Item(
                "7b",
                N_("We network with other groups to learn from their strengths and weaknesses."),
            ),
            Item("7c", N_("When we uncover problems, we try to fix them quickly.")),
        ),
    ),
)

ITEMS: tuple[Item, ...] = tuple(item for section in SECTIONS for item in section.items)
SECTION_OF: dict[str, Section] = {item.code: s for s in SECTIONS for item in s.items}
