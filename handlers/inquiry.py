"""`/inquiry`, the triage-card buttons and the inquiry modals."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks.inquiry import (
    Viewer,
    build_customer_history,
    build_customer_lines,
    build_eta_modal,
    build_history,
    build_inquiry_lines,
    build_new_inquiry_modal,
    build_note_modal,
    texts,
)
from bot.adapters.slack.ids import Action, Block, Command, View
from bot.deps import Deps
from bot.domain.commands import (
    CLOCK,
    InquiryCommand,
    UsageError,
    clean_text,
    parse_inquiry_command,
)
from bot.domain.durations import too_far_ahead
from bot.domain.inquiry import Kind, can, may, parse_kind
from bot.domain.sla import end_of_business_day
from bot.domain.text import is_channel_id, is_message_ts, is_user_id
from bot.errors import Conflict, Forbidden
from bot.i18n import Lang, escape, t
from bot.ports import MessageRef
from bot.services import inquiries as svc
from bot.services.receipts import claim_action
from handlers.common import (
    action_key,
    actor_of,
    assignee_options,
    click_key,
    ephemeral,
    first_time,
    number_of,
    outside_zone,
    read_metadata,
    submission_key,
    tracked_text,
)
from handlers.errors import reported
from handlers.home import from_home, publish_home
from storage.repos.outbox import count_outbox, list_failed_outbox


def register(app: AsyncApp) -> None:
    """Attach the inquiry listeners."""
    app.command(Command.INQUIRY)(reported(handle_inquiry_command))
    app.view_submission(View.NEW_INQUIRY)(reported(handle_new_inquiry_submission))
    app.view_submission(View.REPORT)(reported(handle_report_submission))
    app.view_submission(View.ETA)(reported(handle_eta_submission))
    app.view_submission(View.PROGRESS)(reported(handle_note_submission))
    app.view_submission(View.RESOLVE)(reported(handle_note_submission))
    app.view_submission(View.REOPEN)(reported(handle_note_submission))
    app.action(Action.ASSIGN_TO_ME)(reported(handle_assign_me_action))
    app.action(Action.SET_ETA)(reported(handle_card_modal_action))
    app.action(Action.ADD_PROGRESS)(reported(handle_card_modal_action))
    app.action(Action.RESOLVE)(reported(handle_card_modal_action))
    app.action(Action.REOPEN)(reported(handle_card_modal_action))
    app.action(Action.OPEN_CARD)(reported(handle_open_card_action))


async def handle_inquiry_command(
    ack: AsyncAck,
    command: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    deps: Deps,
) -> None:
    """Answer `/inquiry …`: parse, run the use case, reply ephemerally."""
    await ack()
    user_id = command["user_id"]
    lang = await deps.languages.language_of(user_id)
    try:
        cmd = parse_inquiry_command(command.get("text") or "")
    except UsageError as exc:
        text = t(lang, exc.key, **exc.params) + "\n" + t(lang, exc.usage)
        await respond(**ephemeral(text))
        return
    if cmd.action == "modal":
        if not await first_time(deps, action_key(command)):
            return  # a replayed request: the modal was opened already
        view = build_new_inquiry_modal(
            lang,
            meta={"channel": command.get("channel_id")},
            assignees=await assignee_options(deps, user_id),
        )
        await client.views_open(trigger_id=command["trigger_id"], view=view)
        return
    if cmd.action == "help":
        text = t(lang, "inquiry.help")
        if user_id in deps.config.roles.admins:
            text += "\n" + await delivery_failures(deps, lang)
        await respond(**ephemeral(text))
        return
    result = await _run(deps, cmd, user_id, lang, action_key(command))
    if result is None:
        return  # a replayed request: it was acted on (and answered) the first time
    text, blocks = result
    deps.outbox.kick()
    await respond(**ephemeral(text, blocks))


async def _run(
    deps: Deps, cmd: InquiryCommand, user_id: str, lang: Lang, receipt: str
) -> tuple[str, list[dict[str, Any]] | None] | None:
    actor = actor_of(deps, user_id)
    reading = cmd.action in ("list", "show")
    factory = deps.reads if reading else deps.sessions
    async with factory.begin() as session:
        if not reading and not await claim_action(session, deps, receipt):
            return None
        if cmd.action == "new":
            assert cmd.kind is not None
            draft = svc.Draft(
                kind=cmd.kind,
                title=cmd.title,
                requester_id=user_id,
                customer=cmd.customer,
                due=cmd.due,
                assignee_id=cmd.user,
                source="command",
                created_by=user_id,
            )
            opened = await svc.open_inquiry(session, deps, draft)
            inq = opened.inquiry
            # a customer reads the promise made to them, not the staff confirmation
            return t(
                lang,
                "inquiry.created" if actor.is_staff else "inquiry.notify.received",
                number=inq.number,
                title=inq.title,
                deadline=svc.fmt_time(
                    inq.deadline_at,
                    deps,
                    zone=not actor.is_staff and await outside_zone(deps, user_id),
                ),
            ), None
        if cmd.action == "list":
            rows, total = await svc.list_for(session, deps, actor, cmd.scope)
            if not actor.is_staff:
                zone = await outside_zone(deps, user_id)
                views = [svc.describe_for_customer(r, deps, zone=zone) for r in rows]
                return t(lang, "customer.list_heading", total=total), build_customer_lines(
                    views, total, lang
                )
            links = await svc.card_links(session, rows, "slack")
            data = [svc.describe(r, deps, link=links.get(r.id or 0, "")) for r in rows]
            return t(
                lang, "list.heading", scope=t(lang, f"scope.{cmd.scope}"), total=total
            ), build_inquiry_lines(data, total, lang, cmd.scope, links=actor.is_staff)
        assert cmd.ref is not None
        if cmd.action == "show":
            zone = not actor.is_staff and await outside_zone(deps, user_id)
            shown = await svc.show_inquiry(session, deps, cmd.ref, actor, zone=zone)
            if isinstance(shown, svc.CustomerView):
                return f"#{shown.number} {escape(shown.title)}", build_customer_history(shown, lang)
            inq, events = shown.inquiry, shown.events
            evs = [history_entry(e, deps) for e in events]
            link = (await svc.card_links(session, [inq], "slack")).get(inq.id or 0, "")
            card = svc.describe(inq, deps, events=events, link=link)
            viewer = Viewer(user_id, actor.is_staff, deps.is_assignable(user_id))
            return t(lang, "inquiry.show_fallback", number=inq.number), build_history(
                card, evs, texts(lang), lang, viewer
            )
        if cmd.action == "assign":
            assert cmd.user is not None
            inq = await svc.assign_inquiry(session, deps, cmd.ref, actor, cmd.user)
            return t(lang, "inquiry.assigned", number=inq.number, user=cmd.user), None
        if cmd.action == "eta":
            assert cmd.eta is not None
            eta = svc.resolve_eta(cmd.eta, deps)
            inq = await svc.set_eta(session, deps, cmd.ref, actor, eta)
            return t(lang, "inquiry.eta_set", number=inq.number, eta=svc.fmt_time(eta, deps)), None
        if cmd.action == "progress":
            inq = await svc.add_progress(session, deps, cmd.ref, actor, cmd.text)
            return t(lang, "inquiry.progress_added", number=inq.number), None
        if cmd.action == "milestone":
            assert cmd.day is not None
            inq = await svc.add_milestone(session, deps, cmd.ref, actor, cmd.day, cmd.text)
            return t(
                lang,
                "inquiry.milestone_added",
                number=inq.number,
                date=cmd.day.isoformat(),
                stage=cmd.text,
            ), None
        if cmd.action == "hold":
            inq = await svc.hold_inquiry(session, deps, cmd.ref, actor, cmd.text)
            return t(lang, "inquiry.held", number=inq.number), None
        if cmd.action == "resume":
            inq = await svc.resume_inquiry(session, deps, cmd.ref, actor)
            return t(
                lang,
                "inquiry.resumed",
                number=inq.number,
                deadline=svc.fmt_time(inq.deadline_at, deps),
            ), None
        if cmd.action == "resolve":
            inq = await svc.resolve_inquiry(session, deps, cmd.ref, actor, cmd.text)
            return t(lang, "inquiry.resolved", number=inq.number), None
        inq = await svc.reopen_inquiry(session, deps, cmd.ref, actor, cmd.text)
        return t(lang, "inquiry.reopened", number=inq.number), None


def history_entry(event: Any, deps: Deps) -> dict[str, Any]:
    """One history row for display: who (an id, shown as a mention) and what, in words."""
    about = event.new_value if event.kind == "assigned" else None
    detail = "" if event.kind in ("assigned", "first_response", "resume") else event.note
    if event.kind == "eta":
        detail = event.new_value or ""
    return {
        "at": svc.fmt_time(event.at, deps),
        "actor": event.actor_id,
        "kind": event.kind,
        "detail": detail or "",
        "detail_user": about,
    }


async def delivery_failures(deps: Deps, lang: Lang) -> str:
    """For admins: how many notifications the outbox gave up on, and the latest reasons."""
    async with deps.reads() as session:
        total = await count_outbox(session, state="failed")
        latest = await list_failed_outbox(session, limit=5)
    if not total:
        return t(lang, "admin.delivery_ok")
    lines = [t(lang, "admin.delivery_failed", count=total)]
    lines += [
        f"• `{escape(r.idempotency_key[:60])}` → {escape(r.recipient)}: {escape(r.last_error[:120])}"
        for r in latest
    ]
    return "\n".join(lines)


def parse_view_state(view: dict[str, Any]) -> dict[str, str | None]:
    """Flatten a view's state into {block_id: value}; values are strings or None (whatever
    shape a forged payload has)."""
    out: dict[str, str | None] = {}
    state = view.get("state")
    values = state.get("values") if isinstance(state, dict) else None
    if not isinstance(values, dict):
        return out
    for block_id, actions in values.items():
        if not isinstance(actions, dict):
            continue
        for el in actions.values():
            if not isinstance(el, dict):
                continue
            kind = el.get("type")
            if kind == "static_select":
                option = el.get("selected_option")
                value = option.get("value") if isinstance(option, dict) else None
            elif kind == "datepicker":
                value = el.get("selected_date")
            elif kind == "timepicker":
                value = el.get("selected_time")
            elif kind == "users_select":
                value = el.get("selected_user")
            else:
                value = el.get("value")
            out[str(block_id)] = None if value is None else str(value)
    return out


def read_inquiry_form(
    values: dict[str, Any],
    lang: Lang,
    today: date,
    assignable: list[tuple[str, str]] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate the new-inquiry modal: (fields, errors by block id).

    `assignable` lists who the submitter may pick as assignee, (user id, name) pairs; None
    means the submitter may not choose one at all (a customer).
    """
    errors: dict[str, str] = {}
    assignee = values.get(Block.ASSIGNEE) or None
    if assignee and assignable is None:
        errors[Block.ASSIGNEE] = t(lang, "form.assignee_staff_only")
    elif assignee and assignable is not None and assignee not in dict(assignable):
        names = ", ".join(name for _, name in assignable) or "-"
        errors[Block.ASSIGNEE] = t(lang, "form.not_assignable", names=names)
    kind = parse_kind(values.get(Block.KIND) or "")
    if kind is None:
        errors[Block.KIND] = t(lang, "form.kind_required")
    title = clean_text(values.get(Block.TITLE) or "")
    if not title:
        errors[Block.TITLE] = t(lang, "form.title_required")
    due = None
    if values.get(Block.DUE):
        due = _form_date(values[Block.DUE])
        if due is None:
            errors[Block.DUE] = t(lang, "form.bad_date")
    if due is not None and due < today:
        errors[Block.DUE] = t(lang, "form.date_in_past")
    if due is not None and too_far_ahead(due, today):
        errors[Block.DUE] = t(lang, "form.date_too_far")
    if kind == Kind.REGULATORY and due is None and Block.DUE not in errors:
        errors[Block.DUE] = t(lang, "inquiry.error.regulatory_needs_due")
    fields = {
        "kind": kind,
        "title": title,
        "due": due,
        "detail": (values.get(Block.DETAIL) or "").strip(),
        "customer": clean_text(values.get(Block.CUSTOMER) or ""),
        "contact": clean_text(values.get(Block.CONTACT) or ""),
        "assignee": assignee,
    }
    if fields["assignee"] is not None and not is_user_id(fields["assignee"]):
        errors[Block.ASSIGNEE] = t(lang, "form.bad_user")
    return fields, errors


def _source_of(meta: dict[str, Any] | None) -> dict[str, Any] | None:
    """The new-inquiry modal's metadata when every value in it is what the bot put there."""
    if meta is None:
        return None
    channel, ts, author = meta.get("channel"), meta.get("ts"), meta.get("author")
    if channel is not None and not is_channel_id(channel):
        return None
    if ts is not None and not is_message_ts(ts):
        return None
    if author is not None and not is_user_id(author):
        return None
    return meta


def _number_in(view: dict[str, Any]) -> int | None:
    """The inquiry number a card modal carries, or None when its metadata was tampered with."""
    number = (read_metadata(view) or {}).get("number")
    if isinstance(number, int) and not isinstance(number, bool) and 0 < number <= 999_999_999:
        return number
    return None


def _form_date(value: object) -> date | None:
    """A datepicker value (`YYYY-MM-DD`), or None when it is anything else."""
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _form_time(value: object) -> time | None:
    """A timepicker value (`HH:MM`, 00:00-23:59), or None when it is anything else."""
    if not isinstance(value, str) or CLOCK.fullmatch(value) is None:
        return None
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


async def handle_new_inquiry_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """Create an inquiry from the modal (also the message shortcut's prefilled modal)."""
    user_id = body["user"]["id"]
    lang = await deps.languages.language_of(user_id)
    today = deps.clock.now().astimezone(deps.tz).date()
    values = parse_view_state(view)
    # Names only matter for the error text, so they are looked up only when one is picked.
    assignable = await assignee_options(deps, user_id) if values.get(Block.ASSIGNEE) else []
    fields, errors = read_inquiry_form(values, lang, today, assignable)
    meta = _source_of(read_metadata(view))
    if meta is None:
        errors = {Block.TITLE: t(lang, "form.stale")}
    if errors or meta is None:
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    # Only staff track someone else's message on their behalf; a customer is their own requester.
    author = meta.get("author") if deps.is_staff(user_id) else None
    draft = _form_draft(
        meta,
        user_id,
        requester_id=author or user_id,
        kind=fields["kind"],
        title=fields["title"],
        detail=fields["detail"],
        customer=fields["customer"],
        contact=fields["contact"],
        due=fields["due"],
        assignee_id=fields["assignee"],
    )
    opened = await _open_once(body, view, deps, draft)
    if opened is None:
        return  # the same submission again (a replay or a double submit): done once
    number, deadline = opened.inquiry.number, svc.fmt_time(opened.inquiry.deadline_at, deps)
    if not opened.created:
        text = tracked_text(deps, lang, opened.inquiry, user_id)
    else:
        key = "inquiry.created" if deps.is_staff(user_id) else "inquiry.notify.received"
        text = t(lang, key, number=number, title=fields["title"], deadline=deadline)
    await client.chat_postMessage(channel=user_id, text=text)


def _form_draft(
    meta: dict[str, Any], user_id: str, *, requester_id: str, **fields: Any
) -> svc.Draft:
    """A form's inquiry: from the message a shortcut carried in `meta`, else from the modal."""
    source_channel, source_ts = meta.get("channel"), meta.get("ts")
    return svc.Draft(
        requester_id=requester_id,
        source="shortcut" if source_ts else "modal",
        source_message=MessageRef(
            platform="slack", conversation_id=source_channel or "", message_id=source_ts
        )
        if source_ts
        else None,
        created_by=user_id,
        **fields,
    )


async def _open_once(
    body: dict[str, Any], view: dict[str, Any], deps: Deps, draft: svc.Draft
) -> svc.Opened | None:
    """Open a submitted form's inquiry; None when this submission was handled already."""
    async with deps.sessions.begin() as session:
        if not await claim_action(session, deps, submission_key(body, view)):
            return None
        opened = await svc.open_inquiry(session, deps, draft)
    deps.outbox.kick()
    return opened


async def handle_report_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """Create an inquiry from a customer's "report this" form; they are its requester."""
    user_id = body["user"]["id"]
    lang = await deps.languages.language_of(user_id)
    values = parse_view_state(view)
    title = clean_text(values.get(Block.TITLE) or "")
    if not title:
        await ack(response_action="errors", errors={Block.TITLE: t(lang, "form.title_required")})
        return
    meta = _source_of(read_metadata(view))
    if meta is None:
        await ack(response_action="errors", errors={Block.TITLE: t(lang, "form.stale")})
        return
    await ack()
    draft = _form_draft(
        meta,
        user_id,
        requester_id=user_id,
        kind=Kind.SUPPORT,
        title=title,
        detail=(values.get(Block.DETAIL) or "").strip(),
    )
    opened = await _open_once(body, view, deps, draft)
    if opened is None or opened.created:
        # a replay or a double submit was done once; a new inquiry's answer goes to the
        # message's thread ("logged as #N, expect …")
        return
    text = tracked_text(deps, lang, opened.inquiry, user_id)
    await client.chat_postMessage(channel=user_id, text=text)


async def handle_card_modal_action(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """Open the ETA, progress, resolve or reopen modal from a card, `show` or Home button."""
    await ack()
    user_id = body["user"]["id"]
    lang = await deps.languages.language_of(user_id)
    number = number_of(action.get("value"))
    which = {
        Action.SET_ETA: "eta",
        Action.ADD_PROGRESS: "progress",
        Action.RESOLVE: "resolve",
        Action.REOPEN: "reopen",
    }[action["action_id"]]
    actor = actor_of(deps, user_id)
    # Refused before the lookup: a customer cannot tell which numbers exist.
    svc.refuse_customer(actor, which, number)
    async with deps.reads() as session:
        inquiry = await svc.find_visible(session, number, actor)
    if not may(actor, which, requester_id=inquiry.requester_id):
        who = "inquiry.who.requester_or_staff" if which == "reopen" else "inquiry.who.staff"
        raise Forbidden("inquiry.error.forbidden", action=which, number=number, who_key=who)
    if not can(which, inquiry.status):
        raise Conflict(
            "inquiry.error.bad_state", action=which, number=number, status=inquiry.status
        )
    meta = {"home": True} if from_home(body) else {}
    if which == "eta":
        today = deps.clock.now().astimezone(deps.tz).date()
        view = build_eta_modal(lang, inquiry.number, today, meta=meta)
    else:
        view = build_note_modal(lang, inquiry.number, which, meta=meta)
    if not await first_time(deps, action_key(body), click_key(body, action)):
        return  # a replayed click or a double click: its modal was opened already
    await client.views_open(trigger_id=body["trigger_id"], view=view)


async def handle_open_card_action(ack: AsyncAck) -> None:
    """The "open card" link button: Slack opens the link itself and still tells the app."""
    await ack()


async def handle_assign_me_action(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """Assign the inquiry to the clicking staff member ("already yours" when it is)."""
    await ack()
    user_id = body["user"]["id"]
    lang = await deps.languages.language_of(user_id)
    number = number_of(action.get("value"))
    actor = actor_of(deps, user_id)
    svc.refuse_customer(actor, "assign", number)
    svc.check_assignable(deps, user_id)
    async with deps.sessions.begin() as session:
        if not await claim_action(session, deps, action_key(body)):
            return  # a replayed click
        inquiry = await svc.find_inquiry(session, number, lock=True)
        mine = inquiry.assignee_id == user_id
        if not mine:
            await svc.assign_inquiry(session, deps, number, actor, user_id)
        # a double click: the first click's confirmation is enough
        double = mine and await svc.just_taken(session, deps, inquiry, user_id)
    deps.outbox.kick()
    key = "inquiry.already_yours" if mine else "inquiry.assigned"
    channel = (body.get("channel") or {}).get("id")
    if channel and not double:
        await client.chat_postEphemeral(
            channel=channel, user=user_id, text=t(lang, key, number=number, user=user_id)
        )
    if from_home(body):
        await publish_home(client, deps, user_id)


async def handle_eta_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """Set the ETA from the modal; a past or unreadable date is refused under the field."""
    user_id = body["user"]["id"]
    lang = await deps.languages.language_of(user_id)
    values = parse_view_state(view)
    number = _number_in(view)
    if number is None:
        await ack(response_action="errors", errors={Block.ETA_DATE: t(lang, "form.stale")})
        return
    day = _form_date(values.get(Block.ETA_DATE))
    if day is None:
        await ack(response_action="errors", errors={Block.ETA_DATE: t(lang, "form.bad_date")})
        return
    if too_far_ahead(day, deps.clock.now().astimezone(deps.tz).date()):
        await ack(response_action="errors", errors={Block.ETA_DATE: t(lang, "form.date_too_far")})
        return
    at_text = values.get(Block.ETA_TIME)
    at = _form_time(at_text)
    if at_text and at is None:
        await ack(response_action="errors", errors={Block.ETA_TIME: t(lang, "form.bad_time")})
        return
    moment = datetime.combine(day, at, deps.tz) if at else end_of_business_day(day, deps.calendar)
    if moment <= deps.clock.now():
        await ack(response_action="errors", errors={Block.ETA_DATE: t(lang, "form.date_in_past")})
        return
    await ack()
    async with deps.sessions.begin() as session:
        if not await claim_action(session, deps, submission_key(body, view)):
            return  # the same submission again: done once
        await svc.set_eta(session, deps, number, actor_of(deps, user_id), moment)
    deps.outbox.kick()
    if (read_metadata(view) or {}).get("home"):
        await publish_home(client, deps, user_id)


async def handle_note_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """Record a progress report, a resolution or a reopen reason from its modal."""
    user_id = body["user"]["id"]
    lang = await deps.languages.language_of(user_id)
    note = str(parse_view_state(view).get(Block.NOTE) or "").strip()
    if not note:
        await ack(response_action="errors", errors={Block.NOTE: t(lang, "form.note_required")})
        return
    number = _number_in(view)
    if number is None:
        await ack(response_action="errors", errors={Block.NOTE: t(lang, "form.stale")})
        return
    await ack()
    actor = actor_of(deps, user_id)
    async with deps.sessions.begin() as session:
        if not await claim_action(session, deps, submission_key(body, view)):
            return  # the same submission again: done once
        if view["callback_id"] == View.RESOLVE:
            await svc.resolve_inquiry(session, deps, number, actor, note)
        elif view["callback_id"] == View.REOPEN:
            await svc.reopen_inquiry(session, deps, number, actor, note)
        else:
            await svc.add_progress(session, deps, number, actor, note)
    deps.outbox.kick()
    if (read_metadata(view) or {}).get("home"):
        await publish_home(client, deps, user_id)
