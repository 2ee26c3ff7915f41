"""App Home: the person's inquiries in lists with the buttons they may use (a customer sees
only the customer view of their own)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks.home import HomeList, build_home
from bot.adapters.slack.blocks.inquiry import Viewer, build_customer_home
from bot.adapters.slack.ids import Event
from bot.deps import Deps
from bot.services import inquiries as svc
from bot.services.inquiry_commands import outside_zone
from handlers.common import actor_of
from handlers.errors import reported


def register(app: AsyncApp) -> None:
    """Attach the App Home listener."""
    app.event(Event.APP_HOME_OPENED)(reported(handle_app_home_opened_event))


async def handle_app_home_opened_event(
    event: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """Publish the Home tab with the user's inquiry lists."""
    if event.get("tab") not in (None, "home"):
        return
    await publish_home(client, deps, event["user"])


async def publish_home(client: AsyncWebClient, deps: Deps, user_id: str) -> None:
    """Render and publish user_id's Home (also after they act on a row of it)."""
    lang = await deps.languages.language_of(user_id)
    actor = actor_of(deps, user_id)
    async with deps.reads() as session:
        if actor.is_staff:
            lists = []
            for key, rows, total in await svc.home_lists(session, deps, actor):
                links = await svc.card_links(session, rows, "slack")
                data = [svc.describe(r, deps, link=links.get(r.id or 0, "")) for r in rows]
                lists.append(HomeList(key, data, total))
            view = build_home(
                lang, lists, Viewer(user_id, actor.is_staff, deps.is_assignable(user_id))
            )
        else:
            rows, total = await svc.list_for(session, deps, actor, "mine")
            zone = await outside_zone(deps, user_id)
            views = [svc.describe_for_customer(r, deps, zone=zone) for r in rows]
            view = build_customer_home(lang, views, total)
    await client.views_publish(user_id=user_id, view=view)


def from_home(body: dict[str, Any]) -> bool:
    """Whether an interaction came from a button on the App Home tab."""
    return (body.get("view") or {}).get("type") == "home"
