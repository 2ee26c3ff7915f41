"""The outbox sender of a Slack-only runtime: the delivery engine with the Slack transport.

The engine (claim, lease, retry, pacing, order, exactly-once) is bot/delivery/engine.py; the
Slack side (post, update, look-up by metadata, error classes) is bot/adapters/slack/transport.py.
"""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.transport import PERMANENT, SlackTransport
from bot.delivery.engine import MAX_ATTEMPTS, UNCERTAIN, DeliveryEngine, DeliverySettings
from bot.deps import Deps

__all__ = [
    "MAX_ATTEMPTS",
    "PERMANENT",
    "UNCERTAIN",
    "DeliverySettings",
    "OutboxSender",
]


class OutboxSender(DeliveryEngine):
    """The delivery engine with Slack's transport (a second platform adds its own)."""

    def __init__(
        self, deps: Deps, client: AsyncWebClient, settings: DeliverySettings | None = None
    ) -> None:
        super().__init__(deps, {"slack": SlackTransport(deps, client)}, settings)
