"""The outbox delivery engine: claim, lease, retry, pacing, order; knows no platform."""

from bot.delivery.engine import DeliveryEngine, DeliverySettings

__all__ = ["DeliveryEngine", "DeliverySettings"]
