"""Slack transport: one module per feature, each with register(app)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers import (
    charter,
    digest,
    errors,
    guard,
    home,
    inquiry,
    messages,
    nudges,
    reactions,
    shortcuts,
)


def register_all(app: AsyncApp) -> None:
    """Attach every feature's listeners to the app."""
    for module in (
        errors,
        guard,
        inquiry,
        digest,
        charter,
        nudges,
        messages,
        reactions,
        shortcuts,
        home,
    ):
        module.register(app)
