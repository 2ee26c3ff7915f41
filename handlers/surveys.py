"""`/survey`, the survey's rating buttons and its comment modal: Slack requests in, the
survey services' neutral results out (bot/services/feedback_commands.py, feedback_actions.py)."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks.feedback import build_comment_modal, build_feedback_reply
from bot.adapters.slack.ids import Block, Command, View
from bot.adapters.slack.views import parse_view_state, read_metadata
from bot.deps import Deps
from bot.services.feedback_actions import AskComment, FeedbackAction, perform_feedback
from bot.services.feedback_commands import run_survey_command
from bot.services.feedback_common import FeedbackVerb
from bot.services.inquiry_commands import CommandRequest, Refused
from bot.services.results import Said
from handlers.common import action_key, ephemeral, replayed, said_text, submission_key
from handlers.errors import reported


def verb_pattern(verb: FeedbackVerb) -> re.Pattern[str]:
    """The Slack action ids of a verb's buttons (`survey:rate#0` … `#4`)."""
    return re.compile("^" + re.escape(verb.value) + r"#\d{1,2}$")


def register(app: AsyncApp) -> None:
    """Attach the survey listeners."""
    app.command(Command.SURVEY)(reported(handle_survey_command))
    app.action(verb_pattern(FeedbackVerb.RATE))(reported(handle_survey_rating_action))
    app.view_submission(View.SURVEY_COMMENT)(reported(handle_survey_comment_submission))


async def handle_survey_command(
    ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, deps: Deps
) -> None:
    """Answer `/survey …` (help, results) ephemerally."""
    await ack()
    user_id = command["user_id"]
    lang = await deps.languages.language_of(user_id)
    request = CommandRequest(user_id=user_id, text=command.get("text") or "", platform="slack")
    result = await run_survey_command(deps, request)
    if replayed(result):
        return
    text, blocks = build_feedback_reply(result, lang)
    await respond(**ephemeral(text, blocks))


async def handle_survey_rating_action(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    deps: Deps,
) -> None:
    """Record the rating the requester clicked, then offer the optional comment form."""
    await ack()
    user_id = body["user"]["id"]
    lang = await deps.languages.language_of(user_id)
    result = await perform_feedback(
        deps,
        FeedbackAction(
            FeedbackVerb.RATE,
            user_id,
            str(action.get("value") or ""),
            via="slack",
            key=action_key(body),
        ),
    )
    deps.outbox.kick()
    if isinstance(result, Refused):
        raise result.error
    if not isinstance(result, AskComment):
        return  # a replayed click
    view = build_comment_modal(lang, result.survey_id, result.number, result.rating)
    await client.views_open(trigger_id=body["trigger_id"], view=view)


async def handle_survey_comment_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """Store the comment of the survey the modal belongs to and thank the requester."""
    user_id = body["user"]["id"]
    lang = await deps.languages.language_of(user_id)
    survey = (read_metadata(view) or {}).get("survey")
    comment = parse_view_state(view).get(Block.COMMENT) or ""
    if not isinstance(survey, int) or isinstance(survey, bool) or not 0 < survey < 10**9:
        await ack(
            response_action="errors", errors={Block.COMMENT: said_text(lang, Said("form.stale"))}
        )
        return
    await ack()
    result = await perform_feedback(
        deps,
        FeedbackAction(
            FeedbackVerb.COMMENT,
            user_id,
            str(survey),
            via="slack",
            key=submission_key(body, view),
            comment=comment,
        ),
    )
    deps.outbox.kick()
    if isinstance(result, Refused):
        raise result.error
    if isinstance(result, Said):
        await client.chat_postMessage(channel=user_id, text=said_text(lang, result))
