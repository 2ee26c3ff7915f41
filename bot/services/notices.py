"""Planned-interruption notices (C6): plan, change, extend, cancel; the posts and their timers.

Every post goes to each notice channel (`[channels] notices`, `[channels.teams] notices`:
every channel listed, on each platform), both languages when `bilingual_channels`. The first
post (at planning) is the notice's anchor in each channel: later posts (reminders, started,
completed, extended, changed, cancelled) thread under it in that channel (see `post`).

The wall-clock steps are timers planned here and run by bot/services/notice_timers.py:
`notice.remind` at each of `notices.reminders` before the start, `notice.start` at the start,
`notice.end` at the end.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.durations import parse_duration
from bot.domain.notice_commands import FORM_FIELDS
from bot.domain.notices import lead_ok, reminder_times
from bot.domain.text import sanitize
from bot.errors import Conflict, DomainError, Forbidden, NotFound
from bot.i18n import LANGS, Phrase, template, timed
from bot.ports import Address, ChannelRole, Platform, ToRole, ToThread
from bot.services import timers
from bot.services.formatting import fmt_time
from bot.services.outbox import configured_platforms, enqueue_message
from bot.services.refs import named_ref
from storage.models import Notice
from storage.repos.message_refs import get_message_ref
from storage.repos.notices import NOTICE, add_notice, get_notice, list_notices
from storage.repos.outbox import list_unsent_keys

OPEN = ("planned", "running")
FIELDS = FORM_FIELDS  # a change names what changed in the order the form shows the fields
MAX_DAYS_AHEAD = 366
POST_REF = "post:"  # + channel: where an object's first post lives in one notice channel


def may_operate(deps: Deps, user_id: str) -> None:
    """Refuse anyone but `[roles] operators` and admins."""
    if not deps.config.is_operator(user_id):
        raise Forbidden("notice.error.operators_only")


def reminders(deps: Deps) -> list[timedelta]:
    """`notices.reminders` as wall-clock lengths."""
    return [parse_duration(r).wall for r in deps.config.notices.reminders]


@dataclass(frozen=True)
class NoticeDraft:
    """What `/notice plan` (or the form) gives."""

    title: str
    start: datetime
    end: datetime
    services: list[str]
    impact: str = ""
    reason: str = "maintenance"
    title_en: str = ""
    impact_en: str = ""
    urgent: bool = False


def reason_words(reason: str) -> dict[str, dict[str, str]]:
    """The reason in each language, as `localized` parameters."""
    return {lang: {"reason": template(lang, f"notice.reason.{reason}")} for lang in LANGS}


def post_params(notice: Notice) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """A notice's common post parameters, and those that differ per language."""
    params: dict[str, Any] = {
        "number": notice.id,
        "title": notice.title,
        "start": timed(notice.start_at),
        "end": timed(notice.end_at),
        "services": notice.services,
        "impact": notice.impact or "-",
        "reason": notice.reason,
    }
    localized = reason_words(notice.reason)
    localized["en"].update({"title": notice.title_en, "impact": notice.impact_en})
    return params, localized


def post_ref(channel: str) -> str:
    """The message_refs `ref` of an object's first post in one notice channel: `post:<id>`
    (a Slack id); an id too long for the column (a Teams one) by a stable digest of it."""
    return named_ref(POST_REF, channel)


def role_channels(deps: Deps, platform: Platform, role: ChannelRole) -> list[str]:
    """Every channel of a role on a platform ("" for a one-channel role: the role's own)."""
    value: str | list[str] = getattr(deps.config.channels_for(platform), role, "")
    if isinstance(value, str):
        return [""]
    return list(dict.fromkeys(value))  # a channel listed twice gets one post


def _suffix(platform: Platform) -> str:
    return f"@{platform}" if platform != "slack" else ""


async def post(
    session: AsyncSession,
    deps: Deps,
    *,
    kind: str,
    object_id: int,
    key: str,
    text_key: str,
    params: dict[str, Any],
    localized: dict[str, dict[str, Any]] | None = None,
    first: bool = False,
    role: ChannelRole = "notices",
) -> None:
    """Post to every channel of the role on every platform where it is configured.

    In each notice channel the object's first post is its anchor there (message_refs ref
    `post:<channel>`, its row key `<kind>:<id>:<ref>`); a later post threads under it: at
    once when its place is known, else after its row is delivered (the outbox row waits for
    the anchor's, `after_row`); top-level only when that channel has no anchor at all (a channel
    added to the config later, or an anchor that failed for good).
    """
    now = deps.clock.now()
    for platform in configured_platforms(deps, role):
        for channel in role_channels(deps, platform, role):
            recipient: Address = ToRole(role, channel)
            anchor: tuple[str, int, str] | None = None
            after = None
            if role != "notices":
                row_key = key + _suffix(platform)
            else:
                ref = post_ref(channel)
                anchor_key = f"{kind}:{object_id}:{ref}{_suffix(platform)}"
                if first:
                    row_key, anchor = anchor_key, (kind, object_id, ref)
                else:
                    row_key = f"{key}:{ref}{_suffix(platform)}"
                    known = await get_message_ref(
                        session, object_kind=kind, object_id=object_id, ref=ref, platform=platform
                    )
                    if known is not None:
                        recipient = ToThread(kind, object_id, ref)
                    elif await list_unsent_keys(session, keys=[anchor_key]):
                        recipient, after = ToThread(kind, object_id, ref), anchor_key
            await enqueue_message(
                session,
                key=row_key,
                recipient=recipient,
                platform=platform,
                text_key=text_key,
                params=params,
                now=now,
                deps=deps,
                anchor=anchor,
                localized=localized,
                after=after,
            )


async def refresh_first_posts(session: AsyncSession, deps: Deps, notice: Notice) -> None:
    """Rewrite the notice's first post in every notice channel in place, as it now stands
    (status, times, what it says): the channel's top level stays current, the thread tells
    what happened."""
    assert notice.id is not None
    params, localized = post_params(notice)
    params["status"] = notice.status
    for lang in LANGS:
        localized[lang]["status"] = template(lang, f"notice.status.{notice.status}")
    await rewrite_first_posts(
        session,
        deps,
        kind=NOTICE,
        object_id=notice.id,
        text_key="notice.post.current" if notice.lead_ok else "notice.post.current_urgent",
        params=params,
        localized=localized,
    )


async def rewrite_first_posts(
    session: AsyncSession,
    deps: Deps,
    *,
    kind: str,
    object_id: int,
    text_key: str,
    params: dict[str, Any],
    localized: dict[str, dict[str, Any]] | None = None,
) -> None:
    """Rewrite an object's first post (a notice's, an outage's) in every notice channel in
    place with this message. A first post not delivered yet is rewritten after it; one never
    delivered is left alone (the outbox row names it as its anchor, `in_place`)."""
    now = deps.clock.now()
    digest = hashlib.sha256(
        json.dumps([text_key, params, localized], sort_keys=True, default=str).encode()
    ).hexdigest()[:12]
    for platform in configured_platforms(deps, "notices"):
        for channel in role_channels(deps, platform, "notices"):
            ref = post_ref(channel)
            await enqueue_message(
                session,
                key=f"{kind}:{object_id}:current:{now.isoformat()}:{digest}:{ref}"
                + _suffix(platform),
                recipient=ToRole("notices", channel),  # as the first post: after it
                platform=platform,
                text_key=text_key,
                params=params,
                now=now,
                deps=deps,
                anchor=(kind, object_id, ref),
                localized=localized,
                in_place=True,
            )


async def find_notice(session: AsyncSession, number: int, *, lock: bool = False) -> Notice:
    """The notice N<number>, or a refusal naming it."""
    notice = await get_notice(session, number, lock=lock)
    if notice is None:
        raise NotFound("notice.error.not_found", number=number)
    return notice


async def _open_notice(session: AsyncSession, deps: Deps, actor_id: str, number: int) -> Notice:
    """The planned or running notice N<number> an operator acts on (locked), or a refusal."""
    may_operate(deps, actor_id)
    notice = await find_notice(session, number, lock=True)
    if notice.status not in OPEN:
        raise Conflict(
            "notice.error.closed", number=number, state=Phrase(f"notice.status.{notice.status}")
        )
    return notice


async def post_notice(
    session: AsyncSession,
    deps: Deps,
    notice: Notice,
    *,
    key: str,
    text_key: str,
    extra: dict[str, Any] | None = None,
    extra_localized: dict[str, dict[str, Any]] | None = None,
    first: bool = False,
) -> None:
    """Post about the notice to every notice channel (`post`): its common parameters
    (`post_params`) with `extra`, and `extra_localized` per language."""
    assert notice.id is not None
    params, localized = post_params(notice)
    params.update(extra or {})
    for lang, words in (extra_localized or {}).items():
        localized[lang].update(words)
    await post(
        session,
        deps,
        kind=NOTICE,
        object_id=notice.id,
        key=key,
        text_key=text_key,
        params=params,
        localized=localized,
        first=first,
    )


def _check_window(deps: Deps, start: datetime, end: datetime, now: datetime) -> None:
    if end <= start:
        raise DomainError("notice.error.end_before_start", usage="notice.usage.plan")
    if start < now - timedelta(minutes=1):
        raise DomainError("notice.error.start_past", usage="notice.usage.plan")
    if start - now > timedelta(days=MAX_DAYS_AHEAD) or end - start > timedelta(days=31):
        raise DomainError("notice.error.too_far", usage="notice.usage.plan")


def _check_lead(deps: Deps, start: datetime, now: datetime, urgent: bool) -> bool:
    lead = parse_duration(deps.config.notices.min_lead)
    ok = lead_ok(now, start, lead, deps.calendar)
    if not ok and not urgent:
        raise DomainError(
            "notice.error.short_lead",
            usage="notice.usage.plan",
            lead=str(lead),
            earliest=fmt_time(deps.calendar.add(now, lead), deps),
        )
    return ok


async def plan_timers(session: AsyncSession, deps: Deps, notice: Notice, *, rearm: bool) -> None:
    """(Re)plan the notice's reminders, start and end; the payload names the times planned."""
    assert notice.id is not None
    now = deps.clock.now()
    stamp = {"start": notice.start_at.isoformat(), "end": notice.end_at.isoformat()}
    await timers.cancel(session, kind_prefix="notice.remind", subject_id=notice.id)
    # (key suffix, kind, due at, payload), in the order they are set
    steps: list[tuple[str, str, datetime, dict[str, Any]]] = [
        (f"remind:{secs}", "notice.remind", at, {**stamp, "before": secs})
        for before, at in reminder_times(notice.start_at, reminders(deps), now)
        for secs in [int(before.total_seconds())]
    ]
    if notice.status == "planned":
        steps.append(("start", "notice.start", max(notice.start_at, now), stamp))
    steps.append(("end", "notice.end", max(notice.end_at, now), stamp))
    for suffix, kind, due_at, payload in steps:
        await timers.set_timer(
            session,
            deps,
            key=f"notice:{notice.id}:{suffix}",
            kind=kind,
            subject_id=notice.id,
            due_at=due_at,
            payload=payload,
            rearm=rearm,
        )


async def plan_notice(
    session: AsyncSession, deps: Deps, actor_id: str, draft: NoticeDraft
) -> Notice:
    """Plan a notice, post it and plan its reminders; refuse a short lead unless urgent."""
    may_operate(deps, actor_id)
    now = deps.clock.now()
    _check_window(deps, draft.start, draft.end, now)
    ok = _check_lead(deps, draft.start, now, draft.urgent)
    notice = Notice(
        title=sanitize(draft.title)[:200],
        title_en=sanitize(draft.title_en)[:200],
        impact=sanitize(draft.impact)[:500],
        impact_en=sanitize(draft.impact_en)[:500],
        services=", ".join(draft.services)[:1000],
        reason=draft.reason,
        status="planned",
        start_at=draft.start,
        end_at=draft.end,
        urgent=draft.urgent,
        lead_ok=ok,
        planned_at=now,
        created_by=actor_id,
        updated_at=now,
    )
    await add_notice(session, notice)
    await post_notice(
        session,
        deps,
        notice,
        key=f"notice:{notice.id}:planned",
        text_key="notice.post.planned_urgent" if not ok else "notice.post.planned",
        first=True,
    )
    await plan_timers(session, deps, notice, rearm=False)
    return notice


async def update_notice(
    session: AsyncSession,
    deps: Deps,
    actor_id: str,
    number: int,
    changes: dict[str, Any],
) -> Notice:
    """Change a planned or running notice and post it again with what changed."""
    notice = await _open_notice(session, deps, actor_id, number)
    now = deps.clock.now()
    start, end = changes.get("start", notice.start_at), changes.get("end", notice.end_at)
    if "start" in changes and notice.status == "running":
        raise Conflict("notice.error.already_started", number=number)
    if "start" in changes or "end" in changes:
        if end <= start:
            raise DomainError("notice.error.end_before_start", usage="notice.usage.update")
        if "start" in changes:
            _check_window(deps, start, end, now)
    changed: list[str] = []
    old_start = notice.start_at
    for name, value in changes.items():
        if name in ("title", "title_en", "impact", "impact_en") and isinstance(value, str):
            value = sanitize(value)[: 200 if name.startswith("title") else 500]
        current = getattr(notice, f"{name}_at" if name in ("start", "end") else name)
        if current != value:
            setattr(notice, f"{name}_at" if name in ("start", "end") else name, value)
            changed.append(name)
    if not changed:
        raise DomainError("notice.error.nothing_to_change", usage="notice.usage.update")
    changed.sort(key=FIELDS.index)
    if "start" in changed and notice.start_at < old_start:
        # an earlier start is announced now: the lead counts from now, and a short one
        # needs `urgent` as at planning (a later start keeps the warning already given)
        ok = _check_lead(deps, notice.start_at, now, notice.urgent)
        notice.lead_ok = notice.lead_ok and ok
    notice.updated_at = now
    await post_notice(
        session,
        deps,
        notice,
        key=f"notice:{notice.id}:updated:{now.isoformat()}",
        text_key="notice.post.updated",
        extra={"changed": ", ".join(changed)},
        extra_localized={
            lang: {"changed": ", ".join(template(lang, f"notice.field.{name}") for name in changed)}
            for lang in LANGS
        },
    )
    await refresh_first_posts(session, deps, notice)
    if "start" in changed or "end" in changed:
        await plan_timers(session, deps, notice, rearm=True)
    return notice


async def extend_notice(
    session: AsyncSession, deps: Deps, actor_id: str, number: int, until: datetime
) -> Notice:
    """Move a notice's end later and post "extended until …"."""
    notice = await _open_notice(session, deps, actor_id, number)
    if until <= notice.end_at:
        raise DomainError(
            "notice.error.not_later", usage="notice.usage.extend", end=fmt_time(notice.end_at, deps)
        )
    if until - notice.start_at > timedelta(days=31):
        raise DomainError("notice.error.too_far", usage="notice.usage.extend")
    now = deps.clock.now()
    notice.end_at = until
    notice.updated_at = now
    await post_notice(
        session,
        deps,
        notice,
        key=f"notice:{notice.id}:extended:{until.isoformat()}",
        text_key="notice.post.extended",
    )
    await refresh_first_posts(session, deps, notice)
    await plan_timers(session, deps, notice, rearm=True)
    return notice


async def cancel_notice(
    session: AsyncSession, deps: Deps, actor_id: str, number: int, reason: str
) -> Notice:
    """Cancel a planned (or running) notice: post the cancellation, drop its timers."""
    notice = await _open_notice(session, deps, actor_id, number)
    now = deps.clock.now()
    notice.status = "cancelled"
    notice.cancel_reason = sanitize(reason)[:500]
    notice.updated_at = now
    assert notice.id is not None
    await timers.cancel(session, kind_prefix="notice.", subject_id=notice.id)
    await post_notice(
        session,
        deps,
        notice,
        key=f"notice:{notice.id}:cancelled",
        text_key="notice.post.cancelled",
        extra={"note": notice.cancel_reason},
    )
    await refresh_first_posts(session, deps, notice)
    return notice


async def current_notices(session: AsyncSession, deps: Deps) -> list[Notice]:
    """Upcoming and running notices, soonest first."""
    return await list_notices(session, statuses=OPEN, limit=50)


@dataclass(frozen=True)
class Compliance:
    """C6 over a period: notices that started in it (not cancelled), and how many of them were
    planned at least `min_lead` ahead; the urgent ones are listed by number for reports."""

    total: int
    on_time: int
    urgent: list[int]


async def compliance(session: AsyncSession, *, begin: datetime, end: datetime) -> Compliance:
    """C6 for notices starting in [begin, end) (for the digest and the monthly report)."""
    rows = await list_notices(
        session,
        statuses=("planned", "running", "completed"),
        ending_after=begin,
        starting_before=end,
        limit=10000,
    )
    rows = [n for n in rows if begin <= n.start_at < end]
    return Compliance(
        total=len(rows),
        on_time=sum(1 for n in rows if n.lead_ok),
        urgent=[n.id or 0 for n in rows if not n.lead_ok],
    )


def describe_notice(notice: Notice, deps: Deps) -> dict[str, Any]:
    """Display strings of a notice for lists and `show` (platform-neutral)."""
    return {
        "number": notice.id,
        "title": notice.title,
        "title_en": notice.title_en,
        "status": notice.status,
        "start": fmt_time(notice.start_at, deps),
        "end": fmt_time(notice.end_at, deps),
        "services": notice.services,
        "impact": notice.impact,
        "reason": notice.reason,
        "urgent": notice.urgent,
        "lead_ok": notice.lead_ok,
        "cancel_reason": notice.cancel_reason,
    }
