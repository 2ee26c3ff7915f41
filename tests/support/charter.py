"""The SLA windows of the example charter, shared by the domain rule tables."""

from __future__ import annotations

from bot.domain.sla import SlaPolicy

# charterbot.example.toml's [sla]: voc 1 business day, support first response 15 business
# minutes and an ETA within 1 business hour, request review 3 business days, long request 30 days.
SLA_POLICY = SlaPolicy.from_texts(
    voc_review="1bd",
    support_first_response="15bm",
    support_eta="1bh",
    request_review="3bd",
    long_request="30d",
    approaching=0.75,
)
