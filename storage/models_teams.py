"""The Teams conversation-reference table.

Kept out of storage/models.py only while the platform-seam branch rewrites that module (to
avoid a merge conflict): it belongs there and moves at merge. storage/__init__.py imports it
so `SQLModel.metadata` always holds it, as it does every table of storage/models.py.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models import _dt


class TeamsConversation(SQLModel, table=True):
    """Where the bot can post proactively in Teams: one row per conversation.

    Saved when the app is installed for a person or a team (conversationUpdate /
    installationUpdate) or first addressed. Teams ids are long (a personal chat's id runs to
    well over 100 characters), hence the wide columns.
    """

    __tablename__ = "teams_conversations"
    id: int | None = Field(default=None, primary_key=True)
    conversation_id: str = Field(sa_column=sa.Column(sa.String(512), nullable=False, unique=True))
    kind: str = Field(max_length=20)  # personal | channel | groupChat
    service_url: str = Field(max_length=500)
    tenant_id: str = Field(default="", max_length=64)
    bot_id: str = Field(default="", max_length=255)
    user_id: str = Field(default="", max_length=255, index=True)  # personal: the person
    aad_object_id: str = Field(default="", max_length=64, index=True)
    team_id: str = Field(default="", max_length=255, index=True)
    channel_id: str = Field(default="", max_length=255)
    locale: str = Field(default="", max_length=16)
    reference: str = Field(sa_column=sa.Column(sa.Text, nullable=False))  # JSON
    created_at: datetime = _dt()
    updated_at: datetime = _dt()
