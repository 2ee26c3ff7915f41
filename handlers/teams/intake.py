"""Teams channel messages and the intake rules (bot/services/intake.py): a person's new post
in an intake channel opens an inquiry (answered in its reply chain), a staff reply in an
inquiry's reply chain is its first response."""

from __future__ import annotations

from bot.adapters.teams.activity import Inbound
from bot.deps import Deps
from bot.services.intake import IncomingMessage, concerns_intake, take_message
from handlers.teams.common import teams_user_id


def plain_text(inbound: Inbound) -> str:
    """The message as people read it: other people's mention tags as `@Name`."""
    text = inbound.text
    for tag, _user_id, name in inbound.mentions:
        text = text.replace(tag, f"@{name}" if name else tag.removeprefix("<at>")[:-5])
    return text


def incoming_message(deps: Deps, inbound: Inbound) -> IncomingMessage:
    """The facts of a Teams message that the intake rules read.

    A channel post's conversation id names its reply chain (`…;messageid=<root>`): the root is
    the post itself for a new post, another message for a reply.
    """
    thread = inbound.thread_id or inbound.reply_to_id or None
    return IncomingMessage(
        platform="teams",
        conversation_id=inbound.conversation_id,
        message_id=inbound.activity_id,
        thread_id=thread,
        author_id=teams_user_id(deps, inbound) or None,
        is_bot=inbound.is_bot,
        kind="post" if inbound.is_command else "other",
        text=plain_text(inbound),
        key=f"teams:intake:{inbound.conversation_id}:{inbound.activity_id}",
    )


async def handle_intake(deps: Deps, inbound: Inbound) -> bool:
    """Apply the intake rules to a channel message; False when they do not concern it."""
    if inbound.type != "message" or inbound.conversation_kind != "channel":
        return False
    msg = incoming_message(deps, inbound)
    if not msg.message_id or not concerns_intake(deps, msg):
        return False
    async with deps.sessions.begin() as session:
        await take_message(session, deps, msg)
    deps.outbox.kick()
    return True
