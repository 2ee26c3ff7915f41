"""App Home: the user's open inquiries (a customer sees only the customer view of their own)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.services import inquiries as svc
from handlers.blocks.inquiry import build_customer_home, build_home
from handlers.common import actor_of
from handlers.errors import reported
from handlers.ids import Event


def register(app: AsyncApp) -> None:
    """Attach the App Home listener."""
    app.event(Event.APP_HOME_OPENED)(reported(handle_app_home_opened_event))


async def handle_app_home_opened_event(
    event: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """Publish the Home tab with the user's open inquiries."""
    if event.get("tab") not in (None, "home"):
        return
    user_id = event["user"]
    lang = await deps.languages.language_of(user_id)
    actor = actor_of(deps, user_id)
    async with deps.reads() as session:
        rows, total = await svc.list_for(session, deps, actor, "mine")
        if actor.is_staff:
            view = build_home(lang, [svc.describe(r, deps) for r in rows], total)
        else:
            views = [svc.describe_for_customer(r, deps) for r in rows]
            view = build_customer_home(lang, views, total)
    await client.views_publish(user_id=user_id, view=view)
