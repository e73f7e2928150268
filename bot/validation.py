"""Turning what people type into valid values, with a localised message at each wrong field.

Validators raise `invalid(msgid, **params)`; msgids are English gettext ids, translated only
when the errors are shown, so one validation serves every language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import phonenumbers
from babel.numbers import get_currency_precision, list_currencies
from pydantic import (
    BaseModel,
    BeforeValidator,
    EmailStr,
    GetCoreSchemaHandler,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
)
from pydantic_core import PydanticCustomError, core_schema

from bot.clock import add_months
from bot.i18n import N_, Translator

CUSTOM = "carebot"


def invalid(msgid: str, **params: Any) -> PydanticCustomError:
    return PydanticCustomError(CUSTOM, "{msgid}", {"msgid": msgid, **params})


# Messages for pydantic's own error types (the few our models can still produce).
_BUILTIN = {
    "missing": N_("This field is required."),
    "string_too_short": N_("This field is required."),
    "string_too_long": N_("Keep this to {max_length} characters or fewer."),
    "literal_error": N_("Choose one of the options."),
    "enum": N_("Choose one of the options."),
}


def field_errors(exc: ValidationError, t: Translator) -> dict[str, str]:
    """One translated message per field (the first error of each), keyed by field name."""
    result: dict[str, str] = {}
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "__form__"
        if name in result:
            continue
        ctx = dict(error.get("ctx") or {})
        if error["type"] == CUSTOM:
            msgid = ctx.pop("msgid")
        else:
            msgid = _BUILTIN.get(error["type"], N_("This value is not valid."))
        result[name] = t(msgid).format(**ctx)
    return result


@dataclass(frozen=True)
class FormContext:
    """What validators need to know beyond the values: handed in as pydantic's context."""

    now: datetime
    zone: ZoneInfo
    phone_region: str
    currency: str
    categories: tuple[str, ...] = ()


def form_context(info: ValidationInfo) -> FormContext:
    if not isinstance(info.context, FormContext):
        raise TypeError("validation needs a FormContext")
    return info.context


# --- text -------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: Any) -> str | None:
    """NFC-normalised, control characters removed, trimmed; empty becomes None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid(N_("Enter text here."))
    value = _CONTROL.sub("", unicodedata.normalize("NFC", value)).strip()
    return value or None


CleanText = Annotated[str, BeforeValidator(clean_text)]
OptionalText = Annotated[str | None, BeforeValidator(clean_text)]


def require(value: str | None) -> str:
    if value is None:
        raise invalid(N_("This field is required."))
    return value


def check_length(value: str | None, max_length: int) -> str | None:
    if value is not None and len(value) > max_length:
        raise invalid(
            N_("Keep this to {max_length} characters or fewer (now {length})."),
            max_length=max_length,
            length=len(value),
        )
    return value


@dataclass(frozen=True)
class Limit:
    """A text field's longest length, and whether it must be filled, declared once on the
    schema's field (`Annotated[OptionalText, Limit(100, required=True)]`): validation checks
    it, and a form reads it (`limit_of`) for its field, so the two never disagree."""

    max_length: int
    required: bool = False

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        # After the text is cleaned, before the field's own validators (a phone is parsed
        # only once it is known not to be too long).
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def check(self, value: str | None) -> str | None:
        if self.required:
            value = require(value)
        return check_length(value, self.max_length)


def limit_of(model: type[BaseModel], name: str) -> Limit:
    """The Limit declared on a schema's field (a KeyError when it has none)."""
    for item in model.model_fields[name].metadata:
        if isinstance(item, Limit):
            return item
    raise KeyError(f"{model.__name__}.{name} declares no Limit")


# --- phone numbers ----------------------------------------------------------------------------


def parse_phone(raw: str, region: str) -> str:
    """A phone number in E.164 form; numbers without +country are read in the workspace region."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise invalid(
            N_("This does not look like a phone number. Example: {example}"),
            example=example_phone(region),
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise invalid(
            N_("This phone number is not valid. Example: {example}"),
            example=example_phone(region),
        )
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def example_phone(region: str) -> str:
    example = phonenumbers.example_number(region)
    if example is None:
        return "+14155550100"
    return str(phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def display_phone(e164: str) -> str:
    return str(
        phonenumbers.format_number(
            phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
    )


def phone_or_none(raw: str, region: str) -> str | None:
    """E.164 if the text is a valid phone number, else None (for searches)."""
    try:
        return parse_phone(raw, region)
    except PydanticCustomError:
        return None


# --- email addresses --------------------------------------------------------------------------

EMAIL_MAX = 254  # the longest address SMTP carries (RFC 5321), and the column's size
EMAIL_EXAMPLE = "name@example.com"
# pydantic's EmailStr checks with email-validator (syntax only, no DNS look-up): the domain
# comes back lower-cased (IDNA-normalised), the address trimmed.
_EMAIL = TypeAdapter(EmailStr)


def parse_email(raw: str) -> str:
    """A customer's email address, normalised; "Name <address>" gives the address."""
    try:
        return str(_EMAIL.validate_python(raw.strip()))
    except ValidationError:
        raise invalid(
            N_("This does not look like an email address. Example: {example}"),
            example=EMAIL_EXAMPLE,
        ) from None


def email_or_none(raw: str) -> str | None:
    """The normalised address if the text is one, else None (for searches)."""
    if "@" not in raw:
        return None
    try:
        return parse_email(raw)
    except PydanticCustomError:
        return None


# --- dates and times --------------------------------------------------------------------------

_RELATIVE = re.compile(r"^\+\s*(\d{1,4})\s*(mo|[mhdw])$", re.IGNORECASE)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")
DATETIME_HINT = N_("e.g. 2026-12-01 14:30, or +2d / +4h from now")
DEFAULT_TIME_OF_DAY = time(10, 0)


def parse_datetime(raw: str, zone: ZoneInfo, now: datetime) -> datetime:
    """An aware UTC datetime from "YYYY-MM-DD HH:MM" (workspace time), a date, ISO with offset,
    or "+N[m|h|d|w]" from now."""
    text = raw.strip()
    match = _RELATIVE.match(text)
    if match:
        amount, unit = int(match.group(1)), match.group(2).lower()
        if unit == "mo":  # calendar months, in the zone the person reads dates in
            return add_months(now, amount, zone)
        return now + timedelta(**{_UNITS[unit]: amount})
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = None
        for fmt in _FORMATS:
            try:
                parsed = datetime.strptime(text, fmt)  # noqa: DTZ007 - zone applied below
                break
            except ValueError:
                continue
    if parsed is None:
        raise invalid(N_("Enter a date and time like 2026-12-01 14:30, or +2d for two days."))
    if len(text) == 10:  # a bare date: a working hour of that day
        parsed = datetime.combine(parsed.date(), DEFAULT_TIME_OF_DAY)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 moved out of the calendar by its offset
        raise invalid(
            N_("Enter a date and time like 2026-12-01 14:30, or +2d for two days.")
        ) from None


def not_in_past(value: datetime, now: datetime) -> datetime:
    # A minute of grace: a form opened "now" is submitted a little later.
    if value < now - timedelta(minutes=1):
        raise invalid(N_("This date and time is in the past. Choose a future time."))
    return value


def not_in_future(value: datetime, now: datetime) -> datetime:
    if value > now + timedelta(minutes=5):
        raise invalid(N_("This date and time is in the future."))
    return value


# --- money ------------------------------------------------------------------------------------

MAX_AMOUNT = Decimal("1000000000")
_KNOWN_CURRENCIES = frozenset(list_currencies())


CURRENCY_LENGTH = 3  # an ISO 4217 code


def parse_currency(raw: str | None, default: str) -> str:
    code = (raw or default).strip().upper()
    if code not in _KNOWN_CURRENCIES:
        raise invalid(N_("Use a three-letter currency code, such as INR, BDT, PHP or USD."))
    return code


def parse_amount_minor(raw: str, currency: str) -> int:
    """An amount as integer minor units of the currency (paise, cents...), exactly."""
    text = raw.strip().replace(",", "").replace("_", "")
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise invalid(N_("Enter an amount as a number, such as 250 or 99.50.")) from exc
    if not amount.is_finite():
        raise invalid(N_("Enter an amount as a number, such as 250 or 99.50."))
    if amount < 0:
        raise invalid(N_("The amount cannot be negative."))
    if amount > MAX_AMOUNT:
        raise invalid(N_("This amount is too large."))
    digits = get_currency_precision(currency)
    scaled = amount.scaleb(digits)
    if scaled != scaled.to_integral_value():
        raise invalid(
            N_("{currency} amounts have at most {digits} decimal places."),
            currency=currency,
            digits=digits,
        )
    return int(scaled)


def minor_to_amount(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-get_currency_precision(currency))
