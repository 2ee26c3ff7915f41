"""Neutral answers of the use cases: what to tell the person, as a catalogue key and params."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Said:
    """A text for the person who acted: a catalogue key and its parameters (each platform
    renders it in the reader's language and its own markup)."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Replayed:
    """The same request again (a retry, a double click): it was acted on, and answered, once."""
