"""The fake Slack itself: it answers slack_sdk like Slack does, and refuses what Slack refuses.

Every HTTP test drives the real `AsyncWebClient` against the fake over real HTTP; the Block Kit
tests call the checks directly, each limit at its value (accepted) and one past it (refused).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from tests.slack_fake import (
    INSTALLED_TOKEN,
    FakeSlack,
    check_message_blocks,
    check_view,
)

Json = dict[str, Any]


# --- Block Kit builders --------------------------------------------------------------------


def plain(text: str) -> Json:
    return {"type": "plain_text", "text": text}


def mrkdwn(text: str) -> Json:
    return {"type": "mrkdwn", "text": text}


def section(text: str = "A complaint was logged.", **extra: Any) -> Json:
    return {"type": "section", "text": mrkdwn(text), **extra}


def button(text: str = "Open", action_id: str = "open", **extra: Any) -> Json:
    return {"type": "button", "text": plain(text), "action_id": action_id, **extra}


def actions(*elements: Json, **extra: Any) -> Json:
    return {"type": "actions", "elements": list(elements), **extra}


def option(text: str, value: str) -> Json:
    return {"text": plain(text), "value": value}


def select(options: list[Json], **extra: Any) -> Json:
    return {"type": "static_select", "action_id": "pick", "options": options, **extra}


def text_input(**extra: Any) -> Json:
    return {"type": "plain_text_input", "action_id": "value", **extra}


def field(label: str = "Customer name", element: Json | None = None, **extra: Any) -> Json:
    return {"type": "input", "label": plain(label), "element": element or text_input(), **extra}


def modal(*blocks: Json, **extra: Any) -> Json:
    view: Json = {
        "type": "modal",
        "title": plain("Log a complaint"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "blocks": list(blocks) or [section()],
    }
    view.update(extra)
    return view


def kitchen_sink_modal() -> Json:
    """One of everything the fake knows, each used as Slack documents it."""
    choices = [option("Billing", "billing"), option("Delivery", "delivery")]
    return modal(
        {"type": "header", "text": plain("New complaint")},
        section(
            "Pick a category",
            block_id="intro",
            fields=[mrkdwn("*Ticket*"), plain("42")],
            accessory=button("Help", "help", style="primary", value="h", url="https://example.com"),
        ),
        {"type": "divider"},
        {"type": "image", "image_url": "https://example.com/a.png", "alt_text": "logo"},
        {
            "type": "context",
            "elements": [
                mrkdwn("Logged by <@U1>"),
                {"type": "image", "image_url": "https://example.com/u.png", "alt_text": "avatar"},
            ],
        },
        field("Name", text_input(max_length=80, initial_value="Asha", multiline=False)),
        field("Category", select(choices, initial_option=choices[0], placeholder=plain("Pick"))),
        field(
            "Tags",
            {"type": "multi_static_select", "action_id": "tags", "options": choices},
            optional=True,
        ),
        field("Owner", {"type": "users_select", "action_id": "owner", "initial_user": "U1"}),
        field("Day", {"type": "datepicker", "action_id": "day", "initial_date": "2026-11-02"}),
        field("Time", {"type": "timepicker", "action_id": "time", "initial_time": "09:30"}),
        field("When", {"type": "datetimepicker", "action_id": "when"}),
        field(
            "Amount",
            {"type": "number_input", "is_decimal_allowed": True, "min_value": "0.5"},
        ),
        field("Flags", {"type": "checkboxes", "action_id": "flags", "options": choices}),
        field("Severity", {"type": "radio_buttons", "action_id": "sev", "options": choices}),
        field("Email", {"type": "email_text_input", "action_id": "email"}, hint=plain("Work")),
        field("Link", {"type": "url_text_input", "action_id": "link"}),
        actions(button("Approve", "approve", style="primary"), button("Reject", "reject")),
        callback_id="complaint",
        private_metadata=json.dumps({"complaint": 42}),
    )


# --- Block Kit: good views pass ------------------------------------------------------------


def test_a_view_using_every_known_element_passes() -> None:
    assert check_view(kitchen_sink_modal()) == []


def test_a_home_view_and_message_blocks_pass() -> None:
    assert check_view({"type": "home", "blocks": [section(), actions(button())]}) == []
    assert check_message_blocks([section(), {"type": "divider"}, actions(button())]) == []


# --- Block Kit: every limit holds at its value and refuses one past it ---------------------

LimitCheck = Callable[[int], list[str]]


def in_modal(make_block: Callable[[int], Json]) -> LimitCheck:
    return lambda n: check_view(modal(make_block(n)))


def buttons(n: int) -> list[Json]:
    return [button(action_id=f"b{i}") for i in range(n)]


def options(n: int) -> list[Json]:
    return [option(f"Option {i}", f"v{i}") for i in range(n)]


LIMITS: list[Any] = [
    pytest.param(
        lambda n: check_view(modal(title=plain("x" * n))), 24, "/view/title/text", id="title"
    ),
    pytest.param(
        lambda n: check_view(modal(submit=plain("x" * n))), 24, "/view/submit/text", id="submit"
    ),
    pytest.param(
        lambda n: check_view(modal(close=plain("x" * n))), 24, "/view/close/text", id="close"
    ),
    pytest.param(
        lambda n: check_view(modal(callback_id="c" * n)), 255, "/view/callback_id", id="callback"
    ),
    pytest.param(
        lambda n: check_view(modal(private_metadata="m" * n)),
        3000,
        "/view/private_metadata",
        id="private_metadata",
    ),
    pytest.param(
        lambda n: check_view(modal(*[section() for _ in range(n)])),
        100,
        "/view/blocks",
        id="modal blocks",
    ),
    pytest.param(
        lambda n: check_view({"type": "home", "blocks": [section() for _ in range(n)]}),
        100,
        "/view/blocks",
        id="home blocks",
    ),
    pytest.param(
        lambda n: check_message_blocks([section() for _ in range(n)]),
        50,
        "/blocks",
        id="message blocks",
    ),
    pytest.param(
        in_modal(lambda n: section(block_id="b" * n)),
        255,
        "/view/blocks/0/block_id",
        id="block_id",
    ),
    pytest.param(
        in_modal(lambda n: section("s" * n)), 3000, "/view/blocks/0/text/text", id="section text"
    ),
    pytest.param(
        in_modal(lambda n: {"type": "section", "fields": [mrkdwn("f")] * n}),
        10,
        "/view/blocks/0/fields",
        id="section fields",
    ),
    pytest.param(
        in_modal(lambda n: {"type": "section", "fields": [mrkdwn("f" * n)]}),
        2000,
        "/view/blocks/0/fields/0/text",
        id="section field text",
    ),
    pytest.param(
        in_modal(lambda n: {"type": "header", "text": plain("h" * n)}),
        150,
        "/view/blocks/0/text/text",
        id="header text",
    ),
    pytest.param(
        in_modal(lambda n: {"type": "context", "elements": [mrkdwn("c")] * n}),
        10,
        "/view/blocks/0/elements",
        id="context elements",
    ),
    pytest.param(
        in_modal(lambda n: actions(*buttons(n))),
        25,
        "/view/blocks/0/elements",
        id="actions elements",
    ),
    pytest.param(
        in_modal(lambda n: actions(button("b" * n))),
        75,
        "/view/blocks/0/elements/0/text/text",
        id="button text",
    ),
    pytest.param(
        in_modal(lambda n: actions(button(value="v" * n))),
        2000,
        "/view/blocks/0/elements/0/value",
        id="button value",
    ),
    pytest.param(
        in_modal(lambda n: actions(button(action_id="a" * n))),
        255,
        "/view/blocks/0/elements/0/action_id",
        id="action_id",
    ),
    pytest.param(
        in_modal(lambda n: field("l" * n)), 2000, "/view/blocks/0/label/text", id="input label"
    ),
    pytest.param(
        in_modal(lambda n: field(hint=plain("h" * n))),
        2000,
        "/view/blocks/0/hint/text",
        id="input hint",
    ),
    pytest.param(
        in_modal(lambda n: field(element=text_input(max_length=n))),
        3000,
        "/view/blocks/0/element/max_length",
        id="input max_length",
    ),
    pytest.param(
        in_modal(lambda n: field(element=text_input(max_length=10, initial_value="i" * n))),
        10,
        "/view/blocks/0/element/initial_value",
        id="initial_value within max_length",
    ),
    pytest.param(
        in_modal(lambda n: field(element=select(options(n)))),
        100,
        "/view/blocks/0/element/options",
        id="select options",
    ),
    pytest.param(
        in_modal(lambda n: field(element=select([option("t" * n, "v")]))),
        75,
        "/view/blocks/0/element/options/0/text/text",
        id="option text",
    ),
    pytest.param(
        in_modal(lambda n: field(element=select([option("t", "v" * n)]))),
        150,
        "/view/blocks/0/element/options/0/value",
        id="option value",
    ),
    pytest.param(
        in_modal(lambda n: field(element=select(options(2), placeholder=plain("p" * n)))),
        150,
        "/view/blocks/0/element/placeholder/text",
        id="placeholder",
    ),
]


@pytest.mark.parametrize(("check", "limit", "pointer"), LIMITS)
def test_a_limit_is_accepted_at_its_value_and_refused_past_it(
    check: LimitCheck, limit: int, pointer: str
) -> None:
    assert check(limit) == []
    assert any(f"[json-pointer:{pointer}]" in problem for problem in check(limit + 1))


# --- Block Kit: what Slack refuses outright ------------------------------------------------

REFUSALS: list[Any] = [
    pytest.param(modal(title=mrkdwn("Log")), "/view/title/type", id="mrkdwn title"),
    pytest.param(modal(field(label="x") | {"label": mrkdwn("Name")}), "/view/blocks/0/label/type"),
    pytest.param(
        modal(actions({**button(), "text": mrkdwn("Go")})),
        "/view/blocks/0/elements/0/text/type",
        id="mrkdwn button",
    ),
    pytest.param(modal({"type": "header", "text": mrkdwn("Hi")}), "/view/blocks/0/text/type"),
    pytest.param(
        modal(field(element=select([{"text": mrkdwn("A"), "value": "a"}]))),
        "/view/blocks/0/element/options/0/text/type",
        id="mrkdwn option in a select",
    ),
    pytest.param(modal(section("")), "/view/blocks/0/text/text", id="empty text"),
    pytest.param(modal({"type": "section"}), "/view/blocks/0", id="section without text"),
    pytest.param(modal({"type": "carousel"}), "/view/blocks/0/type", id="unknown block type"),
    pytest.param(
        modal({**field(), "lable": plain("Name")}), "/view/blocks/0/lable", id="misspelt key"
    ),
    pytest.param(modal({"type": "input", "label": plain("Name")}), "/view/blocks/0", id="no el"),
    pytest.param(modal(field(element=button())), "/view/blocks/0/element/type", id="button input"),
    pytest.param(
        {k: v for k, v in modal(field()).items() if k != "submit"},
        "/view/submit",
        id="inputs without submit",
    ),
    pytest.param(
        modal(section(block_id="same"), section(block_id="same")),
        "/view/blocks/1/block_id",
        id="duplicate block_id",
    ),
    pytest.param(
        modal(actions(button(action_id="go"), button(action_id="go"))),
        "/view/blocks/0/elements/1/action_id",
        id="duplicate action_id",
    ),
    pytest.param(
        modal(actions(button(style="secondary"))), "/view/blocks/0/elements/0/style", id="style"
    ),
    pytest.param(
        modal(field(element=select(options(2), initial_option=option("Other", "other")))),
        "/view/blocks/0/element/initial_option",
        id="initial_option not an option",
    ),
    pytest.param(modal(field(element=select([]))), "/view/blocks/0/element/options", id="0 opts"),
    pytest.param(
        modal(section(text="x") | {"text": {"type": "markdown", "text": "x"}}),
        "/view/blocks/0/text/type",
        id="unknown text type",
    ),
    pytest.param(
        modal(section() | {"text": {**mrkdwn("x"), "emoji": True}}),
        "/view/blocks/0/text/emoji",
        id="emoji on mrkdwn",
    ),
    pytest.param(
        modal(field(element={"type": "datepicker", "initial_date": "2026-13-01"})),
        "/view/blocks/0/element/initial_date",
        id="bad date",
    ),
    pytest.param(
        modal(field(element={"type": "timepicker", "initial_time": "9:30"})),
        "/view/blocks/0/element/initial_time",
        id="bad time",
    ),
    pytest.param(
        modal(field(element={"type": "number_input"})),
        "/view/blocks/0/element",
        id="number_input without is_decimal_allowed",
    ),
    pytest.param(
        modal(field(element=text_input(min_length=20, max_length=10))),
        "/view/blocks/0/element/min_length",
        id="min_length over max_length",
    ),
    pytest.param({**modal(), "type": "form"}, "/view/type", id="unknown view type"),
    pytest.param({"type": "modal", "blocks": [section()]}, "/view", id="modal without title"),
]


@pytest.mark.parametrize(("view", "pointer"), REFUSALS)
def test_what_slack_refuses_is_refused_at_its_pointer(view: Json, pointer: str) -> None:
    problems = check_view(view)
    assert any(f"[json-pointer:{pointer}]" in problem for problem in problems), problems
    assert all(problem.startswith("[ERROR] ") for problem in problems)


# --- over HTTP: fixtures -------------------------------------------------------------------


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        fake.add_user("UASHA", name="asha", is_admin=True, locale="hi-IN")
        fake.add_user("UBOB", name="bob")
        yield fake


@pytest.fixture
def client(slack: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test", base_url=slack.base_url)


async def refusal(call: Any) -> Any:
    """The SlackApiError's response for an awaited call that must fail."""
    with pytest.raises(SlackApiError) as caught:
        await call
    return caught.value.response


# --- over HTTP: auth and unknown methods ---------------------------------------------------


async def test_auth_test_answers_the_bot_identity(slack: FakeSlack, client: AsyncWebClient) -> None:
    response = await client.auth_test()
    assert (response["team_id"], response["user_id"], response["bot_id"]) == ("T1", "UBOT", "BBOT")
    assert response["url"].startswith("https://")
    assert slack.calls_to("auth.test")[0].token == "xoxb-test"


async def test_a_missing_or_unknown_token_is_refused(slack: FakeSlack) -> None:
    anonymous = AsyncWebClient(token=None, base_url=slack.base_url)
    stranger = AsyncWebClient(token="xoxb-stranger", base_url=slack.base_url)
    assert (await refusal(anonymous.auth_test()))["error"] == "not_authed"
    assert (await refusal(stranger.auth_test()))["error"] == "invalid_auth"


async def test_an_unknown_method_is_refused(client: AsyncWebClient) -> None:
    assert (await refusal(client.api_call("complaints.log")))["error"] == "unknown_method"


async def test_a_form_body_with_a_token_and_json_string_blocks_is_decoded(
    slack: FakeSlack,
) -> None:
    blocks = [section("Logged")]
    form = {"token": "xoxb-test", "channel": "C1", "blocks": json.dumps(blocks)}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{slack.base_url}chat.postMessage", data=form) as answer,
    ):
        body = await answer.json()
    assert body["ok"], body
    (call,) = slack.calls_to("chat.postMessage")
    assert call.args["blocks"] == blocks and call.token == "xoxb-test" and "token" not in call.args


# --- over HTTP: messages -------------------------------------------------------------------


async def test_a_message_is_posted_and_updated(slack: FakeSlack, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="C1", text="Logged", blocks=[section()])
    other = await client.chat_postMessage(channel="C1", text="Another")
    assert posted["channel"] == "C1" and posted["message"]["blocks"] == [section()]
    assert posted["ts"] != other["ts"] and posted["ts"].count(".") == 1

    updated = await client.chat_update(channel="C1", ts=posted["ts"], text="Resolved")
    assert (updated["ts"], updated["text"]) == (posted["ts"], "Resolved")
    assert slack.messages[("C1", posted["ts"])]["text"] == "Resolved"
    assert [c.args["text"] for c in slack.calls_to("chat.update")] == ["Resolved"]


async def test_a_message_refers_to_a_real_channel_and_message(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    slack.missing_channels.add("CGONE")
    slack.not_in_channels.add("CPRIVATE")
    posted = await client.chat_postMessage(channel="C1", text="Logged")

    gone = await refusal(client.chat_postMessage(channel="CGONE", text="x"))
    private = await refusal(client.chat_postMessage(channel="CPRIVATE", text="x"))
    unknown_ts = await refusal(client.chat_update(channel="C1", ts="1.000001", text="x"))
    other_channel = await refusal(client.chat_update(channel="C2", ts=posted["ts"], text="x"))
    with pytest.warns(UserWarning, match="`text` argument is missing"):
        empty = await refusal(client.chat_postMessage(channel="C1"))
    assert gone["error"] == "channel_not_found"
    assert private["error"] == "not_in_channel"
    assert unknown_ts["error"] == other_channel["error"] == "message_not_found"
    assert empty["error"] == "no_text"


async def test_message_blocks_slack_would_refuse_are_refused(client: AsyncWebClient) -> None:
    too_long = actions(button("b" * 76))
    answer = await refusal(client.chat_postMessage(channel="C1", text="x", blocks=[too_long]))
    assert answer["error"] == "invalid_blocks"
    assert answer["response_metadata"]["messages"] == [
        "[ERROR] must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]"
    ]
    as_string = await refusal(
        client.chat_postMessage(channel="C1", text="x", blocks=json.dumps([{}]))
    )
    assert as_string["error"] == "invalid_blocks"


async def test_an_ephemeral_message_needs_a_user(client: AsyncWebClient) -> None:
    sent = await client.chat_postEphemeral(channel="C1", user="UBOB", text="Only you")
    assert sent["message_ts"]
    no_user = await refusal(client.api_call("chat.postEphemeral", json={"channel": "C1"}))
    assert no_user["error"] == "invalid_arguments"
    stranger = await refusal(client.chat_postEphemeral(channel="C1", user="UNOBODY", text="x"))
    assert stranger["error"] == "user_not_in_channel"


async def test_a_permalink_points_at_a_posted_message(client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="C1", text="Logged")
    link = await client.chat_getPermalink(channel="C1", message_ts=posted["ts"])
    assert link["permalink"].endswith(f"/archives/C1/p{posted['ts'].replace('.', '')}")


# --- over HTTP: users, DMs and installs ----------------------------------------------------


async def test_a_dm_opens_to_the_same_channel_and_a_user_id_posts_there(
    client: AsyncWebClient,
) -> None:
    first = await client.conversations_open(users="UASHA")
    again = await client.conversations_open(users=["UASHA"])
    assert first["channel"]["id"] == again["channel"]["id"]
    assert first["channel"]["id"].startswith("D")
    posted = await client.chat_postMessage(channel="UASHA", text="Hello")
    assert posted["channel"] == first["channel"]["id"]
    assert (await refusal(client.conversations_open(users="UNOBODY")))["error"] == "user_not_found"


async def test_users_info_reports_roles_and_the_locale_only_when_asked(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    with_locale = await client.users_info(user="UASHA", include_locale=True)
    without = await client.users_info(user="UASHA")
    assert with_locale["user"]["is_admin"] is True and with_locale["user"]["is_owner"] is False
    assert with_locale["user"]["locale"] == "hi-IN" and "locale" not in without["user"]
    assert slack.calls_to("users.info")[0].http_method == "GET"
    assert (await refusal(client.users_info(user="UNOBODY")))["error"] == "user_not_found"


# slack_sdk 3.47 builds aiohttp.BasicAuth for oauth.v2.access, which aiohttp 3.14 deprecates.
@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
async def test_an_install_exchanges_a_code_for_a_working_bot_token(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    code = slack.new_oauth_code(installer="UASHA")
    creds = {"client_id": slack.client_id, "client_secret": slack.client_secret}
    install = await client.oauth_v2_access(code=code, **creds)
    assert install["access_token"] == INSTALLED_TOKEN and install["token_type"] == "bot"
    assert install["team"] == {"id": "T1", "name": install["team"]["name"]}
    assert (install["authed_user"]["id"], install["bot_user_id"]) == ("UASHA", "UBOT")
    assert install["app_id"] and "chat:write" in install["scope"].split(",")

    installed = AsyncWebClient(token=INSTALLED_TOKEN, base_url=slack.base_url)
    assert (await installed.auth_test())["ok"]
    reused = await refusal(client.oauth_v2_access(code=code, **creds))
    wrong_secret = await refusal(
        client.oauth_v2_access(
            code=slack.new_oauth_code(), client_id=slack.client_id, client_secret="nope"
        )
    )
    assert (reused["error"], wrong_secret["error"]) == ("invalid_code", "bad_client_secret")


# --- over HTTP: views ----------------------------------------------------------------------


async def test_a_view_opens_with_a_live_trigger_once(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    trigger = slack.new_trigger()
    slack.advance(2.9)
    opened = await client.views_open(trigger_id=trigger, view=kitchen_sink_modal())
    view = opened["view"]
    assert view["id"].startswith("V") and view["hash"] and view["callback_id"] == "complaint"
    assert view["title"] == plain("Log a complaint")
    again = await refusal(client.views_open(trigger_id=trigger, view=modal()))
    assert again["error"] == "exchanged_trigger_id"


async def test_an_expired_or_unknown_trigger_is_refused(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    trigger = slack.new_trigger()
    slack.advance(3.01)
    expired = await refusal(client.views_open(trigger_id=trigger, view=modal()))
    unknown = await refusal(client.views_open(trigger_id="1.2.abc", view=modal()))
    assert (expired["error"], unknown["error"]) == ("expired_trigger_id", "invalid_trigger_id")


BAD_MODALS: list[Any] = [
    pytest.param(modal(title=plain("x" * 25)), "/view/title/text", id="25-char title"),
    pytest.param(modal(actions(button("b" * 76))), "/view/blocks/0/elements/0/text/text"),
    pytest.param(modal(section(block_id="a"), section(block_id="a")), "/view/blocks/1/block_id"),
    pytest.param(
        {k: v for k, v in modal(field()).items() if k != "submit"}, "/view/submit", id="no submit"
    ),
    pytest.param(modal(field() | {"label": mrkdwn("Name")}), "/view/blocks/0/label/type"),
]


@pytest.mark.parametrize(("view", "pointer"), BAD_MODALS)
async def test_views_open_refuses_a_view_slack_would_refuse(
    slack: FakeSlack, client: AsyncWebClient, view: Json, pointer: str
) -> None:
    trigger = slack.new_trigger()
    answer = await refusal(client.views_open(trigger_id=trigger, view=view))
    assert answer["error"] == "invalid_arguments"
    messages = answer["response_metadata"]["messages"]
    assert any(f"[json-pointer:{pointer}]" in message for message in messages), messages
    assert (await client.views_open(trigger_id=trigger, view=modal()))["ok"]  # not spent


async def test_a_view_updates_by_id_and_refuses_a_stale_hash(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    opened = (await client.views_open(trigger_id=slack.new_trigger(), view=modal()))["view"]
    updated = await client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal())
    assert updated["view"]["id"] == opened["id"] and updated["view"]["hash"] != opened["hash"]
    stale = await refusal(
        client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal())
    )
    missing = await refusal(client.views_update(view_id="V9999", view=modal()))
    assert (stale["error"], missing["error"]) == ("hash_conflict", "not_found")


async def test_a_view_pushes_with_a_trigger(slack: FakeSlack, client: AsyncWebClient) -> None:
    pushed = await client.views_push(trigger_id=slack.new_trigger(), view=modal())
    assert pushed["view"]["type"] == "modal"


async def test_a_home_tab_publishes_only_a_home_view(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    home = {"type": "home", "blocks": [section("Your open complaints")]}
    published = await client.views_publish(user_id="UBOB", view=home)
    assert published["view"]["type"] == "home" and slack.home_views["UBOB"]["id"]
    as_modal = await refusal(client.views_publish(user_id="UBOB", view=modal()))
    assert as_modal["error"] == "invalid_arguments"


# --- over HTTP: injected faults ------------------------------------------------------------


async def test_a_rate_limit_is_retried_after_retry_after(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=1))
    slack.rate_limit_next("chat.postMessage", retry_after=0)
    posted = await client.chat_postMessage(channel="C1", text="Logged")
    assert posted["ok"]
    first, second = slack.calls_to("chat.postMessage")
    assert (first.status, second.status) == (429, 200)
    (served,) = slack.rate_limits_served
    assert second.at >= served.at + served.retry_after


async def test_a_rate_limit_without_a_retry_handler_surfaces_with_retry_after(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    slack.rate_limit_next("chat.postMessage", retry_after=30)
    answer = await refusal(client.chat_postMessage(channel="C1", text="Logged"))
    assert (answer.status_code, answer["error"]) == (429, "ratelimited")
    assert answer.headers["Retry-After"] == "30"
    assert (await client.chat_postMessage(channel="C1", text="Logged"))["ok"]  # only once


async def test_an_injected_error_and_server_error_happen_once(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    slack.fail_next("chat.postMessage", error="is_archived")
    slack.server_error_next("chat.postMessage", status=503)
    archived = await refusal(client.chat_postMessage(channel="C1", text="x"))
    unavailable = await refusal(client.chat_postMessage(channel="C1", text="x"))
    assert archived["error"] == "is_archived"
    assert unavailable.status_code == 503
    assert (await client.chat_postMessage(channel="C1", text="x"))["ok"]
