"""The privacy guard (tests/privacy_guard.py) must be able to fail: what it flags, what it leaves.

A guard that never fails proves nothing, so the last test here runs real tests that leak through
each platform (the core, Slack, Discord) and checks that each one fails, and only those.
"""

from __future__ import annotations

import textwrap

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import CareBot
from bot.complaints.views import mask_email, mask_name, mask_phone
from bot.context import Actor
from bot.routes import root
from bot.tree import Command
from bot.ui import Audience, Message, Post, Reply, Section
from tests.factories import log_complaint
from tests.privacy_guard import ChannelPost, Personal, core_channel, find_leaks, watching
from tests.slack_fake import FakeSlack

pytest_plugins = ["pytester"]

NAME, PHONE, ADDRESS = "Ravi Kumar", "+919876543210", "12 MG Road, Pune"
EMAIL = "ravi_kumar@example.com"


def ravi() -> Personal:
    personal = Personal()
    for name, value in (
        ("customer_name", NAME),
        ("customer_phone", PHONE),
        ("customer_email", EMAIL),
        ("customer_address", ADDRESS),
    ):
        personal.add(name, value)
    return personal


def leaked(text: str, personal: Personal | None = None) -> set[str]:
    post = ChannelPost("test", "C1", text)
    return {leak.field for leak in find_leaks(personal or ravi(), [post])}


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("Customer: Ravi Kumar", "customer_name"),
        ("customer: RAVI  KUMAR.", "customer_name"),  # any case, any spacing
        ("*Ravi Kumar*", "customer_name"),  # in Slack's bold
        ("Call +919876543210", "customer_phone"),  # as stored (E.164)
        ("Call +91 98765 43210", "customer_phone"),  # as displayed
        ("Call 98765-43210 after five", "customer_phone"),  # national digits
        ("Call (987) 654-3210", "customer_phone"),
        ("Call 654 3210", "customer_phone"),  # the last seven digits are enough
        ("At 12 mg road, pune", "customer_address"),
        ("At 12 MG Road,  Pune &amp; nearby", "customer_address"),  # Slack's entities
        ("Ravi Kumar \\(12 MG Road, Pune\\)", "customer_name"),  # Discord's escapes
        ("Write to ravi_kumar@example.com", "customer_email"),
        ("Write to RAVI_KUMAR@Example.COM.", "customer_email"),  # any case, end of a sentence
        ("Email: ravi\\_kumar@example.com", "customer_email"),  # Discord escapes the underscore
        ("<mailto:ravi_kumar@example.com|ravi_kumar@example.com>", "customer_email"),  # Slack
        ("Email ravi_kumar@example.com (card)", "customer_email"),
    ],
)
def test_a_personal_value_in_a_channel_post_is_a_leak(text: str, field: str) -> None:
    assert field in leaked(text)


@pytest.mark.parametrize(
    "text",
    [
        f"Customer: {mask_name(NAME)} · Phone: {mask_phone(PHONE)}",  # the product's mask
        "Phone: •••• 3210 · Complaint #3 · 150.50 INR",
        "Ravindra Kumaran called about Kumar Ravi",  # other words that hold the name's letters
        "Call 3210 or 43210",  # a tail shorter than seven digits says nothing
        "complaint.details:1456074443987654321",  # an id (a Discord snowflake), not a phone
        "Complaint #1 · Delivery · Open",
        f"Email: {mask_email(EMAIL)}",  # the product's mask for an email
        "Write to support@example.com or xravi_kumar@example.com",  # other addresses
    ],
)
def test_a_masked_or_unrelated_post_is_not_a_leak(text: str) -> None:
    assert leaked(text) == set()


def test_short_or_generic_values_are_not_looked_for() -> None:
    personal = Personal()
    for name, value in (
        ("customer_name", "erased"),  # the product's placeholder once erased
        ("customer_name", "Al"),
        ("customer_name", "1234"),
        ("customer_address", "B-12"),
        ("customer_phone", "3210"),
    ):
        personal.add(name, value)
    assert leaked("erased by Al at B-12, 1234 · •••• 3210", personal) == set()


def test_a_value_the_test_also_wrote_elsewhere_may_show() -> None:
    """The description (shown in the card) names the customer: that is the agent's text."""
    personal = ravi()
    personal.add_plain("Ravi Kumar called twice")
    assert leaked("Description: Ravi Kumar called twice", personal) == set()
    assert leaked("Call +91 98765 43210", personal) == {"customer_phone"}


def test_only_channel_posts_of_the_core_are_channel_posts() -> None:
    in_channel = Actor("slack", "T1", "U1", "Asha", channel_id="C1")
    in_dm = Actor("slack", "T1", "U1", "Asha", channel_id="D1", is_dm=True)
    message = Message(text=NAME)
    assert core_channel(in_channel, Post(message, Audience.CHANNEL)) == "C1"
    assert core_channel(in_channel, Post(message, Audience.CHANNEL, channel="C9")) == "C9"
    assert core_channel(in_dm, Post(message, Audience.CHANNEL, channel="C9")) == "C9"
    assert core_channel(in_dm, Post(message, Audience.CHANNEL)) is None  # posted in that DM
    assert core_channel(in_channel, Post(message, Audience.ACTOR)) is None
    assert core_channel(in_channel, Post(message, Audience.DM)) is None
    edited = Post(message, Audience.CHANNEL, posted=("C7", "1.2"))
    assert core_channel(in_dm, edited) == "C7"  # edited where it stands


async def test_the_core_is_watched_at_carebot(carebot: CareBot, asha: Actor) -> None:
    """Values typed into the complaint form count; a CHANNEL post that shows one is flagged."""

    async def leak(_ctx: object, _text: str) -> Reply:
        fields = (("Phone", PHONE), ("Email", "Meena.Iyer@example.com"))
        card = Message(text="Complaint", sections=(Section(fields=fields),))
        private = Message(text="Meena Iyer, 98765 43210, meena.iyer@example.com")
        return Reply(posts=(Post(card, Audience.CHANNEL), Post(private, Audience.DM)))

    with pytest.MonkeyPatch.context() as patch, watching() as guard:
        patch.setitem(root().commands, "leak", Command("leak", "leak", leak))
        email = " meena.iyer@EXAMPLE.com"
        await log_complaint(carebot, asha, customer_name="Meena Iyer", customer_email=email)
        await carebot.command(asha, "leak")
        leaks = guard.leaks()
    assert [(leak.post.source, leak.post.channel, leak.field) for leak in leaks] == [
        ("CareBot.command('leak')", "C1", "customer_email"),
        ("CareBot.command('leak')", "C1", "customer_phone"),
    ]
    assert guard.personal.values["customer_name"] == {"Meena Iyer"}  # typed, then stored
    assert email in guard.personal.values["customer_email"]  # found in another letter case


async def test_slack_is_watched_at_the_fake_web_api() -> None:
    """Channels count (refused posts too); DMs, user ids and ephemeral messages do not."""
    with watching() as guard:
        async with FakeSlack() as slack:
            slack.add_user("U1", name="asha")
            client = AsyncWebClient(token="xoxb-test", base_url=slack.base_url)
            shown = f"{NAME}, {PHONE}"
            await client.chat_postMessage(channel="C1", text=f"Card: {mask_name(NAME)}")
            await client.chat_postMessage(channel="U1", text=shown)  # the user's DM
            await client.chat_postEphemeral(channel="C1", user="U1", text=shown)
            await client.chat_postMessage(channel="C1", text=f"Card for {NAME}")
            dm = slack.dm_for("U1")
            await client.files_upload_v2(channel=dm, content=shown, filename="export.csv")
            await client.files_upload_v2(channel="C2", content=ADDRESS, filename="leak.csv")
        guard.personal = ravi()
        leaks = guard.leaks()
    assert sorted((leak.post.source, leak.post.channel, leak.field) for leak in leaks) == [
        ("Slack chat.postMessage", "C1", "customer_name"),
        ("Slack file shared", "C2", "customer_address"),
    ]


def test_a_leaking_test_fails_on_every_platform(pytester: pytest.Pytester) -> None:
    """Real tests, with the real fixtures: each leak fails its test, naming the post and value."""
    pytester.makeini(
        """
        [pytest]
        asyncio_mode = auto
        asyncio_default_fixture_loop_scope = function
        """
    )
    pytester.makeconftest(
        """
        from tests.conftest import (
            _privacy_guard, asha, carebot, clock, database_url, db, settings,
        )
        from tests.discord.conftest import core, discord_settings, simcord_bot, world
        from tests.slack.conftest import slack
        """
    )
    pytester.makepyfile(
        test_leaks=textwrap.dedent(
            """
            import simcord
            from slack_sdk.web.async_client import AsyncWebClient

            from bot import permissions
            from bot.routes import root
            from bot.tree import Command
            from bot.ui import Audience, Message, Post, Reply
            from tests.discord.flows import log_complaint as log_on_discord
            from tests.factories import log_complaint


            async def test_core_leak(carebot, asha, monkeypatch):
                async def leak(ctx, text):
                    return Reply.say(Message(text="Customer: Ravi Kumar"), Audience.CHANNEL)

                monkeypatch.setitem(root().commands, "leak", Command("leak", "leak", leak))
                await log_complaint(carebot, asha)
                await carebot.command(asha, "leak")


            async def test_slack_leak(carebot, asha, slack):
                await log_complaint(carebot, asha)
                client = AsyncWebClient(token="xoxb-test", base_url=slack.base_url)
                await client.chat_postMessage(channel="C1", text="Call 98765 43210")


            async def test_slack_email_leak(carebot, asha, slack):
                await log_complaint(carebot, asha, customer_email="ravi.kumar@example.com")
                client = AsyncWebClient(token="xoxb-test", base_url=slack.base_url)
                link = "<mailto:Ravi.Kumar@example.com|Ravi.Kumar@example.com>"
                await client.chat_postMessage(channel="C2", text=f"Write to {link}")


            async def test_discord_leak(world, simcord_env):
                await log_on_discord(world)
                channel = simcord_env.bot.get_channel(world.channel.id)
                await channel.send("Visit 12 MG Road, Pune")
                user = await simcord_env.bot.fetch_user(world.asha.id)
                await user.send("DM: Ravi Kumar, 12 MG Road, Pune")  # private: allowed


            async def test_private_and_masked_posts_pass(carebot, asha, slack):
                await log_complaint(carebot, asha)
                client = AsyncWebClient(token="xoxb-test", base_url=slack.base_url)
                await client.chat_postMessage(channel="C1", text="R••• · •••• 3210")
                await client.chat_postMessage(channel="U1", text="Ravi Kumar +919876543210")
            """
        )
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-k", "not postgresql")
    result.assert_outcomes(passed=5, errors=4)
    output = result.stdout.str()
    for test, line in (
        ("test_core_leak", "CareBot.command('leak') to channel C1: customer_name 'Ravi Kumar'"),
        ("test_slack_leak", "Slack chat.postMessage to channel C1: customer_phone"),
        (
            "test_slack_email_leak",
            "Slack chat.postMessage to channel C2: customer_email 'ravi.kumar@example.com'",
        ),
        ("test_discord_leak", "Discord MESSAGE_CREATE to channel #support"),
    ):
        assert f"ERROR at teardown of {test}" in output, output
        assert line in output, output
    assert "customer_address '12 MG Road, Pune'" in output
    assert "DM: Ravi Kumar" not in output  # the DM was not flagged
