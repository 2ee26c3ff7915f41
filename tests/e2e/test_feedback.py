"""Surveys, complaints and praise end to end in Slack (issue 15): signed requests in, database
rows and the fake Web API's transcript out, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from e2e.harness import TEST_CONFIG, Bot, eventually, start_bot
from storage.models import Complaint, Praise, Survey, Timer


async def _rows(bot: Bot, model: Any) -> list[Any]:
    async with bot.deps.sessions() as s:
        return list((await s.exec(select(model).order_by(model.id))).all())


async def _eventually_rows(bot: Bot, model: Any, check: Any = bool) -> list[Any]:
    rows: list[Any] = []

    async def ready() -> bool:
        nonlocal rows
        rows = await _rows(bot, model)
        return bool(check(rows))

    for _ in range(250):
        if await ready():
            return rows
        await bot.settle()
    raise AssertionError(f"{model.__name__} rows never matched: {rows}")


def _dm_messages(bot: Bot, user: str) -> list[dict[str, Any]]:
    return bot.fake.messages(bot.fake.dm_channel_for(user))


def _buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        e
        for b in message.get("blocks") or []
        if b.get("type") == "actions"
        for e in b.get("elements", [])
    ]


def _survey_prompt(bot: Bot, user: str) -> dict[str, Any]:
    prompts = [
        m
        for m in _dm_messages(bot, user)
        if any(e.get("action_id", "").startswith("survey:rate#") for e in _buttons(m))
    ]
    assert len(prompts) == 1, _dm_messages(bot, user)
    return prompts[0]


async def _resolved_inquiry(bot: Bot, requester: str = "UCUST", number: int = 1) -> None:
    await bot.reply_to(requester, "new support Login fails")
    await bot.reply_to("USTAFF1", f"assign {number} <@USTAFF1>")
    await bot.reply_to("USTAFF1", f"resolve {number} Fixed the password reset")
    await bot.settle()


async def _rate(bot: Bot, user: str, value: str, index: int) -> None:
    channel = bot.fake.dm_channel_for(user)
    reply = await bot.click(user, f"survey:rate#{index}", value, channel=channel)
    assert reply.status == 200


async def test_survey_after_resolve_rating_comment_and_low_alert_to_manager(bot: Bot) -> None:
    await _resolved_inquiry(bot)
    prompt = _survey_prompt(bot, "UCUST")
    assert "#1" in prompt["text"] and "How satisfied" in prompt["text"]  # en-US customer
    buttons = _buttons(prompt)
    assert [b["value"] for b in buttons] == [f"1:{r}" for r in range(1, 6)]
    await _rate(bot, "UCUST", "1:2", 1)
    view = (await eventually(lambda: bot.fake.calls_to("views.open")))[-1].args["view"]
    assert view["callback_id"] == "survey-comment-modal"
    comment = {"type": "plain_text_input", "value": "Rude on the phone <!channel> & slow"}
    assert (await bot.submit("UCUST", view, {"comment": comment})).status == 200
    await _eventually_rows(bot, Survey, lambda r: r[0].comment)
    await bot.settle()
    (survey,) = await _rows(bot, Survey)
    assert (survey.rating, survey.comment, survey.answered_via) == (
        2,
        "Rude on the phone <!channel> & slow",
        "slack",
    )
    manager_dms = _dm_messages(bot, "UMANAGER")
    alerts = [m for m in manager_dms if "2/5" in m["text"]]
    assert alerts, manager_dms
    assert any("complaint:open#0" == b["action_id"] for b in _buttons(alerts[0]))
    # the comment reaches the manager escaped: no broadcast, no markup
    assert all("<!channel>" not in m["text"] for m in manager_dms)
    assert any("&lt;!channel&gt;" in m["text"] for m in manager_dms)
    # the requester is thanked; another person may not answer
    assert any("Thank you" in t for t in bot.dm_texts("UCUST"))
    before = len(bot.fake.calls_to("response_url"))
    await _rate(bot, "UCUST2", "1:5", 4)
    await eventually(lambda: len(bot.fake.calls_to("response_url")) > before)
    assert "requester" in bot.replies()[-1] or "문의하신 분" in bot.replies()[-1]
    (survey,) = await _rows(bot, Survey)
    assert survey.rating == 2


async def test_second_answer_updates_never_duplicates(bot: Bot) -> None:
    await _resolved_inquiry(bot)
    await _rate(bot, "UCUST", "1:3", 2)
    await eventually(lambda: bot.fake.calls_to("views.open"))
    await _rate(bot, "UCUST", "1:5", 4)
    await eventually(lambda: len(bot.fake.calls_to("views.open")) >= 2)
    rows = await _rows(bot, Survey)
    assert [(r.rating, r.inquiry_number) for r in rows] == [(5, 1)]


async def test_no_survey_for_staff_requesters_and_within_cooldown(bot: Bot) -> None:
    await _resolved_inquiry(bot, "USTAFF2", 1)  # staff: internal is off
    assert await _rows(bot, Survey) == []
    await _resolved_inquiry(bot, "UCUST", 2)
    await _resolved_inquiry(bot, "UCUST", 3)  # within the 30-day cooldown
    assert [s.inquiry_number for s in await _rows(bot, Survey)] == [2]
    bot.clock.advance(timedelta(days=31))
    await _resolved_inquiry(bot, "UCUST", 4)
    assert [s.inquiry_number for s in await _rows(bot, Survey)] == [2, 4]


async def test_no_survey_after_a_reopen_within_a_day(bot: Bot) -> None:
    await _resolved_inquiry(bot)
    assert len(await _rows(bot, Survey)) == 1
    await bot.reply_to("UCUST", "reopen 1 still broken")
    bot.clock.advance(timedelta(days=40))  # past the cooldown: only the reopen rule stops it
    await bot.reply_to("USTAFF1", "resolve 1 Really fixed now")
    await bot.settle()
    assert len(await _rows(bot, Survey)) == 1


@pytest.mark.parametrize("seed", [7, 11])
async def test_sampling_is_deterministic_with_a_seeded_source(db_url: str, seed: int) -> None:
    config = {**TEST_CONFIG, "surveys": {"sample": 0.5, "cooldown": "1s"}}
    bot, stop = await start_bot(db_url, config)
    try:
        bot.deps.rng.seed(seed)
        expected_draws = random.Random(seed)
        expected = []
        for n in range(1, 7):
            await _resolved_inquiry(bot, "UCUST", n)
            if expected_draws.random() < 0.5:
                expected.append(n)
            bot.clock.advance(timedelta(seconds=5))
        assert [s.inquiry_number for s in await _rows(bot, Survey)] == expected
        assert 0 < len(expected) < 6  # the seeds were picked so both outcomes occur
    finally:
        await stop()


async def test_complaint_from_low_rating_confirm_action_reward_sent(bot: Bot) -> None:
    await _resolved_inquiry(bot)
    await _rate(bot, "UCUST", "1:1", 0)
    await _eventually_rows(bot, Survey, lambda r: r[0].rating == 1)
    await bot.settle()
    # the manager opens a complaint from the alert's button
    dm = bot.fake.dm_channel_for("UMANAGER")
    await bot.click("UMANAGER", "complaint:open#0", "1", channel=dm)
    (case,) = await _eventually_rows(bot, Complaint)
    await bot.settle()
    assert (case.id, case.staff_id, case.reporter_id, case.reporter_is_customer, case.status) == (
        1,
        "USTAFF1",
        "UCUST",
        True,
        "open",
    )
    assert any("K1" in t for t in bot.dm_texts("UMANAGER"))
    # nothing about the case is posted in any channel
    for channel in ("C0TRIAGE", "C0INTAKE", "C0REPORTS"):
        assert not any("K1" in m.get("text", "") for m in bot.posts(channel))
    answer = await bot.reply_to("UMANAGER", "확인 K1 통화 녹음으로 확인함", command="/feedback")
    assert "K1" in answer
    await bot.settle()
    (case,) = await _rows(bot, Complaint)
    assert (case.status, case.reward_state, case.reward_kind) == (
        "confirmed",
        "to_send",
        "커피 쿠폰",
    )
    assert any("K1" in t and "gift" in t for t in bot.dm_texts("UCUST"))
    assert any("K1" in t for t in bot.dm_texts("USTAFF1"))  # told privately
    admin_prompts = [m for m in _dm_messages(bot, "UADMIN") if "K1" in m["text"]]
    assert any(  # (the ask, rewritten as the admin's case card: its buttons follow the case)
        b["action_id"].startswith("complaint:reward_sent#")
        for m in admin_prompts
        for b in _buttons(m)
    )
    # the corrective action is required, then recorded
    answer = await bot.reply_to(
        "UMANAGER", "조치 K1 고객에게 사과 전화, 응대 교육 기한: 12월 4일", command="/feedback"
    )
    assert "K1" in answer
    (case,) = await _rows(bot, Complaint)
    assert (case.status, case.action_by) == ("actioned", "2026-12-04")
    # an admin is nudged every business day until the reward is sent
    bot.clock.advance(timedelta(days=1))
    await bot.runtime.run_due_work()
    await bot.settle()
    nudges = [m for m in _dm_messages(bot, "UADMIN") if "K1" in m["text"]]
    assert len(nudges) > len(admin_prompts)
    await bot.click(
        "UADMIN", "complaint:reward_sent#0", "1", channel=bot.fake.dm_channel_for("UADMIN")
    )
    (case,) = await _eventually_rows(bot, Complaint, lambda r: r[0].reward_state == "sent")
    await bot.settle()
    assert (case.reward_state, case.reward_sent_by) == ("sent", "UADMIN")
    assert case.reward_sent_at is not None
    async with bot.deps.sessions() as s:
        pending = (
            await s.exec(
                select(Timer).where(Timer.state == "pending", Timer.kind.startswith("complaint"))
            )  # type: ignore[attr-defined]
        ).all()
    assert list(pending) == []


async def test_complaint_dismissal_and_visibility(bot: Bot) -> None:
    answer = await bot.reply_to(
        "USTAFF2",
        "불만 <@USTAFF1|minji> 회의에서 고객에게 무례했음",
        command="/feedback",
        channel="C0TRIAGE",
    )
    assert "K1" in answer
    await bot.settle()
    assert not any("K1" in m.get("text", "") for m in bot.posts("C0TRIAGE"))
    # others are refused, whether or not the case exists
    for user in ("UCUST", "UCUST2", "URECEPTION"):
        for ref in ("K1", "K99"):
            text = await bot.reply_to(user, f"show {ref}", command="/feedback")
            assert "무례" not in text
            assert "manager" in text.lower() or "관리자" in text
        listed = await bot.reply_to(user, "list", command="/feedback")
        assert "K1" not in listed
    for user in ("USTAFF2", "UCUST2"):
        refused = await bot.reply_to(user, "dismiss K1 no", command="/feedback")
        assert "관리자" in refused or "manager" in refused.lower()
    # the reporter and the staff member see only the outcome
    reporter_view = await bot.reply_to("USTAFF2", "show K1", command="/feedback")
    assert "무례" not in reporter_view and "K1" in reporter_view
    staff_view = await bot.reply_to("USTAFF1", "show K1", command="/feedback")
    assert "무례" not in staff_view and "K1" in staff_view
    # the manager and an admin see everything
    assert "무례" in await bot.reply_to("UMANAGER", "보기 K1", command="/feedback")
    assert "무례" in await bot.reply_to("UADMIN", "show K1", command="/feedback")
    assert "K1" in await bot.reply_to("UMANAGER", "기각 K1 사실과 다름", command="/feedback")
    await bot.settle()
    (case,) = await _rows(bot, Complaint)
    assert (case.status, case.reward_state, case.decided_by) == ("dismissed", "", "UMANAGER")
    assert any("K1" in t for t in bot.dm_texts("USTAFF2"))  # the reporter learns the outcome
    again = await bot.reply_to("UMANAGER", "confirm K1 changed my mind", command="/feedback")
    assert "K1" in again and ("already" in again or "이미" in again)


async def test_review_nudge_and_escalation_to_admins(bot: Bot) -> None:
    await bot.reply_to("USTAFF2", "complaint <@USTAFF1> shouted at a customer", command="/feedback")
    await bot.settle()
    assert [t for t in bot.dm_texts("UMANAGER") if "K1" in t] and not bot.dm_texts("UADMIN")
    # 75 % of the 1bd window (6h45 of business time after Tuesday 10:00): the manager is nudged
    bot.clock.advance(timedelta(hours=7, minutes=50))
    await bot.runtime.run_due_work()
    await bot.settle()
    assert any("K1" in t and "기각해 주세요" in t for t in bot.dm_texts("UMANAGER")[1:])
    assert not [t for t in bot.dm_texts("UADMIN") if "K1" in t]
    # past the deadline: the manager again, and the admins (en-US) are told
    bot.clock.advance(timedelta(days=1))
    await bot.runtime.run_due_work()
    await bot.settle()
    escalations = [t for t in bot.dm_texts("UADMIN") if "K1" in t]
    assert len(escalations) == 1 and "past its review deadline" in escalations[0]
    # the next business day once more; a decision stops it all
    assert "K1" in await bot.reply_to(
        "UMANAGER", "dismiss K1 not what happened", command="/feedback"
    )
    bot.clock.advance(timedelta(days=3))
    await bot.runtime.run_due_work()
    await bot.settle()
    assert len([t for t in bot.dm_texts("UADMIN") if "K1" in t]) == 1


async def test_praise_private_when_not_public(bot: Bot) -> None:
    answer = await bot.reply_to(
        "UCUST", "칭찬 <@USTAFF1> 친절하게 설명해 주셨어요", command="/feedback"
    )
    assert "USTAFF1" in answer or "minji" in answer
    await bot.settle()
    (praise,) = await _rows(bot, Praise)
    assert (praise.staff_id, praise.giver_id, praise.consent, praise.posted_at) == (
        "USTAFF1",
        "UCUST",
        False,
        None,
    )
    assert any("친절하게" in t for t in bot.dm_texts("USTAFF1"))
    assert any("친절하게" in t for t in bot.dm_texts("UMANAGER"))
    assert "checkboxes" not in json.dumps(bot.replies()[-1])
    assert not any("친절하게" in m.get("text", "") for m in bot.posts("C0RANDOM"))


async def test_praise_public_with_consent_checkbox(db_url: str) -> None:
    config = {**TEST_CONFIG, "praise": {"public": True, "channel": "C0RANDOM"}}
    bot, stop = await start_bot(db_url, config)
    try:
        answer = await bot.reply_to(
            "UCUST", "praise <@USTAFF2> Patient and clear", command="/feedback"
        )
        assert "checkboxes" in answer
        await bot.settle()
        assert not bot.posts("C0RANDOM")  # nothing public without consent
        payload = {
            "type": "block_actions",
            "team": {"id": "T0TEST"},
            "api_app_id": "A0TEST",
            "user": {"id": "UCUST", "username": "ucust", "team_id": "T0TEST"},
            "channel": {"id": "C0TRIAGE", "name": "triage"},
            "container": {"type": "message", "message_ts": "", "channel_id": "C0TRIAGE"},
            "trigger_id": bot.fake.new_trigger_id(),
            "response_url": bot.fake.new_response_url(channel="C0TRIAGE", user="UCUST"),
            "actions": [
                {
                    "action_id": "praise:share#0",
                    "block_id": "feedback-actions",
                    "type": "checkboxes",
                    "selected_options": [{"value": "1"}],
                    "action_ts": "1",
                }
            ],
        }
        assert (await bot.interact(payload)).status == 200
        await _eventually_rows(bot, Praise, lambda r: r[0].posted_at is not None)
        await bot.settle()
        posts = bot.posts("C0RANDOM")
        assert len(posts) == 1 and "Patient and clear" in posts[0]["text"]
        (praise,) = await _rows(bot, Praise)
        assert praise.consent and praise.posted_at is not None
        # another person cannot consent for the giver
        payload["user"] = {"id": "UCUST2", "username": "x", "team_id": "T0TEST"}
        payload["trigger_id"] = bot.fake.new_trigger_id()
        await bot.interact(payload)
        await bot.settle()
        assert len(bot.posts("C0RANDOM")) == 1
    finally:
        await stop()


async def test_five_rating_comment_becomes_praise_with_one_button(bot: Bot) -> None:
    await _resolved_inquiry(bot)
    await _rate(bot, "UCUST", "1:5", 4)
    view = (await eventually(lambda: bot.fake.calls_to("views.open")))[-1].args["view"]
    await bot.submit(
        "UCUST", view, {"comment": {"type": "plain_text_input", "value": "Super helpful"}}
    )
    await _eventually_rows(bot, Survey, lambda r: r[0].comment)
    await bot.settle()
    offers = [m for m in _dm_messages(bot, "UMANAGER") if "praise:from_survey#0" in json.dumps(m)]
    assert offers
    await bot.click(
        "UMANAGER", "praise:from_survey#0", "1", channel=bot.fake.dm_channel_for("UMANAGER")
    )
    (praise,) = await _eventually_rows(bot, Praise)
    await bot.settle()
    assert (praise.staff_id, praise.source, praise.text) == ("USTAFF1", "survey", "Super helpful")
    assert any("Super helpful" in t for t in bot.dm_texts("USTAFF1"))


async def test_monthly_examples_posted_to_reports_channel(bot: Bot) -> None:
    await bot.reply_to("UCUST", "praise <@USTAFF1> great", command="/feedback")
    await bot.reply_to("UCUST2", "praise <@USTAFF1> kind", command="/feedback")
    await bot.reply_to("UCUST", "praise <@USTAFF2> fast", command="/feedback")
    refused = await bot.reply_to("USTAFF1", "exemplary <@USTAFF2> mentoring", command="/feedback")
    assert "manager" in refused.lower() or "관리자" in refused
    assert "USTAFF2" in await bot.reply_to(
        "UMANAGER", "모범 <@USTAFF2> 신입 멘토링", command="/feedback"
    )
    await bot.settle()
    before = len(bot.posts("C0REPORTS"))
    # 2026-12 ends; 2027-01-01 is a holiday (New Year), so the 4th (Monday) at 09:00 it is
    bot.clock.set(bot.clock.now() + timedelta(days=34))
    await bot.runtime.run_due_work()
    await bot.settle()
    # the month's examples, once (the monthly charter report of issue 16 goes there too)
    posts = [p for p in bot.posts("C0REPORTS")[before:] if "모범" in p["text"]]
    assert len(posts) == 1
    text = posts[0]["text"]
    assert "2026-12" in text and "<@USTAFF1>" in text and "<@USTAFF2>" in text
    assert "신입 멘토링" in text


async def test_monthly_examples_planned_every_month_even_without_praise(bot: Bot) -> None:
    # no praise at all: the first sweep plans December's announcement (once, however often
    # it runs), and it says there were none; then January's is planned
    for _ in range(3):
        await bot.runtime.run_due_work()
    async with bot.deps.sessions() as s:
        planned = (
            await s.exec(select(Timer).where(Timer.kind == "praise.monthly"))  # type: ignore[arg-type]
        ).all()
    assert [(t.key, t.state) for t in planned] == [("praise-monthly:2026-12", "pending")]
    before = len(bot.posts("C0REPORTS"))
    bot.clock.set(bot.clock.now() + timedelta(days=34))  # Monday 2027-01-04, after 09:00
    await bot.runtime.run_due_work()
    await bot.runtime.run_due_work()
    await bot.settle()
    posts = [p for p in bot.posts("C0REPORTS")[before:] if "2026-12" in p["text"]]
    posts = [p for p in posts if "모범" in p["text"] or "exemplary" in p["text"]]
    assert len(posts) == 1, bot.posts("C0REPORTS")
    assert "칭찬도" in posts[0]["text"] and "No praise" in posts[0]["text"]
    async with bot.deps.sessions() as s:
        planned = (
            await s.exec(
                select(Timer).where(Timer.kind == "praise.monthly").order_by(Timer.key)  # type: ignore[arg-type]
            )
        ).all()
    assert [(t.key, t.state) for t in planned] == [
        ("praise-monthly:2026-12", "fired"),
        ("praise-monthly:2027-01", "pending"),
    ]


async def test_survey_results_for_managers_only_without_identity(bot: Bot) -> None:
    await _resolved_inquiry(bot)
    await _rate(bot, "UCUST", "1:4", 3)
    view = (await eventually(lambda: bot.fake.calls_to("views.open")))[-1].args["view"]
    await bot.submit("UCUST", view, {"comment": {"type": "plain_text_input", "value": "Good job"}})
    await _eventually_rows(bot, Survey, lambda r: r[0].comment)
    await bot.settle()
    results = await bot.reply_to("UMANAGER", "결과", command="/survey")
    assert "2026-12" in results and "Good job" in results
    assert "UCUST" not in results and "customer" not in results.lower().replace("customer's", "")
    assert "4.00" in results and "100%" in results
    assert "HTS support" in results
    refused = await bot.reply_to("USTAFF1", "results", command="/survey")
    assert "Good job" not in refused and ("관리자" in refused or "managers" in refused)
    old = await bot.reply_to("UADMIN", "results 2026-11", command="/survey")
    assert "2026-11" in old and "Good job" not in old
    bad = await bot.reply_to("UMANAGER", "결과 13월", command="/survey")
    assert "13월" in bad


async def test_survey_goes_to_the_source_thread_of_an_intake_message(bot: Bot) -> None:
    source = await bot.user_message("UCUST", "C0INTAKE", "The statement download fails")
    await bot.settle()
    await bot.reply_to("USTAFF1", "assign 1 <@USTAFF1>")
    await bot.reply_to("USTAFF1", "resolve 1 Fixed the export")
    await bot.settle()
    in_thread = [
        m
        for m in bot.posts("C0INTAKE")
        if m.get("thread_ts") == source["ts"] and "survey:rate#0" in json.dumps(m)
    ]
    assert len(in_thread) == 1
    labels = [b["text"]["text"] for b in _buttons(in_thread[0])]
    assert labels[0] == "1 Very dissatisfied"  # the requester's language (en-US)
    assert not [m for m in _dm_messages(bot, "UCUST") if "survey:rate" in json.dumps(m)]
    await bot.click(
        "UCUST", "survey:rate#4", "1:5", channel="C0INTAKE", message_ts=in_thread[0]["ts"]
    )
    (survey,) = await _eventually_rows(bot, Survey, lambda r: r[0].rating == 5)
    assert survey.platform == "slack"
