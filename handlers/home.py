"""App Home: the person's dashboard. Role panels (bot.services.dashboard: a manager's team
board, an admin's delivery failures with retry and discard, configuration and warnings), then
their inquiry lists with the buttons they may use (a customer sees only the customer view of
their own). Published when opened (which records that they look at it) and after an action taken on
it; re-published, debounced, after any change that affects them (bot.services.home_refresh:
an outbox row of kind `home`, delivered by the Slack transport with views.publish)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.home_view import home_view
from bot.adapters.slack.ids import Action, Event
from bot.deps import Deps
from bot.services.dashboard import act_on_failure
from bot.services.home_refresh import opened_home
from handlers.common import click_key, first_time
from handlers.errors import reported


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
    """Render and publish user_id's Home now (when opened, and after they act on a row of it);
    later changes that affect them re-publish it through the outbox (bot.services.home_refresh)."""
    async with deps.sessions.begin() as session:
        await opened_home(session, deps, platform="slack", user_id=user_id)
    view = await home_view(deps, user_id)
    await client.views_publish(user_id=user_id, view=view)


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
    # the Home shows what happened at once: the row is gone (retried, discarded, or by
    # someone else); the other admins' Homes follow through the outbox (act_on_failure)
    await publish_home(client, deps, user_id)


def from_home(body: dict[str, Any]) -> bool:
    """Whether an interaction came from a button on the App Home tab."""
    return (body.get("view") or {}).get("type") == "home"
