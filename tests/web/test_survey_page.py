"""The customer's survey page over real HTTP: what it shows, what a submit records, and what
it refuses (writing nothing), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient
from itsdangerous import URLSafeSerializer
from sqlalchemy import update

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.i18n import Translator
from bot.settings import Settings
from bot.surveys.links import SALT
from storage.db import Database
from storage.models import Complaint
from tests.factories import VALID
from tests.jobs import jobs
from tests.web.conftest import Wakes
from tests.web.dom import Node, parse
from tests.web.surveys import BUSINESS, audit_actions, path_of, survey_link, surveys

EMAIL = "ravi.kumar@example.com"


def token_of(link: str) -> str:
    return link.rsplit("/", 1)[1]


async def get(client: TestClient, path: str) -> tuple[int, Node, str]:
    answer = await client.get(path)
    text = await answer.text()
    return answer.status, parse(text), text


async def post(client: TestClient, path: str, **fields: str) -> tuple[int, Node, str]:
    answer = await client.post(path, data=fields)
    text = await answer.text()
    return answer.status, parse(text), text


async def untouched(db: Database, before: list[str]) -> None:
    """Nothing written: no audit row added, the survey still open and unanswered."""
    assert await audit_actions(db) == before
    (survey,) = await surveys(db)
    assert (survey.state, survey.score, survey.better) == ("open", None, None)


async def test_the_page_asks_in_the_customers_language_and_shows_nothing_personal(
    carebot: CareBot,
    db: Database,
    settings: Settings,
    clock: ManualClock,
    asha: Actor,
    client: TestClient,
) -> None:
    link = await survey_link(carebot, db, settings, clock, asha, language="hi")
    async with db.transaction() as session:  # an address to write to, which must not show
        await session.execute(update(Complaint).values(customer_email=EMAIL))
    before = await audit_actions(db)

    status, page, html = await get(client, path_of(link))

    t = Translator("hi")
    assert status == 200
    assert page.one("html").attrs["lang"] == "hi"
    assert page.one("h1").text == t("How did we do?")
    assert BUSINESS in page.one("header").text
    assert t("Complaint #{number}").format(number=1) in page.one("main").text
    legend = page.one("legend").text
    assert t("How satisfied are you with how we handled your complaint?") in legend
    labels = [label.text for label in page.all("label")]
    assert f"5 · {t('Very satisfied')}" in labels
    assert t("What could we have done better?") in labels
    for private in (
        VALID["customer_name"],
        "98765",
        "43210",
        VALID["customer_address"],
        EMAIL,
        VALID["description"],
        VALID["solution"],
        "Called the courier",
    ):
        assert private not in html, private
    # Opening a link records nothing: mail and chat apps open links to preview them.
    assert (await client.head(path_of(link))).status == 200
    await untouched(db, before)


async def test_every_radio_group_is_a_fieldset_with_its_labels(
    client: TestClient, link: str
) -> None:
    _, page, _ = await get(client, link)
    (group,) = page.all("fieldset")
    assert group.one("legend").text.startswith("How satisfied are you")
    radios = group.all("input", type="radio")
    assert [r.attrs["value"] for r in radios] == ["1", "2", "3", "4", "5"]
    for radio in radios:
        assert page.one("label", for_=radio.attrs["id"]).text
    textarea = page.one("textarea")
    assert page.one("label", for_=textarea.attrs["id"]).text == "What could we have done better?"
    assert page.by_id("f-better-hint").text == "Optional, but it helps us most."
    assert textarea.attrs["aria-describedby"] == "f-better-hint"
    assert page.one("input", name="token").attrs["value"] == token_of(link)
    assert not page.all("script")


async def test_the_language_switch_names_each_language_in_its_own_script(
    client: TestClient, link: str
) -> None:
    _, page, _ = await get(client, f"{link}?lang=bn")
    assert page.one("html").attrs["lang"] == "bn"
    switch = page.one("nav")
    assert switch.attrs["aria-label"] == Translator("bn")("Language")
    current = switch.one(aria_current="page")
    assert (current.text, current.attrs["lang"]) == ("বাংলা", "bn")
    others = {a.attrs["lang"]: (a.text, a.attrs["href"]) for a in switch.all("a")}
    assert others == {
        "en": ("English", "?lang=en"),
        "hi": ("हिन्दी", "?lang=hi"),
        "mr": ("मराठी", "?lang=mr"),
        "tl": ("Tagalog", "?lang=tl"),
    }
    _, page, _ = await get(client, f"{link}?lang=xx")  # not one of ours: the survey's own
    assert page.one("html").attrs["lang"] == "en"


async def test_an_answer_is_recorded_once_and_thanked_in_the_page_language(
    client: TestClient, link: str, db: Database, clock: ManualClock, wakes: Wakes
) -> None:
    token = token_of(link)
    status, page, _ = await post(
        client, f"{link}?lang=tl", token=token, score="4", better="Call me sooner"
    )
    t = Translator("tl")
    assert status == 200
    assert page.one("html").attrs["lang"] == "tl"
    assert page.one("h1").text == t("Thank you! Your answer has been recorded.")
    (survey,) = await surveys(db)
    assert (survey.state, survey.score, survey.better) == ("answered", 4, "Call me sooner")
    assert survey.answered_at == clock.now()
    assert wakes.count == 1
    assert not [j for j in await jobs(db) if j.kind == "survey_alert"]  # 4 is not low

    # The link again, or the form sent twice: a polite page, and nothing changes.
    status, page, _ = await get(client, link)
    assert (status, page.one("h1").text) == (200, "We already have your answer. Thank you!")
    status, page, _ = await post(client, link, token=token, score="1")
    assert (status, page.one("h1").text) == (200, "We already have your answer. Thank you!")
    (survey,) = await surveys(db)
    assert survey.score == 4
    assert (await audit_actions(db)).count("survey_answered") == 1
    assert wakes.count == 1


async def test_a_low_answer_plans_the_agents_alert_and_wakes_the_scheduler(
    client: TestClient, link: str, db: Database, wakes: Wakes
) -> None:
    status, _, _ = await post(client, link, token=token_of(link), score="1")
    assert status == 200
    (alert,) = [j for j in await jobs(db) if j.kind == "survey_alert"]
    assert alert.state == "pending"
    assert wakes.count == 1


async def test_two_submits_at_once_record_exactly_one_answer(
    client: TestClient, link: str, db: Database
) -> None:
    token = token_of(link)
    answers = await asyncio.gather(
        post(client, link, token=token, score="2", better="first"),
        post(client, link, token=token, score="5", better="second"),
    )
    assert [status for status, _, _ in answers] == [200, 200]
    headings = sorted(page.one("h1").text for _, page, _ in answers)
    assert headings == [
        "Thank you! Your answer has been recorded.",
        "We already have your answer. Thank you!",
    ]
    (survey,) = await surveys(db)
    assert (survey.score, survey.better) in ((2, "first"), (5, "second"))
    assert (await audit_actions(db)).count("survey_answered") == 1


CHOOSE, REQUIRED = "Choose one of the options.", "This field is required."


@pytest.mark.parametrize(
    ("score", "message"),
    [
        ("0", CHOOSE),
        ("6", CHOOSE),
        ("-1", CHOOSE),
        ("4.5", CHOOSE),
        ("five", CHOOSE),
        ("", REQUIRED),
        (None, REQUIRED),
    ],
)
async def test_a_score_outside_one_to_five_or_none_is_refused_at_the_field(
    client: TestClient, link: str, db: Database, score: str | None, message: str
) -> None:
    before = await audit_actions(db)
    fields = {"token": token_of(link), "better": "Too slow"}
    if score is not None:
        fields["score"] = score
    status, page, _ = await post(client, link, **fields)
    assert status == 422
    error = page.by_id("f-score-error")
    assert error.text == message
    assert page.one("fieldset").attrs["aria-describedby"] == "f-score-error"
    summary = page.one(role="alert")
    assert summary.one("h2").text == "Please check the questions marked below."
    assert summary.one("a").attrs["href"] == "#f-score-1"
    assert page.one("textarea").text == "Too slow"  # what was typed is kept
    await untouched(db, before)


async def test_an_answer_longer_than_allowed_is_refused_at_the_field(
    client: TestClient, link: str, db: Database
) -> None:
    before = await audit_actions(db)
    status, page, _ = await post(client, link, token=token_of(link), score="3", better="x" * 2001)
    assert status == 422
    assert "2000" in page.by_id("f-better-error").text
    assert page.one("textarea").attrs["aria-describedby"] == "f-better-hint f-better-error"
    assert page.one("input", value="3").attrs.get("checked") == ""  # the score is kept
    await untouched(db, before)


async def test_a_body_of_100_kb_is_refused_before_it_is_read(
    client: TestClient, link: str, db: Database
) -> None:
    before = await audit_actions(db)
    status, page, _ = await post(
        client, link, token=token_of(link), score="5", better="y" * 100_000
    )
    assert status == 413
    assert page.one("h1").text == "Your answer was too long to send, and nothing was saved."

    async def chunks():  # no Content-Length: counted as it arrives
        yield f"token={token_of(link)}&score=5&better=".encode()
        for _ in range(100):
            yield b"z" * 1000

    answer = await client.post(
        link,
        data=chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status == 413
    await untouched(db, before)


async def test_html_in_the_answer_is_kept_as_typed_and_shown_as_text(
    client: TestClient, link: str, db: Database
) -> None:
    typed = '<script>alert("x")</script><b onmouseover=alert(1)>bold</b> & "quotes"'
    status, page, html = await post(client, link, token=token_of(link), better=typed)
    assert status == 422  # no score: the page repeats what was typed
    assert page.one("textarea").text == typed
    assert "<script>" not in html and "<b " not in html
    assert "&lt;script&gt;" in html
    assert not page.all("script") and not page.all("b")

    status, _, _ = await post(client, link, token=token_of(link), score="2", better=typed)
    assert status == 200
    (survey,) = await surveys(db)
    assert survey.better == typed


@pytest.mark.parametrize("kind", ["tampered", "cut", "made up", "other key", "too long"])
async def test_a_link_we_did_not_sign_is_not_found_and_writes_nothing(
    client: TestClient, link: str, db: Database, kind: str
) -> None:
    token = token_of(link)
    bad = {
        "tampered": token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"),
        "cut": token[: len(token) // 2],
        "made up": "hello",
        "other key": URLSafeSerializer("another key", salt=SALT).dumps([1, 2_000_000_000]),
        "too long": token + "A" * 300,
    }[kind]
    before = await audit_actions(db)
    for status, page, _ in (
        await get(client, f"/s/{bad}"),
        await post(client, f"/s/{bad}", token=bad, score="5"),
        await get(client, f"/s/{bad}/unsubscribe"),
        await post(client, f"/s/{bad}/unsubscribe"),
    ):
        assert status == 404
        assert page.one("h1").text == "We could not find this survey."
        assert "Sharma" not in page.text and "Complaint #" not in page.text
    await untouched(db, before)


async def test_a_submit_without_its_token_is_refused_and_writes_nothing(
    client: TestClient, link: str, db: Database
) -> None:
    before = await audit_actions(db)
    status, page, _ = await post(client, link, score="5")
    assert (status, page.one("h1").text) == (400, "This form arrived incomplete.")
    status, _, _ = await post(client, link, token="another", score="5")
    assert status == 400
    answer = await client.post(link, json={"token": token_of(link), "score": "5"})
    assert answer.status == 400  # not a form: no fields at all
    await untouched(db, before)


async def test_an_expired_link_is_gone_politely(
    client: TestClient, link: str, db: Database, clock: ManualClock, settings: Settings
) -> None:
    before = await audit_actions(db)
    clock.advance(timedelta(days=settings.survey_link_days, seconds=1))
    status, page, _ = await get(client, link)
    assert (status, page.one("h1").text) == (410, "This survey link has expired.")
    assert "contact Sharma Electronics directly" in page.text
    status, _, _ = await post(client, link, token=token_of(link), score="5")
    assert status == 410
    await untouched(db, before)


async def test_a_one_click_unsubscribe_from_a_mail_app_may_be_multipart(
    client: TestClient, link: str, db: Database
) -> None:
    form = FormData({"List-Unsubscribe": "One-Click"})
    form.add_field("List-Unsubscribe", "One-Click", content_type="text/plain")
    answer = await client.post(f"{link}/unsubscribe", data=form)
    assert answer.status == 200
    assert (await audit_actions(db)).count("survey_opt_out") == 1
