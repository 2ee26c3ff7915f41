"""A person's App Home as it is now: staff get their role panels and inquiry lists with
buttons; a customer the customer view of their own inquiries (bot.services.dashboard)."""

from __future__ import annotations

from typing import Any

from bot.adapters.slack.blocks.home import HomeList, build_home
from bot.adapters.slack.blocks.inquiry import Viewer, build_customer_home
from bot.deps import Deps
from bot.domain.inquiry import Actor
from bot.services import inquiries as svc
from bot.services.dashboard import Viewer as DashViewer
from bot.services.dashboard import build_panels, roles_of
from bot.services.inquiry_commands import outside_zone


async def home_view(deps: Deps, user_id: str) -> dict[str, Any]:
    """The Home tab view of user_id (what views.publish takes)."""
    lang = await deps.languages.language_of(user_id)
    actor = Actor(user_id=user_id, is_staff=deps.is_staff(user_id))
    async with deps.reads() as session:
        if actor.is_staff:
            panels = await build_panels(session, deps, DashViewer(user_id, roles_of(deps, user_id)))
            lists = []
            for key, rows, total in await svc.home_lists(session, deps, actor):
                links = await svc.card_links(session, rows, "slack")
                data = [svc.describe(r, deps, link=links.get(r.id or 0, "")) for r in rows]
                lists.append(HomeList(key, data, total))
            return build_home(
                lang, lists, Viewer(user_id, actor.is_staff, deps.is_assignable(user_id)), panels
            )
        rows, total = await svc.list_for(session, deps, actor, "mine")
        zone = await outside_zone(deps, user_id)
        views = [svc.describe_for_customer(r, deps, zone=zone) for r in rows]
        return build_customer_home(lang, views, total)
