"""`carebot customer export|erase PHONE|EMAIL|NAME --workspace PLATFORM:ID [--yes]`: a customer's
request answered on the server. The export goes to standard output (it holds personal data);
both are audited with the operator's login name, as no chat member acted."""

from __future__ import annotations

import getpass
from typing import TextIO

from sqlalchemy import select

from bot.clock import SystemClock
from bot.errors import UserError
from bot.i18n import Translator
from bot.privacy import customers
from bot.privacy.document import document, to_json
from bot.settings import Settings
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Workspace


async def customer_command(
    settings: Settings,
    action: str,
    typed: str,
    workspace_ref: str,
    yes: bool,
    out: TextIO,
    err: TextIO,
) -> int:
    platform, _, external_id = workspace_ref.partition(":")
    if not platform or not external_id:
        print("carebot: give the workspace as PLATFORM:ID, e.g. slack:T0123ABCD", file=err)
        return 2
    db = Database(settings.database_url)
    try:
        await upgrade(db.engine)
        async with db.transaction() as session:
            workspace = await session.scalar(
                select(Workspace).where(
                    Workspace.platform == platform, Workspace.external_id == external_id
                )
            )
            if workspace is None:
                print(f"carebot: no workspace {workspace_ref}", file=err)
                return 2
            try:
                customer = customers.identify(typed, workspace.phone_region)
            except UserError as error:
                print(f"carebot: {error.message(Translator(settings.default_locale))}", file=err)
                return 2
            found = await customers.find(session, workspace.id, customer)
            now, operator = SystemClock().now(), {"via": "cli", "operator": getpass.getuser()}
            if action == "export":
                out.write(to_json(await document(session, workspace, customer, found, now)))
                customers.record(
                    session,
                    workspace.id,
                    None,
                    "customer_exported",
                    now,
                    found,
                    matched_by=customer.matched_by,
                    **operator,
                )
                print(f"{len(found)} complaints exported", file=err)
                return 0
            if not yes:
                print(
                    f"{len(found)} complaints would lose their customer's name, phone, email "
                    "and address; run again with --yes to erase them",
                    file=err,
                )
                return 1
            count = await customers.erase(session, workspace.id, found, now)
            customers.record(
                session,
                workspace.id,
                None,
                "customer_erased",
                now,
                found,
                matched_by=customer.matched_by,
                **operator,
            )
            print(f"{count} complaints erased", file=err)
            return 0
    finally:
        await db.dispose()
