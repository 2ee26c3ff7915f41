"""Phone callbacks (C7) and their handoffs (C8): the ladder, views for the renderers."""

from bot.services.callbacks.ladder import (
    OFFER,
    TIMERS,
    called_back,
    claim,
    find_callback,
    ladder_of,
    log_callback,
    pass_on,
)
from bot.services.callbacks.views import callback_view, handoff_view

__all__ = [
    "OFFER",
    "TIMERS",
    "callback_view",
    "called_back",
    "claim",
    "find_callback",
    "handoff_view",
    "ladder_of",
    "log_callback",
    "pass_on",
]
