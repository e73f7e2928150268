"""A message with a ref (a complaint's card, an assessment's question) is edited where it
stands, else posted anew and remembered by its ref: one shape for every chat platform, each
giving its own calls for the three steps."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

Sent = TypeVar("Sent")  # what the platform answers for a message: its id, its object...
Where = tuple[str, str]  # (channel, message id) where a message stands


async def edit_else_post(
    standing: Where | None,
    edit: Callable[[Where], Awaitable[Sent | None]],
    post: Callable[[], Awaitable[Sent | None]],
    remember: Callable[[Sent], Awaitable[None]],
    *,
    found: bool = False,
) -> Sent | None:
    """The message edited where it stands (`standing`); posted if it stands nowhere or the
    edit found it gone (`edit` answers None), and the new one remembered. `found`: the place was
    found rather than remembered, so an edit there is remembered too. None when the post was
    refused (the platform's calls record why)."""
    if standing is not None:
        edited = await edit(standing)
        if edited is not None:
            if found:
                await remember(edited)
            return edited
    sent = await post()
    if sent is not None:
        await remember(sent)
    return sent
