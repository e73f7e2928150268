"""`/carebot customer export|erase PHONE|EMAIL|NAME`: admins answer a customer's request for their
data, or to be forgotten. Both answer only the admin, and both are audited."""

from __future__ import annotations

from bot.complaints import service
from bot.context import Context
from bot.errors import UserError
from bot.i18n import N_
from bot.privacy import customers
from bot.privacy.customers import Customer
from bot.privacy.document import document, to_json
from bot.tree import Router
from bot.ui import Attachment, Button, ButtonStyle, Message, Reply, Section
from storage.models import Complaint

router = Router("privacy.handlers")

ERASE = "privacy.erase"
USAGE = N_(
    "Use /carebot customer export PHONE|EMAIL|NAME, or /carebot customer erase PHONE|EMAIL|NAME."
)
# How the Erase button names the customer: by phone, email or name (its value's first letter).
BY = {"phone": "p", "email": "e", "name": "n"}


async def export_command(ctx: Context, rest: str) -> Reply:
    return await _customer(ctx, "export", rest)


async def erase_command(ctx: Context, rest: str) -> Reply:
    return await _customer(ctx, "erase", rest)


async def _customer(ctx: Context, verb: str, typed: str) -> Reply:
    if not typed.strip():
        raise UserError(USAGE)
    customer = customers.identify(typed, ctx.workspace.phone_region)
    found = await customers.find(ctx.session, ctx.workspace.id, customer)
    if not found:
        return Reply.text(ctx.t("No complaint of this customer was found."))
    if verb == "export":
        return await _export(ctx, customer, found)
    return _confirm(ctx, customer, found)


async def _export(ctx: Context, customer: Customer, found: list[Complaint]) -> Reply:
    t, now = ctx.t, ctx.now()
    doc = await document(ctx.session, ctx.workspace, customer, found, now)
    customers.record(
        ctx.session,
        ctx.workspace.id,
        ctx.member.id,
        "customer_exported",
        now,
        found,
        matched_by=customer.matched_by,
    )
    # The file's name says nothing about whom it is about: chat apps list files by name.
    attachment = Attachment(
        filename=f"customer-{now:%Y%m%d-%H%M%S}.json",
        title=t("Customer data"),
        content=to_json(doc).encode(),
        mime="application/json",
    )
    return Reply.say(
        Message(
            text=t.ngettext(
                "{count} complaint exported.", "{count} complaints exported.", len(found)
            ).format(count=t.number(len(found), 0)),
            sections=(
                Section(body=t("The file holds the customer's personal data: keep it safe.")),
            ),
            files=(attachment,),
        )
    )


def _confirm(ctx: Context, customer: Customer, found: list[Complaint]) -> Reply:
    """Nothing is erased before the admin presses the button. The button names the customer
    by one of their complaints (a phone, an email or a long name would not fit in Discord's
    ids, and would be personal data in a button's value)."""
    t = ctx.t
    numbers = ", ".join(f"#{c.number}" for c in found)
    value = f"{BY[customer.matched_by]}:{found[0].number}"
    return Reply.say(
        Message(
            text=t("Erase this customer's personal data?"),
            sections=(
                Section(
                    body=t(
                        "Complaints {numbers}: the name, phone number, email and address, and "
                        "what the customer said could be done better, are removed for good; "
                        "counts, categories, dates, compensation and survey scores stay. This "
                        "cannot be undone."
                    ).format(numbers=numbers)
                ),
            ),
            buttons=(Button(t("Erase"), ERASE, value, ButtonStyle.DANGER),),
        )
    )


@router.action(ERASE)
async def erase_action(ctx: Context, _action: str, value: str) -> Reply:
    by, _, number = value.partition(":")
    if by not in BY.values() or not number.isdigit():
        raise UserError(USAGE)
    complaint = await service.get(ctx, number=int(number), for_update=True)
    if complaint.erased_at is not None:  # a second press, or someone was quicker
        return Reply.text(ctx.t("This customer's personal data is erased already."))
    if by == BY["phone"] and complaint.customer_phone:
        customer = Customer(phone=complaint.customer_phone)
    elif by == BY["email"] and complaint.customer_email:
        customer = Customer(email=complaint.customer_email)
    else:
        customer = Customer(name=complaint.customer_name)
    found = await customers.find(ctx.session, ctx.workspace.id, customer)
    now = ctx.now()
    count = await customers.erase(ctx.session, ctx.workspace.id, found, now)
    customers.record(
        ctx.session,
        ctx.workspace.id,
        ctx.member.id,
        "customer_erased",
        now,
        found,
        matched_by=customer.matched_by,
    )
    note = ctx.t.ngettext(
        "The customer's personal data is erased from {count} complaint.",
        "The customer's personal data is erased from {count} complaints.",
        count,
    )
    return Reply.text(note.format(count=ctx.t.number(count, 0)))
