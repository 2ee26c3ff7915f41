"""Inquiry use cases: open, assign, ETA, progress, milestone, hold, resume, resolve, reopen.

A package by concern; every public name is re-exported here, so callers import
`bot.services.inquiries` as one module:
- opening: drafting and opening an inquiry (Draft, Opened, title_from_text, open_inquiry);
- lifecycle: the actions on an open or resolved inquiry, and the first response;
- access: who may see and act on which inquiry (find_*, load_for, refuse_customer, ...);
- reading: lists, Home, staff and customer views, display strings (describe, span, ...);
- changes: what every change does (history entry, deadline, card update, notes to people).
"""

from bot.services.formatting import fmt_time
from bot.services.inquiries.access import (
    assignable_refusal,
    check_assignable,
    find_inquiry,
    find_visible,
    load_for,
    refuse_customer,
)
from bot.services.inquiries.lifecycle import (
    add_field_visit_result,
    add_milestone,
    add_progress,
    assign_inquiry,
    hold_inquiry,
    record_first_response,
    record_requester_message,
    reopen_inquiry,
    resolve_eta,
    resolve_inquiry,
    resume_inquiry,
    set_eta,
)
from bot.services.inquiries.opening import (
    MAX_DETAIL,
    MAX_TITLE,
    TITLE_SUMMARY,
    Draft,
    Opened,
    open_inquiry,
    title_from_text,
)
from bot.services.inquiries.reading import (
    DOUBLE_CLICK,
    PUBLIC_EVENTS,
    CustomerUpdate,
    CustomerView,
    StaffView,
    card_links,
    card_of,
    describe,
    describe_for_customer,
    describe_with_history,
    home_lists,
    just_taken,
    list_for,
    show_inquiry,
    span,
)

__all__ = [
    "DOUBLE_CLICK",
    "MAX_DETAIL",
    "MAX_TITLE",
    "PUBLIC_EVENTS",
    "TITLE_SUMMARY",
    "CustomerUpdate",
    "CustomerView",
    "Draft",
    "Opened",
    "StaffView",
    "add_field_visit_result",
    "add_milestone",
    "add_progress",
    "assign_inquiry",
    "assignable_refusal",
    "card_links",
    "card_of",
    "check_assignable",
    "describe",
    "describe_for_customer",
    "describe_with_history",
    "find_inquiry",
    "find_visible",
    "fmt_time",
    "hold_inquiry",
    "home_lists",
    "just_taken",
    "list_for",
    "load_for",
    "open_inquiry",
    "record_first_response",
    "record_requester_message",
    "refuse_customer",
    "reopen_inquiry",
    "resolve_eta",
    "resolve_inquiry",
    "resume_inquiry",
    "set_eta",
    "show_inquiry",
    "span",
    "title_from_text",
]
