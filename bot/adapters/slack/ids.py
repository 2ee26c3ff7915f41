"""Every Slack id the bot uses: commands, actions, callbacks, blocks, events."""

from __future__ import annotations

from enum import StrEnum


class Command(StrEnum):
    INQUIRY = "/inquiry"
    CHARTER = "/charter"
    SURVEY = "/survey"
    FEEDBACK = "/feedback"
    VISITOR = "/visitor"
    ROOM = "/room"
    FIELDVISIT = "/fieldvisit"
    CALLBACK = "/callback"
    AWAY = "/away"
    NOTICE = "/notice"
    OUTAGE = "/outage"
    DIGEST = "/digest"


class Shortcut(StrEnum):
    INQUIRY_FROM_MESSAGE = "inquiry-from-message"


class Action(StrEnum):
    ASSIGN_TO_ME = "inquiry-assign-me"
    SET_ETA = "inquiry-set-eta"
    ADD_PROGRESS = "inquiry-add-progress"
    RESOLVE = "inquiry-resolve"
    REOPEN = "inquiry-reopen"
    TRANSFER = "inquiry-transfer"
    OPEN_CARD = "inquiry-open-card"
    SNOOZE_30 = "nudge-snooze-30"
    SNOOZE_60 = "nudge-snooze-60"
    SNOOZE_120 = "nudge-snooze-120"
    VISIT_COMING = "visit-coming"
    VISIT_SEND_ROOM = "visit-send-room"
    VISIT_DECLINE = "visit-decline"
    VISIT_MET = "visit-met"
    VISIT_BADGE_BACK = "visit-badge-back"
    VISIT_ID_BACK = "visit-id-back"
    FIELDVISIT_REPORT = "fieldvisit-report"
    CALLBACK_CLAIM = "callback-claim"
    CALLBACK_DONE = "callback-done"
    CALLBACK_PASS = "callback-pass"
    OUTBOX_RETRY = "outbox-retry"
    OUTBOX_DISCARD = "outbox-discard"


class View(StrEnum):
    NEW_INQUIRY = "inquiry-new-modal"
    REPORT = "inquiry-report-modal"
    ETA = "inquiry-eta-modal"
    PROGRESS = "inquiry-progress-modal"
    RESOLVE = "inquiry-resolve-modal"
    REOPEN = "inquiry-reopen-modal"
    TRANSFER = "inquiry-transfer-modal"
    SURVEY_COMMENT = "survey-comment-modal"
    COMPLAINT_FORM = "complaint-form-modal"  # confirm / dismiss / corrective action of a case
    VISIT_NEW = "visit-new-modal"
    VISIT_REASON = "visit-reason-modal"
    FIELDVISIT_REPORT = "fieldvisit-report-modal"
    NEW_CALLBACK = "callback-new-modal"
    CALLBACK_PASS = "callback-pass-modal"
    NOTICE_PLAN = "notice-plan-modal"


class Block(StrEnum):
    KIND = "kind"
    TITLE = "title"
    DETAIL = "detail"
    CUSTOMER = "customer"
    CONTACT = "contact"
    DUE = "due"
    ASSIGNEE = "assignee"
    ETA_DATE = "eta_date"
    ETA_TIME = "eta_time"
    NOTE = "note"
    TRANSFER_TO = "transfer_to"
    CARD_ACTIONS = "inquiry-card-actions"
    PROMPT_ACTIONS = "feedback-actions"  # the buttons of a survey or feedback prompt
    COMMENT = "comment"
    COMPLAINT_TEXT = "complaint_text"  # the finding, the reason, or the corrective action
    COMPLAINT_DUE = "complaint_due"  # the corrective action's due date (typed, when.py)
    VISIT_ACTIONS = "visit-actions"
    CALLBACK_ACTIONS = "callback-actions"
    CALLBACK_OWNER = "callback_owner"
    CALLBACK_CALLER = "callback_caller"
    CALLBACK_COMPANY = "callback_company"
    CALLBACK_PHONE = "callback_phone"
    CALLBACK_TOPIC = "callback_topic"
    CALLBACK_INQUIRY = "callback_inquiry"
    CALLBACK_URGENT = "callback_urgent"
    CALLBACK_COLLEAGUE = "callback_colleague"
    CALLBACK_REASON = "callback_reason"


class Event(StrEnum):
    MESSAGE = "message"
    REACTION_ADDED = "reaction_added"
    APP_HOME_OPENED = "app_home_opened"


TICKET_REACTION = "ticket"
