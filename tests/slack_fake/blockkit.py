"""Block Kit checks: refuse the views and blocks that real Slack refuses.

A fake that accepts anything lets a view that Slack would reject pass every test and fail in
production, so these checks are deliberately strict. Each problem is reported the way Slack does in
`response_metadata.messages`: ``[ERROR] <reason> [json-pointer:/view/title/text]``. Slack words a
limit of N characters as "must be less than N+1 characters"; the messages here do the same.

The limits come from Slack's Block Kit reference (docs.slack.dev/reference/...):
views/modal-views, views/home-tab-views, block-kit/blocks (50 blocks in a message, 100 in a view),
blocks/{section,input,header,context,actions}-block, block-elements/{button,plain-text-input,
number-input}-element, composition-objects/{text,option}-object; select-menu limits from the
select-menu reference as mirrored by Slack's own @slack/types. Anything these checks do not know
(a block or element type outside the lists below) is refused too: the fake is a gate, and a type it
cannot check is a type the adapter should not send unchecked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Any

MESSAGE_MAX_BLOCKS = 50
VIEW_MAX_BLOCKS = 100
MODAL_TEXT_MAX = 24  # title, submit, close
CALLBACK_ID_MAX = 255
EXTERNAL_ID_MAX = 255
PRIVATE_METADATA_MAX = 3000
BLOCK_ID_MAX = 255
ACTION_ID_MAX = 255
TEXT_OBJECT_MAX = 3000
SECTION_TEXT_MAX = 3000
SECTION_FIELDS_MAX = 10
SECTION_FIELD_TEXT_MAX = 2000
HEADER_TEXT_MAX = 150
CONTEXT_ELEMENTS_MAX = 10
ACTIONS_ELEMENTS_MAX = 25
INPUT_LABEL_MAX = 2000
INPUT_HINT_MAX = 2000
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
BUTTON_URL_MAX = 3000
BUTTON_ACCESSIBILITY_LABEL_MAX = 75
BUTTON_STYLES = frozenset({"primary", "danger"})
PLACEHOLDER_MAX = 150
SELECT_OPTIONS_MAX = 100
OPTION_GROUP_LABEL_MAX = 75
CHOICE_OPTIONS_MAX = 10  # checkboxes and radio buttons
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150
OPTION_DESCRIPTION_MAX = 75
PLAIN_TEXT_INPUT_LENGTH_MAX = 3000

INPUT_ELEMENTS = frozenset(
    {
        "plain_text_input",
        "static_select",
        "multi_static_select",
        "users_select",
        "datepicker",
        "timepicker",
        "datetimepicker",
        "number_input",
        "checkboxes",
        "radio_buttons",
        "email_text_input",
        "url_text_input",
    }
)
ACTIONS_ELEMENTS = frozenset(
    {
        "button",
        "static_select",
        "multi_static_select",
        "users_select",
        "datepicker",
        "timepicker",
        "datetimepicker",
        "checkboxes",
        "radio_buttons",
    }
)
SECTION_ACCESSORIES = frozenset(
    {
        "button",
        "static_select",
        "multi_static_select",
        "users_select",
        "datepicker",
        "timepicker",
        "checkboxes",
        "radio_buttons",
        "image",
    }
)

# Slack's block schemas allow no additional properties: a misspelt key is refused, not ignored.
BLOCK_KEYS: dict[str, frozenset[str]] = {
    "section": frozenset({"type", "block_id", "text", "fields", "accessory", "expand"}),
    "input": frozenset(
        {"type", "block_id", "label", "element", "dispatch_action", "hint", "optional"}
    ),
    "actions": frozenset({"type", "block_id", "elements"}),
    "context": frozenset({"type", "block_id", "elements"}),
    "divider": frozenset({"type", "block_id"}),
    "header": frozenset({"type", "block_id", "text"}),
    "image": frozenset({"type", "block_id", "image_url", "slack_file", "alt_text", "title"}),
    "rich_text": frozenset({"type", "block_id", "elements"}),
}
TEXT_KEYS = frozenset({"type", "text", "emoji", "verbatim"})
OPTION_KEYS = frozenset({"text", "value", "description", "url"})
DATE_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}")
TIME_SHAPE = re.compile(r"\d{2}:\d{2}")


class _Report:
    """Collects problems in Slack's `[ERROR] ... [json-pointer:...]` wording."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, pointer: str, reason: str) -> None:
        self.problems.append(f"[ERROR] {reason} [json-pointer:{pointer}]")

    def too_long(self, pointer: str, limit: int) -> None:
        self.fail(pointer, f"must be less than {limit + 1} characters")

    def too_many(self, pointer: str, limit: int) -> None:
        self.fail(pointer, f"no more than {limit} items allowed")

    def missing(self, pointer: str, field: str) -> None:
        self.fail(pointer, f"missing required field: {field}")


def check_view(view: object, pointer: str = "/view", *, surface: str | None = None) -> list[str]:
    """Every problem Slack would report for `view`; empty when Slack would accept it.

    `surface` pins the view type ("modal" for views.open/push, "home" for views.publish).
    """
    report = _Report()
    if not isinstance(view, dict):
        report.fail(pointer, "must be an object")
        return report.problems
    kind = view.get("type")
    allowed = (surface,) if surface else ("modal", "home")
    if kind not in allowed:
        report.fail(f"{pointer}/type", f"must be one of the following values: {', '.join(allowed)}")
        return report.problems
    if kind == "modal":
        _modal_chrome(report, view, pointer)
    _view_strings(report, view, pointer)
    if "blocks" not in view:
        report.missing(pointer, "blocks")
    else:
        _blocks(report, view["blocks"], f"{pointer}/blocks", limit=VIEW_MAX_BLOCKS)
    return report.problems


def check_message_blocks(blocks: object, pointer: str = "/blocks") -> list[str]:
    """Every problem Slack would report for a message's `blocks`; empty when acceptable."""
    report = _Report()
    _blocks(report, blocks, pointer, limit=MESSAGE_MAX_BLOCKS)
    return report.problems


# --- views ---------------------------------------------------------------------------------


def _modal_chrome(report: _Report, view: dict[str, Any], pointer: str) -> None:
    """Title, submit and close: short plain text; submit is required once there is an input."""
    if "title" not in view:
        report.missing(pointer, "title")
    for key in ("title", "submit", "close"):
        if key in view:
            _text(report, view[key], f"{pointer}/{key}", limit=MODAL_TEXT_MAX, plain_only=True)
    blocks = view.get("blocks")
    has_input = isinstance(blocks, list) and any(
        isinstance(b, dict) and b.get("type") == "input" for b in blocks
    )
    if has_input and "submit" not in view:
        report.fail(f"{pointer}/submit", "must provide submit when the view has input blocks")


def _view_strings(report: _Report, view: dict[str, Any], pointer: str) -> None:
    _string(report, view.get("callback_id"), f"{pointer}/callback_id", limit=CALLBACK_ID_MAX)
    _string(report, view.get("external_id"), f"{pointer}/external_id", limit=EXTERNAL_ID_MAX)
    _string(
        report,
        view.get("private_metadata"),
        f"{pointer}/private_metadata",
        limit=PRIVATE_METADATA_MAX,
    )


# --- blocks --------------------------------------------------------------------------------


def _blocks(report: _Report, blocks: object, pointer: str, *, limit: int) -> None:
    if not isinstance(blocks, list):
        report.fail(pointer, "must be an array")
        return
    if len(blocks) > limit:
        report.too_many(pointer, limit)
    seen: set[str] = set()
    for index, block in enumerate(blocks):
        _block(report, block, f"{pointer}/{index}", seen)


def _block(report: _Report, block: object, pointer: str, seen_ids: set[str]) -> None:
    if not isinstance(block, dict):
        report.fail(pointer, "must be an object")
        return
    kind = block.get("type")
    if not isinstance(kind, str) or kind not in _BLOCK_CHECKERS:
        report.fail(f"{pointer}/type", f"unsupported block type: {kind!r}")
        return
    for key in sorted(set(block) - BLOCK_KEYS[kind]):
        report.fail(f"{pointer}/{key}", f"unsupported property '{key}' in block type {kind}")
    _block_id(report, block, pointer, seen_ids)
    _BLOCK_CHECKERS[kind](report, block, pointer)


def _block_id(report: _Report, block: dict[str, Any], pointer: str, seen_ids: set[str]) -> None:
    """Slack refuses a block_id used twice in one message or view (and an empty one)."""
    if "block_id" not in block:
        return
    block_id = block["block_id"]
    if not _string(report, block_id, f"{pointer}/block_id", limit=BLOCK_ID_MAX, min_length=1):
        return
    if block_id in seen_ids:
        report.fail(f"{pointer}/block_id", f"duplicate block_id: {block_id!r}")
    seen_ids.add(block_id)


def _section(report: _Report, block: dict[str, Any], pointer: str) -> None:
    if "text" not in block and "fields" not in block:
        report.fail(pointer, "must define either `text` or `fields`")
    if "text" in block:
        _text(report, block["text"], f"{pointer}/text", limit=SECTION_TEXT_MAX)
    if "fields" in block:
        _section_fields(report, block["fields"], f"{pointer}/fields")
    if "accessory" in block:
        _element(report, block["accessory"], f"{pointer}/accessory", SECTION_ACCESSORIES)


def _section_fields(report: _Report, fields: object, pointer: str) -> None:
    if not _array(report, fields, pointer, max_items=SECTION_FIELDS_MAX):
        return
    assert isinstance(fields, list)
    for index, field in enumerate(fields):
        _text(report, field, f"{pointer}/{index}", limit=SECTION_FIELD_TEXT_MAX)


def _input(report: _Report, block: dict[str, Any], pointer: str) -> None:
    if "label" not in block:
        report.missing(pointer, "label")
    else:
        _text(report, block["label"], f"{pointer}/label", limit=INPUT_LABEL_MAX, plain_only=True)
    if "hint" in block:
        _text(report, block["hint"], f"{pointer}/hint", limit=INPUT_HINT_MAX, plain_only=True)
    if "element" not in block:
        report.missing(pointer, "element")
    else:
        _element(report, block["element"], f"{pointer}/element", INPUT_ELEMENTS)
    for flag in ("optional", "dispatch_action"):
        if flag in block and not isinstance(block[flag], bool):
            report.fail(f"{pointer}/{flag}", "must be a boolean")


def _actions(report: _Report, block: dict[str, Any], pointer: str) -> None:
    elements = block.get("elements")
    if not _array(report, elements, f"{pointer}/elements", max_items=ACTIONS_ELEMENTS_MAX):
        return
    assert isinstance(elements, list)
    seen: set[str] = set()
    for index, element in enumerate(elements):
        where = f"{pointer}/elements/{index}"
        _element(report, element, where, ACTIONS_ELEMENTS)
        action_id = element.get("action_id") if isinstance(element, dict) else None
        if isinstance(action_id, str):
            if action_id in seen:
                report.fail(f"{where}/action_id", f"duplicate action_id: {action_id!r}")
            seen.add(action_id)


def _context(report: _Report, block: dict[str, Any], pointer: str) -> None:
    elements = block.get("elements")
    if not _array(report, elements, f"{pointer}/elements", max_items=CONTEXT_ELEMENTS_MAX):
        return
    assert isinstance(elements, list)
    for index, element in enumerate(elements):
        where = f"{pointer}/elements/{index}"
        if isinstance(element, dict) and element.get("type") == "image":
            _image_element(report, element, where)
        else:
            _text(report, element, where)


def _divider(report: _Report, block: dict[str, Any], pointer: str) -> None:
    """A divider has nothing to check beyond its keys and block_id."""


def _header(report: _Report, block: dict[str, Any], pointer: str) -> None:
    if "text" not in block:
        report.missing(pointer, "text")
        return
    _text(report, block["text"], f"{pointer}/text", limit=HEADER_TEXT_MAX, plain_only=True)


def _image_block(report: _Report, block: dict[str, Any], pointer: str) -> None:
    _image_element(report, block, pointer)
    if "title" in block:
        _text(report, block["title"], f"{pointer}/title", plain_only=True)


def _rich_text(report: _Report, block: dict[str, Any], pointer: str) -> None:
    _array(report, block.get("elements"), f"{pointer}/elements")


_BLOCK_CHECKERS: dict[str, Callable[[_Report, dict[str, Any], str], None]] = {
    "section": _section,
    "input": _input,
    "actions": _actions,
    "context": _context,
    "divider": _divider,
    "header": _header,
    "image": _image_block,
    "rich_text": _rich_text,
}


# --- elements ------------------------------------------------------------------------------


def _element(report: _Report, element: object, pointer: str, allowed: frozenset[str]) -> None:
    if not isinstance(element, dict):
        report.fail(pointer, "must be an object")
        return
    kind = element.get("type")
    if kind not in allowed:
        report.fail(f"{pointer}/type", f"unsupported element type here: {kind!r}")
        return
    if "action_id" in element:
        _string(
            report,
            element["action_id"],
            f"{pointer}/action_id",
            limit=ACTION_ID_MAX,
            min_length=1,
        )
    if "placeholder" in element:
        _text(
            report,
            element["placeholder"],
            f"{pointer}/placeholder",
            limit=PLACEHOLDER_MAX,
            plain_only=True,
        )
    _ELEMENT_CHECKERS[kind](report, element, pointer)


def _button(report: _Report, element: dict[str, Any], pointer: str) -> None:
    if "text" not in element:
        report.missing(pointer, "text")
    else:
        _text(report, element["text"], f"{pointer}/text", limit=BUTTON_TEXT_MAX, plain_only=True)
    _string(report, element.get("value"), f"{pointer}/value", limit=BUTTON_VALUE_MAX)
    _string(report, element.get("url"), f"{pointer}/url", limit=BUTTON_URL_MAX)
    _string(
        report,
        element.get("accessibility_label"),
        f"{pointer}/accessibility_label",
        limit=BUTTON_ACCESSIBILITY_LABEL_MAX,
    )
    if "style" in element and element["style"] not in BUTTON_STYLES:
        report.fail(f"{pointer}/style", "must be one of the following values: primary, danger")


def _static_select(report: _Report, element: dict[str, Any], pointer: str) -> None:
    options = _select_options(report, element, pointer)
    if "initial_option" in element:
        _initial(report, [element["initial_option"]], options, f"{pointer}/initial_option")


def _multi_static_select(report: _Report, element: dict[str, Any], pointer: str) -> None:
    options = _select_options(report, element, pointer)
    if "initial_options" in element:
        _initial_list(report, element["initial_options"], options, f"{pointer}/initial_options")
    if "max_selected_items" in element:
        _positive_int(report, element["max_selected_items"], f"{pointer}/max_selected_items")


def _select_options(report: _Report, element: dict[str, Any], pointer: str) -> list[Any]:
    """A static menu takes `options` or `option_groups`, never both; returns every option."""
    has_options, has_groups = "options" in element, "option_groups" in element
    if has_options == has_groups:
        report.fail(pointer, "must provide exactly one of `options` or `option_groups`")
        return []
    if has_options:
        return _options(
            report,
            element["options"],
            f"{pointer}/options",
            max_items=SELECT_OPTIONS_MAX,
            plain_only=True,
        )
    groups = element["option_groups"]
    if not _array(report, groups, f"{pointer}/option_groups", max_items=SELECT_OPTIONS_MAX):
        return []
    collected: list[Any] = []
    for index, group in enumerate(groups):
        collected += _option_group(report, group, f"{pointer}/option_groups/{index}")
    return collected


def _option_group(report: _Report, group: object, pointer: str) -> list[Any]:
    if not isinstance(group, dict):
        report.fail(pointer, "must be an object")
        return []
    if "label" not in group:
        report.missing(pointer, "label")
    else:
        _text(
            report,
            group["label"],
            f"{pointer}/label",
            limit=OPTION_GROUP_LABEL_MAX,
            plain_only=True,
        )
    return _options(
        report,
        group.get("options"),
        f"{pointer}/options",
        max_items=SELECT_OPTIONS_MAX,
        plain_only=True,
    )


def _users_select(report: _Report, element: dict[str, Any], pointer: str) -> None:
    if "initial_user" in element:
        _string(report, element["initial_user"], f"{pointer}/initial_user", min_length=1)


def _checkboxes(report: _Report, element: dict[str, Any], pointer: str) -> None:
    options = _options(
        report, element.get("options"), f"{pointer}/options", max_items=CHOICE_OPTIONS_MAX
    )
    if "initial_options" in element:
        _initial_list(report, element["initial_options"], options, f"{pointer}/initial_options")


def _radio_buttons(report: _Report, element: dict[str, Any], pointer: str) -> None:
    options = _options(
        report, element.get("options"), f"{pointer}/options", max_items=CHOICE_OPTIONS_MAX
    )
    if "initial_option" in element:
        _initial(report, [element["initial_option"]], options, f"{pointer}/initial_option")


def _plain_text_input(report: _Report, element: dict[str, Any], pointer: str) -> None:
    """Lengths are 0..3000 (min) and 1..3000 (max); an initial value must fit the max."""
    low = _bounded_int(report, element, "min_length", pointer, 0, PLAIN_TEXT_INPUT_LENGTH_MAX)
    high = _bounded_int(report, element, "max_length", pointer, 1, PLAIN_TEXT_INPUT_LENGTH_MAX)
    if low is not None and high is not None and low > high:
        report.fail(f"{pointer}/min_length", "must not be greater than max_length")
    if "initial_value" in element:
        limit = high if high is not None else PLAIN_TEXT_INPUT_LENGTH_MAX
        _string(report, element["initial_value"], f"{pointer}/initial_value", limit=limit)
    if "multiline" in element and not isinstance(element["multiline"], bool):
        report.fail(f"{pointer}/multiline", "must be a boolean")


def _number_input(report: _Report, element: dict[str, Any], pointer: str) -> None:
    if not isinstance(element.get("is_decimal_allowed"), bool):
        report.missing(pointer, "is_decimal_allowed")
        return
    values = {
        key: _number(report, element[key], f"{pointer}/{key}", element["is_decimal_allowed"])
        for key in ("initial_value", "min_value", "max_value")
        if key in element
    }
    low, high = values.get("min_value"), values.get("max_value")
    if low is not None and high is not None and low > high:
        report.fail(f"{pointer}/min_value", "cannot be greater than max_value")


def _datepicker(report: _Report, element: dict[str, Any], pointer: str) -> None:
    if "initial_date" in element:
        _formatted(report, element["initial_date"], f"{pointer}/initial_date", "%Y-%m-%d")


def _timepicker(report: _Report, element: dict[str, Any], pointer: str) -> None:
    if "initial_time" in element:
        _formatted(report, element["initial_time"], f"{pointer}/initial_time", "%H:%M")


def _datetimepicker(report: _Report, element: dict[str, Any], pointer: str) -> None:
    if "initial_date_time" in element:
        _positive_int(report, element["initial_date_time"], f"{pointer}/initial_date_time")


def _free_text_input(report: _Report, element: dict[str, Any], pointer: str) -> None:
    """email_text_input and url_text_input: placeholder and action_id are checked generically."""
    if "initial_value" in element:
        _string(report, element["initial_value"], f"{pointer}/initial_value")


def _image_element(report: _Report, element: dict[str, Any], pointer: str) -> None:
    if not isinstance(element.get("alt_text"), str) or not element["alt_text"]:
        report.missing(pointer, "alt_text")
    if ("image_url" in element) == ("slack_file" in element):
        report.fail(pointer, "must provide exactly one of `image_url` or `slack_file`")


_ELEMENT_CHECKERS: dict[str, Callable[[_Report, dict[str, Any], str], None]] = {
    "button": _button,
    "static_select": _static_select,
    "multi_static_select": _multi_static_select,
    "users_select": _users_select,
    "checkboxes": _checkboxes,
    "radio_buttons": _radio_buttons,
    "plain_text_input": _plain_text_input,
    "number_input": _number_input,
    "datepicker": _datepicker,
    "timepicker": _timepicker,
    "datetimepicker": _datetimepicker,
    "email_text_input": _free_text_input,
    "url_text_input": _free_text_input,
    "image": _image_element,
}


# --- composition objects -------------------------------------------------------------------


def _text(
    report: _Report,
    obj: object,
    pointer: str,
    *,
    limit: int = TEXT_OBJECT_MAX,
    plain_only: bool = False,
) -> None:
    """A text object: plain_text or mrkdwn, 1..limit characters; some places take plain only."""
    if not isinstance(obj, dict):
        report.fail(pointer, "must be a text object")
        return
    kind = obj.get("type")
    allowed = ("plain_text",) if plain_only else ("plain_text", "mrkdwn")
    if kind not in allowed:
        report.fail(f"{pointer}/type", f"must be one of the following values: {', '.join(allowed)}")
    for key in sorted(set(obj) - TEXT_KEYS):
        report.fail(f"{pointer}/{key}", f"unsupported property '{key}' for a text object")
    if kind == "mrkdwn" and "emoji" in obj:
        report.fail(f"{pointer}/emoji", "only usable when type is plain_text")
    if kind == "plain_text" and "verbatim" in obj:
        report.fail(f"{pointer}/verbatim", "only usable when type is mrkdwn")
    if "text" not in obj:
        report.missing(pointer, "text")
        return
    _string(report, obj["text"], f"{pointer}/text", limit=min(limit, TEXT_OBJECT_MAX), min_length=1)


def _options(
    report: _Report,
    options: object,
    pointer: str,
    *,
    max_items: int,
    plain_only: bool = False,
) -> list[Any]:
    if not _array(report, options, pointer, max_items=max_items):
        return []
    assert isinstance(options, list)
    for index, option in enumerate(options):
        _option(report, option, f"{pointer}/{index}", plain_only=plain_only)
    return options


def _option(report: _Report, option: object, pointer: str, *, plain_only: bool) -> None:
    if not isinstance(option, dict):
        report.fail(pointer, "must be an option object")
        return
    for key in sorted(set(option) - OPTION_KEYS):
        report.fail(f"{pointer}/{key}", f"unsupported property '{key}' for an option")
    if "text" not in option:
        report.missing(pointer, "text")
    else:
        _text(
            report, option["text"], f"{pointer}/text", limit=OPTION_TEXT_MAX, plain_only=plain_only
        )
    if "value" not in option:
        report.missing(pointer, "value")
    else:
        _string(report, option["value"], f"{pointer}/value", limit=OPTION_VALUE_MAX, min_length=1)
    if "description" in option:
        _text(
            report,
            option["description"],
            f"{pointer}/description",
            limit=OPTION_DESCRIPTION_MAX,
            plain_only=plain_only,
        )


def _initial(report: _Report, chosen: Iterable[Any], options: list[Any], pointer: str) -> None:
    """Slack requires an initial option to exactly match one of the element's options."""
    keys = {_option_key(option) for option in options}
    for option in chosen:
        if _option_key(option) not in keys:
            report.fail(pointer, "must match one of the provided options")


def _initial_list(report: _Report, chosen: object, options: list[Any], pointer: str) -> None:
    if _array(report, chosen, pointer):
        assert isinstance(chosen, list)
        _initial(report, chosen, options, pointer)


def _option_key(option: object) -> tuple[object, object, object]:
    if not isinstance(option, dict):
        return (None, None, id(option))
    text = option.get("text")
    text_key = (text.get("type"), text.get("text")) if isinstance(text, dict) else None
    return (text_key, option.get("value"), None)


# --- primitives ----------------------------------------------------------------------------


def _string(
    report: _Report,
    value: object,
    pointer: str,
    *,
    limit: int | None = None,
    min_length: int = 0,
) -> bool:
    """Checks an optional string field (None means absent); True when it is a usable string."""
    if value is None:
        return False
    if not isinstance(value, str):
        report.fail(pointer, "must be a string")
        return False
    if len(value) < min_length:
        report.fail(pointer, f"must be more than {min_length - 1} characters")
        return False
    if limit is not None and len(value) > limit:
        report.too_long(pointer, limit)
        return False
    return True


def _array(report: _Report, value: object, pointer: str, *, max_items: int | None = None) -> bool:
    """A required, non-empty array of at most `max_items`."""
    if not isinstance(value, list):
        report.fail(pointer, "must be an array")
        return False
    if not value:
        report.fail(pointer, "must provide at least 1 item")
        return False
    if max_items is not None and len(value) > max_items:
        report.too_many(pointer, max_items)
        return False
    return True


def _bounded_int(
    report: _Report, element: dict[str, Any], key: str, pointer: str, low: int, high: int
) -> int | None:
    if key not in element:
        return None
    value = element[key]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        report.fail(f"{pointer}/{key}", f"must be an integer between {low} and {high}")
        return None
    return value


def _positive_int(report: _Report, value: object, pointer: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        report.fail(pointer, "must be a positive integer")


def _number(report: _Report, value: object, pointer: str, decimals: bool) -> float | None:
    """number_input values are strings holding a number; decimals only when allowed."""
    try:
        number = float(value) if isinstance(value, str) else None
    except ValueError:
        number = None
    if number is None or (not decimals and not number.is_integer()):
        kind = "a number" if decimals else "a whole number"
        report.fail(pointer, f"must be a string holding {kind}")
        return None
    return number


def _formatted(report: _Report, value: object, pointer: str, pattern: str) -> None:
    """Dates are YYYY-MM-DD and times HH:mm (24-hour, zero-padded), as Slack documents them."""
    shape = DATE_SHAPE if pattern == "%Y-%m-%d" else TIME_SHAPE
    if isinstance(value, str) and shape.fullmatch(value) and _parses(value, pattern):
        return
    report.fail(pointer, f"must be formatted as {pattern}")


def _parses(value: str, pattern: str) -> bool:
    try:
        dt.datetime.strptime(value, pattern)
    except ValueError:
        return False
    return True
