"""Slack transport: one module per feature, each with register(app)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers import (
    away,
    callbacks,
    charter,
    digest,
    errors,
    feedback,
    guard,
    home,
    inquiry,
    messages,
    notices,
    nudges,
    outages,
    reactions,
    shortcuts,
    surveys,
    visits,
)


def register_all(app: AsyncApp) -> None:
    """Attach every feature's listeners to the app."""
    for module in (
        errors,
        guard,
        inquiry,
        charter,
        surveys,
        feedback,
        visits,
        callbacks,
        away,
        notices,
        outages,
        digest,
        nudges,
        messages,
        reactions,
        shortcuts,
        home,
    ):
        module.register(app)
