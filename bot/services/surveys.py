"""Satisfaction surveys (C13): asked after an inquiry is resolved, answered with a rating and
an optional comment (in chat or through a signed link), low ratings alerted at once, results
per month for managers.

The survey is sent in the resolving transaction, through the outbox, where the requester was
answered: the inquiry's source thread (their language), else their DM; a requester without a
chat account gets a link survey (`link_for`). The rules (sampling, cooldown, staff requesters,
reopen within a day, the link token) are bot.domain.feedback.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.durations import parse_duration
from bot.domain.feedback import (
    MAX_COMMENT_CHARS,
    PRAISE_RATING,
    RATINGS,
    Summary,
    SurveyRules,
    SurveyToken,
    TokenProblem,
    is_low,
    month_bounds,
    read_token,
    sign_token,
    summarize,
    survey_skip,
)
from bot.domain.text import sanitize
from bot.errors import Conflict, Forbidden, NotFound
from bot.i18n import guess_lang
from bot.ports import ToPerson, ToThread, platform_of_user
from bot.services.feedback_common import (
    FeedbackVerb,
    is_manager,
    reviewers_of,
    team_name,
)
from bot.services.outbox import button, enqueue_prompt
from bot.services.refs import SOURCE, messages_of
from bot.services.voc_answers import WEB, send_survey_link
from storage.models import Inquiry, InquiryEvent, Survey
from storage.repos.inquiries import INQUIRY, list_events
from storage.repos.surveys import add_survey, get_survey, last_survey_at, list_surveys

COMMENTS_SHOWN = 20


def rules_of(deps: Deps) -> SurveyRules:
    """The `[surveys]` settings as the domain rules take them."""
    cfg = deps.config.surveys
    return SurveyRules(
        sample=cfg.sample, cooldown=parse_duration(cfg.cooldown).wall, internal=cfg.internal
    )


def _resolutions(events: list[InquiryEvent]) -> list[tuple[datetime, datetime]]:
    """(resolved at, reopened at) of every earlier resolution that was reopened."""
    pairs: list[tuple[datetime, datetime]] = []
    resolved: datetime | None = None
    for event in events:
        if event.kind == "resolved":
            resolved = event.at
        elif event.kind == "reopened" and resolved is not None:
            pairs.append((resolved, event.at))
            resolved = None
    return pairs


def link_for(deps: Deps, survey: Survey) -> str | None:
    """The web link of a survey (None without SURVEY_SECRET): `<PUBLIC_URL>/survey/<token>`."""
    secret = deps.env.SURVEY_SECRET
    if not secret or survey.id is None:
        return None
    token = sign_token(secret, survey.id, survey.nonce, survey.expires_at)
    return f"{deps.env.PUBLIC_URL.rstrip('/')}/survey/{token}"


def rating_buttons(survey_id: int) -> list[dict[str, object]]:
    """The five rating buttons of a survey (1 = very dissatisfied … 5 = very satisfied)."""
    return [
        button(FeedbackVerb.RATE, f"{survey_id}:{r}", f"survey.rating_{r}", style="")
        for r in RATINGS
    ]


async def after_resolve(
    session: AsyncSession, deps: Deps, inquiry: Inquiry, event: InquiryEvent
) -> Survey | None:
    """Send the requester a survey about the resolved inquiry, when the rules say so."""
    assert inquiry.id is not None
    now = event.at
    requester = inquiry.requester_id
    chat = platform_of_user(requester) is not None
    events = [e for e in await list_events(session, inquiry_id=inquiry.id) if e.id != event.id]
    skip = survey_skip(
        rules=rules_of(deps),
        now=now,
        requester_is_staff=deps.is_staff(requester),
        reachable=chat or bool(deps.env.SURVEY_SECRET),
        last_survey_at=await last_survey_at(session, requester_ids=deps.config.ids_of(requester)),
        resolutions=_resolutions(events),
        draw=deps.rng.random(),
    )
    if skip is not None:
        return None
    sources = await messages_of(session, INQUIRY, inquiry.id, SOURCE)
    platform = sources[0].platform if sources else (platform_of_user(requester) or "link")
    survey = await add_survey(
        session,
        Survey(
            inquiry_id=inquiry.id,
            inquiry_number=inquiry.number,
            inquiry_kind=inquiry.kind,
            team=team_name(deps, inquiry.assignee_id or ""),
            requester_id=requester,
            assignee_id=inquiry.assignee_id or "",
            platform=platform,
            nonce=secrets.token_urlsafe(12),
            sent_at=now,
            expires_at=now + parse_duration(deps.config.surveys.expires).wall,
        ),
    )
    assert survey.id is not None
    if not chat and not sources:
        # no chat account (a web VOC): the link, by the VOC callback or through staff
        link = link_for(deps, survey)
        if link is not None and inquiry.source == WEB:
            await send_survey_link(session, deps, inquiry, survey.id, link, now)
        return survey
    params = {"number": inquiry.number}
    buttons = rating_buttons(survey.id)
    if sources:
        await enqueue_prompt(
            session,
            key=f"survey:{survey.id}",
            recipient=ToThread(INQUIRY, inquiry.id, SOURCE),
            platform=sources[0].platform,
            text_key="survey.ask",
            params=params,
            buttons=buttons,
            now=now,
            reader=requester,
            first=guess_lang(f"{inquiry.title}\n{inquiry.detail}"),
        )
    else:
        await enqueue_prompt(
            session,
            key=f"survey:{survey.id}",
            recipient=ToPerson(requester),
            text_key="survey.ask",
            params=params,
            buttons=buttons,
            now=now,
        )
    return survey


# --------------------------------------------------------------------------- answers


@dataclass(frozen=True)
class Answered:
    """A survey after an answer: its rating and whether a comment may still be added."""

    survey_id: int
    number: int
    rating: int | None
    comment: str


async def find_by_token(
    session: AsyncSession, deps: Deps, token: str, *, lock: bool = False
) -> Survey | TokenProblem:
    """The survey a link token names (its nonce must still match), or why it is refused."""
    read = read_token(deps.env.SURVEY_SECRET, token, deps.clock.now())
    if not isinstance(read, SurveyToken):
        return read
    survey = await get_survey(session, read.survey_id, lock=lock)
    if survey is None or not secrets.compare_digest(survey.nonce, read.nonce):
        return TokenProblem.FORGED
    if survey.expires_at <= deps.clock.now():
        return TokenProblem.EXPIRED
    return survey


async def answer_survey(
    session: AsyncSession,
    deps: Deps,
    survey_id: int,
    *,
    user_id: str | None,
    rating: int | None,
    comment: str | None,
    via: str,
) -> Answered:
    """Record (or change) a survey's rating and/or comment; alert the manager of a low one.

    `user_id`: who answers in chat (only the requester may); None for the link, whose token
    was checked by the caller. Answering again updates the one answer, never adds another.
    """
    survey = await get_survey(session, survey_id, lock=True)
    if survey is None:
        raise NotFound("survey.error.not_found")
    if user_id is not None and not deps.config.same_person(user_id, survey.requester_id):
        raise Forbidden("survey.error.not_yours", number=survey.inquiry_number)
    now = deps.clock.now()
    if survey.expires_at <= now:
        raise Conflict("survey.error.expired", number=survey.inquiry_number)
    old_rating = survey.rating
    if rating is not None:
        survey.rating = rating
    if comment is not None:
        survey.comment = sanitize(comment.strip())[:MAX_COMMENT_CHARS]
    if survey.rating is None:
        raise Conflict("survey.error.rate_first", number=survey.inquiry_number)
    survey.answered_at = now
    survey.answered_via = via
    session.add(survey)
    await session.flush()
    await _tell_reviewers(session, deps, survey, old_rating, now, comment_given=comment is not None)
    return Answered(survey_id, survey.inquiry_number, survey.rating, survey.comment)


async def _tell_reviewers(
    session: AsyncSession,
    deps: Deps,
    survey: Survey,
    old_rating: int | None,
    now: datetime,
    *,
    comment_given: bool,
) -> None:
    """A low rating (≤ 2) alerts the assignee's manager at once, with a button to open a
    complaint; a 5 with a comment offers them to turn it into praise."""
    assert survey.id is not None and survey.rating is not None
    staff = survey.assignee_id
    if not staff:
        return
    low_now = is_low(survey.rating)
    newly_low = low_now and (old_rating is None or not is_low(old_rating))
    params = {
        "number": survey.inquiry_number,
        "rating": survey.rating,
        "assignee": staff,
        "comment": survey.comment or "—",
    }
    digest = hashlib.sha256(survey.comment.encode()).hexdigest()[:16]

    async def alert(key: str, text_key: str, verb: FeedbackVerb, label: str, style: str) -> None:
        """Prompt each of the staff member's reviewers with the survey and one button."""
        for reviewer in await reviewers_of(session, deps, staff, at=now):
            await enqueue_prompt(
                session,
                key=f"{key}:{reviewer}",
                recipient=ToPerson(reviewer),
                text_key=text_key,
                params=params,
                buttons=[button(verb, str(survey.id), label, style=style)],
                now=now,
                deps=deps,
            )

    if newly_low or (low_now and comment_given and survey.comment):
        key = f"survey-low:{survey.id}" if newly_low else f"survey-low:{survey.id}:{digest}"
        await alert(
            key, "survey.alert.low", FeedbackVerb.OPEN_COMPLAINT, "complaint.button.open", "danger"
        )
    if survey.rating == PRAISE_RATING and survey.comment and comment_given:
        await alert(
            f"survey-praise:{survey.id}:{digest}",
            "survey.alert.praise",
            FeedbackVerb.PRAISE_FROM_SURVEY,
            "praise.button.from_survey",
            "primary",
        )


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class SurveyResults:
    """A month's survey results as a manager may see them (comments carry no identity)."""

    year: int
    month: int
    scope: str  # all | teams
    total: Summary
    by_kind: dict[str, Summary] = field(default_factory=dict)
    by_team: dict[str, Summary] = field(default_factory=dict)
    comments: list[tuple[int, str, str, str]] = field(default_factory=list)  # rating kind team


def _local_midnight(deps: Deps, ymd: tuple[int, int, int]) -> datetime:
    return datetime.combine(date(*ymd), time(0), deps.tz)


async def survey_results(
    session: AsyncSession, deps: Deps, viewer: str, month: tuple[int, int] | None
) -> SurveyResults:
    """The results of the surveys sent in a month (default: this month): admins see every
    team, a manager their own teams; anyone else is refused."""
    if not is_manager(deps, viewer):
        raise Forbidden("survey.error.managers_only")
    if month is None:
        today = deps.clock.now().astimezone(deps.tz).date()
        month = (today.year, today.month)
    start, end = month_bounds(*month)
    teams: tuple[str, ...] | None = None
    scope = "all"
    if not deps.config.is_admin(viewer):
        teams = tuple(t.name for t in deps.config.teams_managed_by(viewer))
        scope = "teams"
    rows = await list_surveys(
        session,
        sent_from=_local_midnight(deps, start),
        sent_before=_local_midnight(deps, end),
        teams=teams,
    )
    by_kind: dict[str, list[int | None]] = {}
    by_team: dict[str, list[int | None]] = {}
    for row in rows:
        by_kind.setdefault(row.inquiry_kind, []).append(row.rating)
        by_team.setdefault(row.team or "-", []).append(row.rating)
    comments = [
        (row.rating or 0, row.inquiry_kind, row.team or "-", row.comment)
        for row in rows
        if row.comment and row.rating is not None
    ]
    return SurveyResults(
        year=month[0],
        month=month[1],
        scope=scope,
        total=summarize(r.rating for r in rows),
        by_kind={k: summarize(v) for k, v in sorted(by_kind.items())},
        by_team={k: summarize(v) for k, v in sorted(by_team.items())},
        comments=comments[-COMMENTS_SHOWN:],
    )
