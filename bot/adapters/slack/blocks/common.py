"""Small Block Kit helpers that keep every text within Slack's limits.

Every text given to these helpers is Slack text already: catalogue strings (`t`, `t_plain`),
whose parameters `t` escapes, or user-derived strings passed through `escape` (the one
escaping function) and ids through `mention`, both in `bot.adapters.slack.text`.
"""

from __future__ import annotations

from typing import Any

SECTION_TEXT = 3000
HEADER_TEXT = 150
BUTTON_TEXT = 75
FIELD_TEXT = 2000
MODAL_TITLE = 24
CONTEXT_TEXT = 2000
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100


def clip(text: str, limit: int) -> str:
    """Shorten text to at most limit characters, ending with an ellipsis when cut.

    A cut never splits an entity (`&amp;`, `&lt;`, `&gt;`) of escaped text.
    """
    if len(text) <= limit:
        return text
    kept = text[: limit - 1]
    amp = kept.rfind("&", max(0, len(kept) - 4))
    if amp != -1 and ";" not in kept[amp:]:
        kept = kept[:amp]
    return kept + "…"


# Slack mrkdwn has no escape for its formatting marks: user text gets look-alikes instead, so
# a title such as `*urgent*` or `` `code` `` reads the same but never turns bold or monospace.
_INERT = str.maketrans({"*": "∗", "`": "ˋ", "~": "∼", "_": "ˍ"})


def literal(text: str) -> str:
    """User text that mrkdwn shows as typed: formatting marks replaced by look-alikes.

    Apply before escaping (or before t(), which escapes parameters).
    """
    return text.translate(_INERT)


def plain(text: str, limit: int = SECTION_TEXT) -> dict[str, Any]:
    """A plain_text object."""
    return {"type": "plain_text", "text": clip(text, limit) or " ", "emoji": True}


def mrkdwn(text: str, limit: int = SECTION_TEXT) -> dict[str, Any]:
    """A mrkdwn text object (the caller escapes user text with `escape`)."""
    return {"type": "mrkdwn", "text": clip(text, limit) or " "}


def header(text: str) -> dict[str, Any]:
    """A header block."""
    return {"type": "header", "text": plain(text, HEADER_TEXT)}


def section(text: str, **extra: Any) -> dict[str, Any]:
    """A section block with mrkdwn text."""
    return {"type": "section", "text": mrkdwn(text), **extra}


def context(text: str) -> dict[str, Any]:
    """A context block with one mrkdwn element."""
    return {"type": "context", "elements": [mrkdwn(text, CONTEXT_TEXT)]}


def button(
    text: str, action_id: str, value: str, style: str | None = None, *, url: str = ""
) -> dict[str, Any]:
    """A button element (a link button when url is given)."""
    b: dict[str, Any] = {
        "type": "button",
        "text": plain(text, BUTTON_TEXT),
        "action_id": action_id,
        "value": value,
    }
    if style:
        b["style"] = style
    if url:
        b["url"] = url[:3000]
    return b


def line_sections(lines: list[str], limit: int = SECTION_TEXT - 100) -> list[dict[str, Any]]:
    """Pack lines into as few section blocks as fit Slack's section text limit."""
    blocks: list[dict[str, Any]] = []
    chunk: list[str] = []
    for line in lines:
        if chunk and sum(len(x) + 1 for x in chunk) + len(line) > limit:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(section("\n".join(chunk)))
    return blocks


def cap_blocks(
    blocks: list[dict[str, Any]], limit: int = MAX_MESSAGE_BLOCKS
) -> list[dict[str, Any]]:
    """Keep at most limit blocks; the last kept one says how many were left out."""
    if len(blocks) <= limit:
        return blocks
    return [*blocks[: limit - 1], context(f"… +{len(blocks) - limit + 1}")]
