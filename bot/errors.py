"""Errors whose message is safe to show to the user (rendered from the catalogues)."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal the user should read: `key` names a catalogue entry, `params` fill it."""

    def __init__(self, key: str, usage: str | None = None, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.usage = usage
        self.params = params


class NotFound(DomainError):
    """The referenced object does not exist."""


class Forbidden(DomainError):
    """The actor may not do this; the message says who may."""


class Conflict(DomainError):
    """The object is in a state that does not allow the action."""
