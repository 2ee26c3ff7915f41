"""The Slack renderer registry: each message kind (message, nudge, card) from a neutral outbox
row to text and Block Kit, in the reader's language, validated against the fake's limits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from e2e.harness import Bot

from bot.adapters.slack.render import RENDERERS, render_card, render_message, render_nudge
from bot.adapters.slack.text import t
from bot.ports import Address, Outgoing, ToConversation, ToPerson, ToRole, ToThread
from bot.sandbox.fake_slack import validate_message_blocks

sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def _row(kind: str, recipient: Address, payload: dict[str, Any]) -> Outgoing:
    return Outgoing(
        key="k", kind=kind, platform="slack", recipient=recipient, payload=payload, created_at=NOW
    )


def _note(recipient: Address, **extra: Any) -> Outgoing:
    params = {"number": 3, "title": "t", "note": "checked"}
    return _row(
        "message",
        recipient,
        {"text_key": "inquiry.notify.progress", "params": params, "bilingual": None, **extra},
    )


def test_every_kind_the_services_queue_has_a_slack_renderer() -> None:
    from bot.adapters.teams.render import RENDERERS as TEAMS_RENDERERS
    from bot.services.callbacks import OFFER
    from bot.services.complaints import CASE
    from bot.services.handoffs import HANDOFF
    from bot.services.home_refresh import HOME
    from bot.services.outbox import CARD, DIGEST, MESSAGE, NUDGE, PROMPT, REPORT
    from bot.services.visits.common import VISIT_KIND

    assert set(RENDERERS) == {
        CARD,
        MESSAGE,
        NUDGE,
        PROMPT,
        VISIT_KIND,
        OFFER,
        HANDOFF,
        DIGEST,
        REPORT,
        HOME,
        CASE,
    }
    assert set(TEAMS_RENDERERS) == set(RENDERERS)  # every kind on every platform


@sqlite_only
async def test_messages_follow_the_reader(bot: Bot) -> None:
    deps = bot.deps
    params = {"number": 3, "title": "t", "note": "checked"}
    en = t("en", "inquiry.notify.progress", **params)
    ko = t("ko", "inquiry.notify.progress", **params)
    # a DM: the person's language (USTAFF2 reads English)
    assert (await render_message(deps, _note(ToPerson("USTAFF2")))).text == en
    # a thread post written for its requester (UCUST reads English)
    written_for = _note(ToThread("inquiry", 1), reader="UCUST", first="ko")
    assert (await render_message(deps, written_for)).text == en
    # a channel: both languages, the configured one first
    for channel in (ToRole("notices"), ToConversation("C0NOTICES")):
        assert (await render_message(deps, _note(channel))).text == f"{ko}\n{en}"
    # a title never turns into formatting
    hostile = _row(
        "message",
        ToPerson("USTAFF2"),
        {
            "text_key": "inquiry.notify.assigned_to_you",
            "params": {"number": 1, "title": "<!channel> *x*", "actor": "USTAFF1", "deadline": "-"},
        },
    )
    text = (await render_message(deps, hostile)).text
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text


@sqlite_only
async def test_nudges_render_valid_blocks(bot: Bot) -> None:
    item = {
        "reminder": 11,
        "number": 1,
        "title": "VPN <drops>",
        "obligation": "first_response",
        "promise": "first_response",
        "kind": "deadline",
        "deadline": "2026-12-01 10:15",
        "assignee": "",
        "link": "",
        "overdue": True,
    }
    dm = await render_nudge(bot.deps, _row("nudge", ToPerson("USTAFF2"), {"items": [item]}))
    channel = await render_nudge(bot.deps, _row("nudge", ToRole("triage"), {"items": [item]}))
    for rendered in (dm, channel):
        assert rendered.blocks and validate_message_blocks(rendered.blocks) == []
        assert "<drops>" not in rendered.text
    assert len(channel.text) > len(dm.text), "the channel's nudge carries both languages"


@sqlite_only
async def test_cards_render_the_inquiry_as_it_is_now(bot: Bot) -> None:
    assert "#1" in await bot.reply_to("USTAFF1", "new support Login & logout fail <@USTAFF2>")
    await bot.settle()
    card = await render_card(bot.deps, _row("card", ToRole("triage"), {"inquiry_id": 1}))
    assert card is not None and card.about == ("inquiry", 1)
    assert card.text == "#1 Login &amp; logout fail" and card.metadata == {"inquiry": 1}
    assert card.blocks and validate_message_blocks(card.blocks) == []
    # what the bot posted is what the renderer gives
    assert bot.posts("C0TRIAGE")[0]["blocks"][0] == card.blocks[0]
    gone = await render_card(bot.deps, _row("card", ToRole("triage"), {"inquiry_id": 99}))
    assert gone is None
