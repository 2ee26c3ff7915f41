"""What a callback offer, a handoff card and the callback answers say, line by line, as
catalogue keys and parameters (neutral): each platform renders the lines in its markup and
adds its buttons. A parameter given as `Word(key)` is itself a catalogue word (a state, an
event kind) the adapter translates first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.i18n import Lang, Markup, placeholders, render, template

Line = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class Word:
    """A catalogue word inside a line's parameters (translated by the adapter)."""

    key: str


def _state(view: dict[str, Any]) -> Line:
    return (
        "callback.line.state",
        {"state": Word(f"callback.state.{view['state']}"), **state_params(view)},
    )


def state_params(view: dict[str, Any]) -> dict[str, Any]:
    """The people a state word names."""
    return {
        "claimed_user": view.get("claimed_by") or "",
        "called_user": view.get("called_back_by") or "",
    }


def offer_lines(view: dict[str, Any], why: str, extra: dict[str, Any]) -> list[Line]:
    """A callback offer: why it came to the reader, the caller and what about, the linked
    inquiry's context, and its state now."""
    lines: list[Line] = [
        (
            f"callback.offer.{why}",
            {
                "number": view["number"],
                "owner_user": extra.get("owner") or view["owner"],
                "by_user": extra.get("by") or "",
                "reason": extra.get("reason") or "",
            },
        )
    ]
    return lines + _call_lines(view, lambda inquiry: history_lines(inquiry["history"]))


def history_lines(history: list[dict[str, Any]]) -> list[Line]:
    """An inquiry's history entries (who, what, the note) as lines."""
    return [
        (
            "handoff.history_line",
            {
                "at": e["at"],
                "actor": e["actor"],
                "what": Word(f"event.{e['kind']}"),
                "detail": e.get("detail") or "",
            },
        )
        for e in history
    ]


def message_lines(view: dict[str, Any]) -> list[Line]:
    """What the requester wrote in the inquiry's thread since it was opened: the latest few,
    and how many earlier ones are left out."""
    messages = view.get("messages") or []
    if not messages:
        return []
    lines: list[Line] = [("handoff.messages", {})]
    if view.get("earlier_messages"):
        lines.append(("handoff.messages_earlier", {"count": view["earlier_messages"]}))
    lines += [
        ("handoff.message_line", {"at": m["at"], "text": " / ".join(m["text"].splitlines())})
        for m in messages
    ]
    return lines


def _context_lines(view: dict[str, Any]) -> list[Line]:
    """An inquiry's context on a handoff card: the customer, what was asked, what the
    requester wrote since, everything said so far, the promises in force, the ETA told."""
    lines: list[Line] = [
        (
            "handoff.customer",
            {
                "customer": view.get("customer") or "-",
                "contact": view.get("contact") or "-",
                "requester": view["requester"],
            },
        ),
        ("handoff.asked", {}),
        ("callback.quote", {"text": view.get("detail") or view["title"]}),
        *message_lines(view),
        ("handoff.history", {}),
    ]
    lines += history_lines(view["history"]) or [("handoff.none", {})]
    lines.append(("handoff.promises", {}))
    promises = [
        (
            "handoff.promise_line",
            {"what": Word(f"owed.{p['obligation']}"), "deadline": p["deadline"]},
        )
        for p in view["promises"]
    ]
    lines += promises or [("handoff.none", {})]
    if view.get("eta") and view["eta"] != "-":
        lines.append(("handoff.eta", {"eta": view["eta"]}))
    return lines


def _callback_handoff_lines(view: dict[str, Any]) -> list[Line]:
    """A callback's handoff card (`can't` with a colleague chosen): who handed it over and
    why, the caller and what about, and the linked inquiry's whole context."""
    lines: list[Line] = [
        ("handoff.callback_title", {"number": view["number"], "by_user": view["by"]}),
    ]
    if view.get("reason"):
        lines.append(("handoff.reason", {"reason": view["reason"]}))
    if view.get("from"):
        lines.append(("handoff.from", {"from_user": view["from"]}))
    return lines + _call_lines(view, _context_lines)


def handoff_lines(view: dict[str, Any]) -> list[Line]:
    """A handoff card: who handed it over and why, the customer, what was asked, everything
    said so far, the promises in force, the ETA told (a callback's: see above)."""
    if view.get("callback"):
        return _callback_handoff_lines({**view, **state_params(view)})
    lines: list[Line] = [
        (
            "handoff.title",
            {"number": view["number"], "title": view["title"], "by_user": view["by"]},
        ),
    ]
    if view.get("reason"):
        lines.append(("handoff.reason", {"reason": view["reason"]}))
    if view.get("from"):
        lines.append(("handoff.from", {"from_user": view["from"]}))
    lines += _context_lines(view)
    lines.append(("handoff.footer", {}))
    return lines


def list_lines(rows: list[dict[str, Any]]) -> list[Line]:
    """One line per callback of a list."""
    if not rows:
        return [("callback.list.empty", {})]
    return [
        (
            "callback.list.row",
            {
                "number": r["number"],
                "caller": r["caller"],
                "company": r["company"],
                "phone": r["phone"],
                "topic": r["topic"],
                "owner_user": r["owner"],
                "state": Word(f"callback.state.{r['state']}"),
                **state_params({"claimed_by": r["claimed_by"], "called_back_by": ""}),
            },
        )
        for r in rows
    ]


def step_lines(steps: list[dict[str, Any]]) -> list[Line]:
    """Every step of a callback (who was offered it, who claimed, when called back)."""
    return [
        (
            "callback.step.line",
            {
                "at": s["at"],
                "what": Word(f"callback.step.{s['kind']}"),
                "actor_user": s["actor"],
                "who_user": s["user"],
                "rung": Word(f"callback.rung.{s['rung']}") if s["rung"] else "",
                "note": s["note"],
            },
        )
        for s in steps
    ]


def render_lines(lang: Lang, lines: list[Line], markup: Markup) -> list[str]:
    """The lines in a platform's markup (each `Word` translated with the line's other
    parameters first, kept unescaped inside its line)."""
    out = []
    for key, params in lines:
        plain = {name: value for name, value in params.items() if not isinstance(value, Word)}
        words = {name: value for name, value in params.items() if isinstance(value, Word)}
        # a word that needs no other word first (`owner`), then the ones that name it
        # (`{who_user}님에게 전달 ({rung})`)
        for name, word in sorted(words.items(), key=lambda w: bool(placeholders_of(lang, w[1]))):
            plain[name] = render(lang, word.key, markup, **plain)
        out.append(render(lang, key, markup, **plain).text)
    return out


def placeholders_of(lang: Lang, word: Word) -> set[str]:
    """The placeholders a word's template names."""
    return placeholders(template(lang, word.key))


def _call_lines(
    view: dict[str, Any], context: Callable[[dict[str, Any]], list[Line]]
) -> list[Line]:
    """The caller and what about, who logged the call, the linked inquiry (its `context`
    lines) and the callback's state now: an offer's and a handoff card's common part."""
    lines: list[Line] = []
    for field in ("caller", "company", "phone", "topic"):
        if view.get(field):
            lines.append((f"callback.line.{field}", {field: view[field]}))
    if view.get("urgent"):
        lines.append(("callback.line.urgent", {}))
    lines.append(
        ("callback.logged_line", {"logged_user": view["logged_by"], "at": view["logged_at"]})
    )
    inquiry = view.get("inquiry")
    if inquiry:
        lines.append(
            (
                "callback.inquiry_line",
                {
                    "number": inquiry["number"],
                    "title": inquiry["title"],
                    "status": Word(f"status.{inquiry['status']}"),
                },
            )
        )
        lines += context(inquiry)
    lines.append(_state(view))
    return lines
