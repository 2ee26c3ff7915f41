"""App Home: the person's dashboard. Role panels (bot.services.dashboard: a manager's team
board, an admin's delivery failures with retry and discard, configuration and warnings), then
their inquiry lists with the buttons they may use (a customer sees only the customer view of
their own). Published when opened, and again (debounced) after a change made from it."""

from __future__ import annotations

import asyncio
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks.home import HomeList, build_home
from bot.adapters.slack.blocks.inquiry import Viewer, build_customer_home
from bot.adapters.slack.ids import Action, Event
from bot.deps import Deps
from bot.services import inquiries as svc
from bot.services.dashboard import Viewer as DashViewer
from bot.services.dashboard import act_on_failure, build_panels, roles_of
from bot.services.inquiry_commands import outside_zone
from handlers.common import actor_of, click_key, first_time
from handlers.errors import reported

REFRESH_DELAY = 1.0  # seconds: changes within it publish the Home once


def register(app: AsyncApp) -> None:
    """Attach the App Home listeners."""
    app.event(Event.APP_HOME_OPENED)(reported(handle_app_home_opened_event))
    app.action(Action.OUTBOX_RETRY)(reported(handle_outbox_action))
    app.action(Action.OUTBOX_DISCARD)(reported(handle_outbox_action))


async def handle_app_home_opened_event(
    event: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """Publish the Home tab with the user's dashboard."""
    if event.get("tab") not in (None, "home"):
        return
    await publish_home(client, deps, event["user"])


async def publish_home(client: AsyncWebClient, deps: Deps, user_id: str) -> None:
    """Render and publish user_id's Home (also after they act on a row of it)."""
    lang = await deps.languages.language_of(user_id)
    actor = actor_of(deps, user_id)
    async with deps.reads() as session:
        if actor.is_staff:
            panels = await build_panels(session, deps, DashViewer(user_id, roles_of(deps, user_id)))
            lists = []
            for key, rows, total in await svc.home_lists(session, deps, actor):
                links = await svc.card_links(session, rows, "slack")
                data = [svc.describe(r, deps, link=links.get(r.id or 0, "")) for r in rows]
                lists.append(HomeList(key, data, total))
            view = build_home(
                lang, lists, Viewer(user_id, actor.is_staff, deps.is_assignable(user_id)), panels
            )
        else:
            rows, total = await svc.list_for(session, deps, actor, "mine")
            zone = await outside_zone(deps, user_id)
            views = [svc.describe_for_customer(r, deps, zone=zone) for r in rows]
            view = build_customer_home(lang, views, total)
    await client.views_publish(user_id=user_id, view=view)


_pending: dict[tuple[int, str], asyncio.Task[None]] = {}


def refresh_home(client: AsyncWebClient, deps: Deps, user_id: str) -> asyncio.Task[None]:
    """Publish user_id's Home once after REFRESH_DELAY, however many changes ask for it."""
    key = (id(deps), user_id)
    task = _pending.get(key)
    if task is not None and not task.done():
        return task

    async def later() -> None:
        await asyncio.sleep(REFRESH_DELAY)
        _pending.pop(key, None)
        await publish_home(client, deps, user_id)

    task = asyncio.create_task(later(), name=f"home:{user_id}")
    _pending[key] = task
    return task


async def handle_outbox_action(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """An admin's retry or discard of a failed delivery, from their Home."""
    await ack()
    user_id = body["user"]["id"]
    value = str(action.get("value") or "")
    if not value.isdigit() or len(value) > 18:
        return  # a forged value: nothing to act on
    if not await first_time(deps, click_key(body, action), None):
        return
    verb = "retry" if action.get("action_id") == Action.OUTBOX_RETRY else "discard"
    async with deps.sessions.begin() as session:
        await act_on_failure(session, deps, user_id, int(value), verb)
    deps.outbox.kick()
    # the Home shows what happened: the row is gone (retried, discarded, or by someone else)
    await refresh_home(client, deps, user_id)


def from_home(body: dict[str, Any]) -> bool:
    """Whether an interaction came from a button on the App Home tab."""
    return (body.get("view") or {}).get("type") == "home"
