"""The neutral addresses of the outbox: encoding round trip, and a person's platform by id."""

from __future__ import annotations

import pytest

from bot.ports import (
    Address,
    ToConversation,
    ToPerson,
    ToRole,
    ToThread,
    decode_recipient,
    encode_recipient,
    platform_of_user,
)


@pytest.mark.parametrize(
    ("address", "encoded"),
    [
        (ToPerson("U0STAFF1"), "person:U0STAFF1"),
        (ToPerson("29:1AbC-dEf_gH"), "person:29:1AbC-dEf_gH"),
        (ToRole("triage"), "role:triage"),
        (ToRole("notices"), "role:notices"),
        (ToRole("notices", "C0NOTICES2"), "role:notices:C0NOTICES2"),
        (ToRole("notices", "19:ops@thread.tacv2"), "role:notices:19:ops@thread.tacv2"),
        (ToThread("inquiry", 42), "thread:inquiry:42:source"),
        (ToThread("inquiry", 42, "card"), "thread:inquiry:42:card"),
        (ToConversation("C0NOTICES"), "conversation:C0NOTICES"),
        (
            ToConversation("C0INTAKE", "1700000000.000100"),
            "conversation:C0INTAKE 1700000000.000100",
        ),
        (
            ToConversation("19:abc@thread.tacv2", "1700000000000"),
            "conversation:19:abc@thread.tacv2 1700000000000",
        ),
    ],
)
def test_encode_and_decode(address: Address, encoded: str) -> None:
    assert encode_recipient(address) == encoded
    assert decode_recipient(encoded) == address


@pytest.mark.parametrize(
    "value",
    [
        "",
        "U0STAFF1",
        "person:",
        "role:lobby",
        "role:notices:",
        "role:lobby:C0NOTICES",
        "thread:inquiry:x:source",
        "thread:inquiry:1",
        "x:y",
    ],
)
def test_unreadable_recipients_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="unreadable"):
        decode_recipient(value)


@pytest.mark.parametrize(
    ("user_id", "platform"),
    [
        ("U0STAFF1", "slack"),
        ("W012ABCDEF", "slack"),
        ("29:1AbCdEfGh", "teams"),
        ("8:orgid:00000000-0000-0000-0000-000000000001", "teams"),
        ("00000000-0000-0000-0000-000000000001", "teams"),
        ("C0TRIAGE", None),
        ("u0lower", None),
        ("", None),
    ],
)
def test_platform_of_user(user_id: str, platform: str | None) -> None:
    assert platform_of_user(user_id) == platform
