"""Every Slack id the bot uses: commands, actions, callbacks, blocks, events."""

from __future__ import annotations

from enum import StrEnum


class Command(StrEnum):
    INQUIRY = "/inquiry"
    DIGEST = "/digest"
    CHARTER = "/charter"


class Shortcut(StrEnum):
    INQUIRY_FROM_MESSAGE = "inquiry-from-message"


class Action(StrEnum):
    ASSIGN_TO_ME = "inquiry-assign-me"
    SET_ETA = "inquiry-set-eta"
    ADD_PROGRESS = "inquiry-add-progress"
    RESOLVE = "inquiry-resolve"
    REOPEN = "inquiry-reopen"
    OPEN_CARD = "inquiry-open-card"
    SNOOZE_30 = "nudge-snooze-30"
    SNOOZE_60 = "nudge-snooze-60"
    SNOOZE_120 = "nudge-snooze-120"
    OUTBOX_RETRY = "outbox-retry"
    OUTBOX_DISCARD = "outbox-discard"


class View(StrEnum):
    NEW_INQUIRY = "inquiry-new-modal"
    REPORT = "inquiry-report-modal"
    ETA = "inquiry-eta-modal"
    PROGRESS = "inquiry-progress-modal"
    RESOLVE = "inquiry-resolve-modal"
    REOPEN = "inquiry-reopen-modal"


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
    CARD_ACTIONS = "inquiry-card-actions"


class Event(StrEnum):
    MESSAGE = "message"
    REACTION_ADDED = "reaction_added"
    APP_HOME_OPENED = "app_home_opened"


TICKET_REACTION = "ticket"
