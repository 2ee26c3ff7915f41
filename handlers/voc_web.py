"""The web voice of customer's HTTP side (C12): `POST /intake/voc` (the website's signed
webhook) and, when `voc.public_form = true`, the built-in form `GET|POST /voc`.

Both end in bot.services.voc.accept_submission. Without VOC_WEBHOOK_SECRET neither route
exists (404). Nothing of a request is used or logged before it is verified: a refusal logs
a fixed reason and the body's length only.

Webhook answers (JSON): 200 `{"inquiry": N, "duplicate": false}` (a resubmission of the same
`id`: the same N, `"duplicate": true`); 400 `{"error": "invalid", "field": "<name>"}` for a
body over 64 KiB (`"field": "body"`), not JSON or breaking the schema; 401
`{"error": "unauthorized"}` for a missing, wrong, stale or replayed signature.

The form: a CSRF token (signed with the secret, valid one hour, one inquiry per token), a
honeypot field people never see, size limits, and a per-IP limit on submissions.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import logging
import secrets
import time
from collections import deque
from typing import Any

from aiohttp import web

from bot.deps import Deps
from bot.domain.voc import (
    FIELDS,
    MAX_BODY,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    Invalid,
    check_signature,
    parse_submission,
    validate,
)
from bot.i18n import template
from bot.services.voc import accept_submission

log = logging.getLogger("charterbot.voc")
FORM_FIELDS = ("name", "contact", "company", "title", "text")
HONEYPOT = "website"
TOKEN_AGE = 3600
RATE_WINDOW = 600.0


def _refuse(
    request: web.Request, length: int, status: int, reason: str, **body: str
) -> web.Response:
    log.warning("refused %s %s length=%d: %s", request.method, request.path, length, reason)
    return web.json_response(body, status=status)


class RateLimit:
    """At most `limit` events per key in a sliding window (per process, in memory)."""

    def __init__(self, limit: int, window: float = RATE_WINDOW) -> None:
        self.limit = limit
        self.window = window
        self._seen: dict[str, deque[float]] = {}

    def admit(self, key: str, now: float) -> bool:
        """Count one event for key; False when it is over the limit."""
        if len(self._seen) > 10000:  # forget idle keys rather than grow without bound
            self._seen = {k: v for k, v in self._seen.items() if v and v[-1] > now - self.window}
        seen = self._seen.setdefault(key, deque())
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        if len(seen) >= self.limit:
            return False
        seen.append(now)
        return True


def csrf_token(secret: str, now: float) -> str:
    """A form token: when it was issued, a nonce, and their HMAC with the secret."""
    stamp, nonce = str(int(now)), secrets.token_hex(12)
    mac = hmac.new(secret.encode(), f"csrf.{stamp}.{nonce}".encode(), hashlib.sha256)
    return f"{stamp}.{nonce}.{mac.hexdigest()}"


def check_csrf(secret: str, token: str, now: float) -> str | None:
    """The nonce of a valid, fresh token; None otherwise."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isascii() or not parts[0].isdigit():
        return None
    stamp, nonce, mac = parts
    expected = hmac.new(secret.encode(), f"csrf.{stamp}.{nonce}".encode(), hashlib.sha256)
    if not hmac.compare_digest(expected.hexdigest(), mac):
        return None
    if not 0 <= now - int(stamp) <= TOKEN_AGE:
        return None
    return nonce


def _both(key: str, **params: str) -> str:
    """A catalogue text in Korean, then English, as escaped HTML."""
    ko = html.escape(template("ko", key).format(**params))
    en = html.escape(template("en", key).format(**params))
    return f'<span lang="ko">{ko}</span> <span lang="en">/ {en}</span>'


def _page(body: str) -> str:
    title = f"{html.escape(template('ko', 'voc.form.title'))} / {html.escape(template('en', 'voc.form.title'))}"
    return (
        '<!doctype html><html lang="ko"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;"
        "padding:0 1rem;line-height:1.5}label{display:block;margin-top:1rem;font-weight:600}"
        "input,textarea{width:100%;padding:.5rem;font:inherit;box-sizing:border-box}"
        "textarea{min-height:10rem}.error{color:#b00020}.hp{position:absolute;left:-10000px;"
        "width:1px;height:1px;overflow:hidden}button{margin-top:1.5rem;padding:.6rem 1.5rem;"
        "font:inherit}</style></head><body><main>"
        f"{body}</main></body></html>"
    )


def render_form(token: str, values: dict[str, str], errors: dict[str, str]) -> str:
    """The form, with the values given and an error under each field that has one."""
    parts = [f"<h1>{_both('voc.form.title')}</h1>", f"<p>{_both('voc.form.intro')}</p>"]
    if errors:
        parts.append(f'<p role="alert" class="error" id="form-error">{_both("voc.form.fix")}</p>')
    parts.append('<form method="post" action="/voc" novalidate>')
    parts.append(f'<input type="hidden" name="csrf" value="{html.escape(token)}">')
    for name in FORM_FIELDS:
        required, limit = FIELDS[name]
        value = html.escape(values.get(name, ""))
        label = _both("voc.form.title_field" if name == "title" else f"voc.form.{name}")
        if not required:
            label += f" <small>{_both('voc.form.optional')}</small>"
        attrs = f'id="{name}" name="{name}" maxlength="{limit}"'
        if required:
            attrs += ' required aria-required="true"'
        described = ""
        if name in errors:
            attrs += f' aria-invalid="true" aria-describedby="{name}-error"'
            described = f'<p class="error" id="{name}-error">{errors[name]}</p>'
        if name == "text":
            control = f"<textarea {attrs}>{value}</textarea>"
        else:
            kind = "text"
            control = f'<input type="{kind}" {attrs} value="{value}">'
        parts.append(f'<label for="{name}">{label}</label>{control}{described}')
    # people never see or reach this field; a bot filling every field fills it too
    parts.append(
        f'<div class="hp" aria-hidden="true"><label for="{HONEYPOT}">Website</label>'
        f'<input type="text" id="{HONEYPOT}" name="{HONEYPOT}" tabindex="-1" autocomplete="off">'
        "</div>"
    )
    parts.append(f'<button type="submit">{_both("voc.form.submit")}</button></form>')
    return _page("".join(parts))


def render_done(number: int | None) -> str:
    """The page after a submission."""
    text = _both("voc.form.done", number=str(number or "-"))
    return _page(f'<h1>{_both("voc.form.title")}</h1><p role="status">{text}</p>')


def add_voc_routes(app: web.Application, deps: Deps) -> None:
    """Add `POST /intake/voc` (and the public form) when VOC_WEBHOOK_SECRET is set."""
    secret = deps.env.VOC_WEBHOOK_SECRET
    if not secret:
        return
    limiter = RateLimit(deps.config.voc.form_rate_limit)

    async def intake(request: web.Request) -> web.Response:
        if request.content_length is not None and request.content_length > MAX_BODY:
            return _refuse(
                request, request.content_length, 400, "too large", error="invalid", field="body"
            )
        raw = await request.content.read(MAX_BODY + 1)
        if len(raw) > MAX_BODY:
            return _refuse(request, len(raw), 400, "too large", error="invalid", field="body")
        reason = check_signature(
            secret,
            raw,
            request.headers.getall(TIMESTAMP_HEADER, []),
            request.headers.getall(SIGNATURE_HEADER, []),
            now=time.time(),
        )
        if reason is not None:
            return _refuse(request, len(raw), 401, reason, error="unauthorized")
        try:
            submission = parse_submission(raw)
        except Invalid as exc:
            return _refuse(
                request,
                len(raw),
                400,
                "invalid submission",
                error="invalid",
                field=exc.field or "body",
                problem=exc.problem,
            )
        async with deps.sessions.begin() as session:
            accepted = await accept_submission(
                session, deps, submission, signature=request.headers[SIGNATURE_HEADER]
            )
        if accepted.outcome == "replayed":
            return _refuse(request, len(raw), 401, "replayed signature", error="unauthorized")
        deps.outbox.kick()
        return web.json_response(
            {"inquiry": accepted.number, "duplicate": accepted.outcome == "duplicate"}
        )

    app.router.add_post("/intake/voc", intake)
    if not deps.config.voc.public_form:
        return

    async def form(request: web.Request) -> web.Response:
        return _html(render_form(csrf_token(secret, time.time()), {}, {}))

    async def submit(request: web.Request) -> web.Response:
        now = time.time()
        if request.content_length is not None and request.content_length > MAX_BODY:
            return _html(
                render_form(csrf_token(secret, now), {}, {"text": _both("voc.form.too_long")}), 400
            )
        try:
            data = await request.post()
        except ValueError:
            return _html(render_form(csrf_token(secret, now), {}, {}), 400)
        values = {name: str(data.get(name, ""))[:10000] for name in FORM_FIELDS}
        nonce = check_csrf(secret, str(data.get("csrf", "")), now)
        if nonce is None:
            return _html(
                render_form(csrf_token(secret, now), values, {"text": _both("voc.form.expired")}),
                403,
            )
        if data.get(HONEYPOT):
            log.info("public VOC form: honeypot filled, dropped")
            return _html(render_done(None))
        if not limiter.admit(request.remote or "-", time.monotonic()):
            return _html(
                render_form(csrf_token(secret, now), values, {"text": _both("voc.form.rate")}), 429
            )
        errors: dict[str, str] = {}
        for name in FORM_FIELDS:
            required, limit = FIELDS[name]
            if required and not values[name].strip():
                errors[name] = _both("voc.form.required")
            elif len(values[name]) > limit:
                errors[name] = _both("voc.form.too_long")
        if errors:
            return _html(render_form(csrf_token(secret, now), values, errors), 400)
        payload: dict[str, Any] = {k: v for k, v in values.items() if v.strip()}
        payload["id"] = f"form:{nonce}"
        try:
            submission = validate(payload)
        except Invalid as exc:
            bad = {exc.field or "text": _both("voc.form.required")}
            return _html(render_form(csrf_token(secret, now), values, bad), 400)
        async with deps.sessions.begin() as session:
            accepted = await accept_submission(session, deps, submission, signature="")
        deps.outbox.kick()
        return _html(render_done(accepted.number))

    app.router.add_get("/voc", form)
    app.router.add_post("/voc", submit)


def _html(text: str, status: int = 200) -> web.Response:
    return web.Response(
        text=text,
        status=status,
        content_type="text/html",
        headers={
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
            "X-Frame-Options": "DENY",
            "Cache-Control": "no-store",
        },
    )
