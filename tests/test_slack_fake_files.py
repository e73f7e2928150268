"""The fake Slack's file uploads and DMs, driven by the real slack_sdk client over HTTP.

files_upload_v2 runs Slack's three steps: files.getUploadURLExternal, a POST of the bytes to
the upload URL, files.completeUploadExternal. The fake refuses what Slack refuses at each step.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from tests.slack_fake import FakeSlack, SharedFile

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4  # every byte value, to catch re-encoding


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        fake.add_user("UASHA", name="asha")
        yield fake


@pytest.fixture
def client(slack: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test", base_url=slack.base_url)


async def refusal(call: Any) -> Any:
    with pytest.raises(SlackApiError) as caught:
        await call
    return caught.value.response


async def upload_url(client: AsyncWebClient, length: int = len(PNG)) -> tuple[str, str]:
    answer = await client.files_getUploadURLExternal(filename="chart.png", length=length)
    return str(answer["upload_url"]), str(answer["file_id"])


async def post_bytes(url: str, data: Any) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.post(url, data=data) as answer:
        return answer.status, await answer.text()


async def test_a_file_is_shared_through_the_three_steps(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    done = await client.files_upload_v2(
        channel="C1", content=PNG, filename="chart.png", title="Scores"
    )

    assert [c.method for c in slack.calls] == [
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]
    asked, sent, completed = slack.calls
    assert asked.args["filename"] == "chart.png" and asked.args["length"] == str(len(PNG))
    assert asked.response["upload_url"].startswith(slack.base_url.removesuffix("api/"))
    assert asked.response["file_id"].startswith("F")
    assert sent.token is None and sent.response == {"ok": True, "file_id": done["file"]["id"]}
    assert json.loads(completed.args["files"]) == [{"id": done["file"]["id"], "title": "Scores"}]
    assert slack.files == [SharedFile(done["file"]["id"], "chart.png", "Scores", PNG, "C1")]


async def test_a_file_goes_to_a_dm_by_its_id_or_by_a_user_id(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    dm = (await client.conversations_open(users="UASHA"))["channel"]["id"]
    await client.files_upload_v2(channel=dm, content=PNG, filename="a.png", title="A")
    await client.files_upload_v2(channels=["UASHA"], content=b"b", filename="b.txt")
    await client.files_upload_v2(content=b"c", filename="c.txt")  # no channel: private
    assert [(f.filename, f.title, f.channel) for f in slack.files] == [
        ("a.png", "A", dm),
        ("b.txt", "b.txt", dm),  # the title defaults to the file name
        ("c.txt", "c.txt", None),
    ]


async def test_an_upload_url_needs_a_name_and_a_length(client: AsyncWebClient) -> None:
    no_length = await refusal(client.files_getUploadURLExternal(filename="a.png", length=0))
    method = "files.getUploadURLExternal"
    not_a_number = await refusal(client.api_call(method, params={"filename": "a", "length": "x"}))
    no_name = await refusal(client.api_call(method, params={"length": 3}))
    assert no_length["error"] == "missing_argument"
    assert not_a_number["error"] == no_name["error"] == "invalid_arguments"
    huge = client.files_getUploadURLExternal(
        filename="a.py", length=2 * 1024 * 1024, snippet_type="python"
    )
    assert (await refusal(huge))["error"] == "snippet_too_large"


async def test_bytes_of_another_length_than_declared_are_refused(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    url, file_id = await upload_url(client)
    status, text = await post_bytes(url, PNG[:-1])
    assert status == 400 and "length_mismatch" in text
    unknown, _ = await post_bytes(url.rsplit("/", 1)[0] + "/not-a-ticket", PNG)
    assert unknown == 404
    complete = client.files_completeUploadExternal(files=[{"id": file_id}], channel_id="C1")
    assert (await refusal(complete))["error"] == "file_not_found"  # nothing arrived yet
    assert (await post_bytes(url, PNG))[0] == 200  # the same ticket takes a correct retry
    await client.files_completeUploadExternal(files=[{"id": file_id}], channel_id="C1")
    assert slack.files[0].content == PNG


async def test_a_multipart_upload_is_accepted(slack: FakeSlack, client: AsyncWebClient) -> None:
    url, file_id = await upload_url(client)
    form = aiohttp.FormData()
    form.add_field("file", PNG, filename="chart.png", content_type="image/png")
    assert (await post_bytes(url, form))[0] == 200
    await client.files_completeUploadExternal(files=[{"id": file_id, "title": "T"}])
    assert slack.files[0].content == PNG


async def test_completion_refuses_unknown_files_and_channels_and_works_once(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    slack.missing_channels.add("CGONE")
    slack.not_in_channels.add("CPRIVATE")
    url, file_id = await upload_url(client)
    await post_bytes(url, PNG)

    def complete(channel: str, files: Any = None) -> Any:
        return client.api_call(
            "files.completeUploadExternal",
            json={"files": files or [{"id": file_id, "title": "T"}], "channel_id": channel},
        )

    assert (await refusal(complete("C1", [{"id": "F404"}])))["error"] == "file_not_found"
    assert (await refusal(complete("C1", "not json")))["error"] == "invalid_arguments"
    assert (await refusal(complete("CGONE")))["error"] == "channel_not_found"
    assert (await refusal(complete("CPRIVATE")))["error"] == "not_in_channel"
    assert (await refusal(complete("DSTRANGER")))["error"] == "channel_not_found"
    assert slack.files == []  # a refused completion shares nothing

    done = await complete("C1")  # files as a JSON list works as well as a JSON string
    assert done["files"] == [{"id": file_id, "title": "T"}]
    assert (await refusal(complete("C1")))["error"] == "file_not_found"  # only once
    assert (await post_bytes(url, PNG))[0] == 404  # and the ticket is spent
    assert len(slack.files) == 1


async def test_a_bad_length_surfaces_from_files_upload_v2_as_a_request_error(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    slack.fail_next("files.completeUploadExternal", "channel_not_found")
    answer = await refusal(client.files_upload_v2(channel="C1", content=PNG, filename="a.png"))
    assert answer["error"] == "channel_not_found" and slack.files == []

    async def wrong_length(**kwargs: Any) -> Any:
        return await AsyncWebClient.files_getUploadURLExternal(
            client, **{**kwargs, "length": kwargs["length"] + 1}
        )

    client.files_getUploadURLExternal = wrong_length  # type: ignore[method-assign]
    with pytest.raises(SlackRequestError, match="status: 400"):
        await client.files_upload_v2(channel="C1", content=PNG, filename="a.png")


async def test_a_message_in_the_bots_dm_is_posted_and_updated_and_strangers_dms_refused(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    dm = (await client.conversations_open(users="UASHA"))["channel"]["id"]
    assert slack.dm_for("UASHA") == dm
    posted = await client.chat_postMessage(channel=dm, text="Question 1")
    updated = await client.chat_update(channel=dm, ts=posted["ts"], text="Question 2")
    assert (posted["channel"], updated["ts"]) == (dm, posted["ts"])
    assert slack.messages[(dm, posted["ts"])]["text"] == "Question 2"
    # a DM between two people (a command typed there carries its id): the bot is not in it
    stranger = await refusal(client.chat_postMessage(channel="D0STRANGER", text="x"))
    assert stranger["error"] == "channel_not_found"
