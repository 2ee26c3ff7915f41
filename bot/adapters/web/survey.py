"""`GET|POST /survey/<token>`: the survey page for people without a chat account.

No login: the signed token (bot.domain.feedback.sign_token, key SURVEY_SECRET) is the only
credential. It names one survey; answering again updates that answer. The page is bilingual
(Korean first), plain accessible HTML (a fieldset of radio buttons, labelled fields), no
scripts. Defences: token shape and length checked before any work; forged, truncated and
expired tokens refused with a page (404 / 410), never a traceback; a CSRF field derived from
the token with the secret (a form posted from elsewhere lacks it) and an Origin check; the
body size limited; the comment length limited; every value HTML-escaped; a strict
Content-Security-Policy, no caching, no referrer to other sites (the token is in the address).
"""

from __future__ import annotations

import hashlib
import hmac
import html
import logging
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiohttp import web

from bot.deps import Deps
from bot.domain.feedback import (
    MAX_COMMENT_CHARS,
    TOKEN_MAX,
    TokenProblem,
    check_rating,
    read_token,
)
from bot.errors import DomainError
from bot.i18n import Lang, render
from bot.i18n.markup import Mention
from bot.services.surveys import answer_survey, find_by_token
from storage.models import Survey

log = logging.getLogger("charterbot.survey")
MAX_BODY = 16 * 1024  # bytes of a posted form (a 2000-character Korean comment is ~6 KB)
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # the token is in the address: never sent to another site (same-origin keeps the Origin
    # header of the page's own form, which no-referrer would turn into `null`)
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class HtmlMarkup:
    """The neutral catalogue markup as HTML (people and channels as escaped text)."""

    def literal(self, text: str) -> str:
        return html.escape(text, quote=False).replace("\n", "<br>")

    def escape(self, text: str) -> str:
        return html.escape(text)

    def bold(self, inner: str) -> str:
        return f"<strong>{inner}</strong>"

    def code(self, inner: str) -> str:
        return f"<code>{inner}</code>"

    def person(self, user_id: str) -> tuple[str, Mention | None]:
        return html.escape(user_id), None

    def channel(self, channel_id: str) -> str:
        return html.escape(channel_id)

    def link(self, url: str, label: str) -> str:
        return html.escape(label)


HTML = HtmlMarkup()


def h(lang: Lang, key: str, **params: Any) -> str:
    """A catalogue text as HTML (parameters escaped)."""
    return render(lang, key, HTML, **params).text


def csrf_of(secret: str, token: str) -> str:
    """The form's CSRF value: bound to this token by the server's secret."""
    return hmac.new(secret.encode(), f"csrf:{token}".encode(), hashlib.sha256).hexdigest()


def _page(body_ko: str, body_en: str, *, status: int = 200) -> web.Response:
    title = f"{h('ko', 'survey.page.title')} · {h('en', 'survey.page.title')}"
    doc = f"""<!doctype html>
<html lang="ko">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}}
fieldset{{border:1px solid #888;padding:.5rem 1rem}}label{{display:block;margin:.3rem 0}}
textarea{{width:100%;min-height:6rem}}button{{font-size:1rem;padding:.4rem 1.2rem;margin-top:.8rem}}
.msg{{padding:.5rem 1rem;border-left:4px solid #2a6}}</style></head>
<body><main>
<h1>{title}</h1>
{body_ko}
<section lang="en">{body_en}</section>
</main></body></html>"""
    return web.Response(
        text=doc, status=status, content_type="text/html", charset="utf-8", headers=HEADERS
    )


def _message(key: str, status: int, **params: Any) -> web.Response:
    return _page(
        f'<p class="msg" role="status">{h("ko", key, **params)}</p>',
        f'<p class="msg" role="status">{h("en", key, **params)}</p>',
        status=status,
    )


def _refusal(problem: TokenProblem) -> web.Response:
    if problem == TokenProblem.EXPIRED:
        return _message("survey.page.expired", 410)
    return _message("survey.page.invalid", 404)


def _form(
    deps: Deps, token: str, survey: Survey, *, note: str = "", status: int = 200
) -> web.Response:
    csrf = csrf_of(deps.env.SURVEY_SECRET, token)
    number = survey.inquiry_number
    radios = "".join(
        f'<label><input type="radio" name="rating" value="{r}" required'
        f"{' checked' if survey.rating == r else ''}> "
        f"{h('ko', f'survey.rating_{r}')} / {h('en', f'survey.rating_{r}')}</label>"
        for r in range(1, 6)
    )
    current = ""
    if survey.rating is not None:
        current = (
            f'<p class="msg" role="status">{h("ko", "survey.page.current", rating=survey.rating)}'
            f" · {h('en', 'survey.page.current', rating=survey.rating)}</p>"
        )
    form = f"""<form method="post" action="/survey/{html.escape(token)}">
<input type="hidden" name="csrf" value="{csrf}">
<fieldset><legend>{h("ko", "survey.page.rating")} / {h("en", "survey.page.rating")}</legend>
{radios}</fieldset>
<label for="comment">{h("ko", "survey.page.comment")} / {h("en", "survey.page.comment")}</label>
<textarea id="comment" name="comment" maxlength="{MAX_COMMENT_CHARS}">{html.escape(survey.comment)}</textarea>
<button type="submit">{h("ko", "survey.page.submit")} / {h("en", "survey.page.submit")}</button>
</form>"""
    body_ko = f"{note}{current}<p>{h('ko', 'survey.page.intro', number=number)}</p>{form}"
    body_en = f"<p>{h('en', 'survey.page.intro', number=number)}</p>"
    return _page(body_ko, body_en, status=status)


def _token(request: web.Request) -> str | None:
    token = request.match_info.get("token", "")
    return token if 0 < len(token) <= TOKEN_MAX else None


def _same_origin(request: web.Request) -> bool:
    """A browser's Origin, when it names one, must be this server (`null` and none are left
    to the CSRF field: privacy settings send them for the page's own form too)."""
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return True
    return urlsplit(origin).netloc == request.host


def add_survey_routes(app: web.Application, deps: Deps) -> None:
    """Add GET and POST /survey/<token> (other methods get 405 from aiohttp)."""

    async def show(request: web.Request) -> web.Response:
        token = _token(request)
        if token is None:
            return _refusal(TokenProblem.MALFORMED)
        async with deps.reads() as session:
            found = await find_by_token(session, deps, token)
        if isinstance(found, TokenProblem):
            return _refusal(found)
        return _form(deps, token, found)

    async def answer(request: web.Request) -> web.Response:
        token = _token(request)
        if token is None:
            return _refusal(TokenProblem.MALFORMED)
        checked = read_token(deps.env.SURVEY_SECRET, token, deps.clock.now())
        if isinstance(checked, TokenProblem):
            return _refusal(checked)  # no storage touched for a token we did not sign
        if request.content_length is not None and request.content_length > MAX_BODY:
            return _message("survey.page.too_large", 413)
        raw = await request.content.read(MAX_BODY + 1)
        if len(raw) > MAX_BODY:
            return _message("survey.page.too_large", 413)
        if request.content_type != "application/x-www-form-urlencoded":
            return _message("survey.page.bad_form", 415)
        try:
            fields = parse_qs(raw.decode("utf-8"), max_num_fields=10)
        except (UnicodeDecodeError, ValueError):
            return _message("survey.page.bad_form", 400)
        csrf = (fields.get("csrf") or [""])[0]
        if not _same_origin(request) or not hmac.compare_digest(
            csrf, csrf_of(deps.env.SURVEY_SECRET, token)
        ):
            return _message("survey.page.stale", 403)
        rating = check_rating((fields.get("rating") or [""])[0])
        comment = (fields.get("comment") or [""])[0]
        if len(comment) > MAX_COMMENT_CHARS:
            return _message("survey.page.too_large", 413)
        async with deps.sessions.begin() as session:
            found = await find_by_token(session, deps, token, lock=True)
            if isinstance(found, TokenProblem):
                return _refusal(found)
            if rating is None:
                return _form(
                    deps,
                    token,
                    found,
                    status=400,
                    note=(
                        f'<p class="msg" role="alert">{h("ko", "survey.page.bad_form")} · '
                        f"{h('en', 'survey.page.bad_form')}</p>"
                    ),
                )
            assert found.id is not None
            try:
                await answer_survey(
                    session,
                    deps,
                    found.id,
                    user_id=None,
                    rating=rating,
                    comment=comment,
                    via="link",
                )
            except DomainError as exc:
                log.info("survey link answer refused: %s", exc.key)
                return _message("survey.page.expired", 410)
        deps.outbox.kick()
        async with deps.reads() as session:
            again = await find_by_token(session, deps, token)
        if isinstance(again, TokenProblem):
            return _refusal(again)
        thanks = (
            f'<p class="msg" role="status">{h("ko", "survey.page.thanks")} · '
            f"{h('en', 'survey.page.thanks')}</p>"
        )
        return _form(deps, token, again, note=thanks)

    app.router.add_get("/survey/{token}", show)
    app.router.add_post("/survey/{token}", answer)
