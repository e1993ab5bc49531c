"""Request and response bodies of the HTTP API (not the database tables)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from moderation.domain import Action, Label


class PostIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str = Field(default="", max_length=200)
    title: str = Field(default="", max_length=2000)
    body: str = Field(default="", max_length=200_000)
    url: str = Field(default="", max_length=1000)
    tags: list[str] = Field(default_factory=list, max_length=100)


class AuthorIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str = Field(default="", max_length=500)
    email: str = Field(default="", max_length=500)
    url: str = Field(default="", max_length=1000)
    ip: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=1000)


class CommentIn(BaseModel):
    """The webhook body: one new or edited comment."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "site": "anamma",
                    "comment_id": "c-1042",
                    "post": {"id": "p-7", "title": "Sociala medier = Corporate Responsibility", "body": "…",
                             "url": "https://anamma.se/2008/12/sociala-medier", "tags": ["sociala medier"]},
                    "author": {"name": "Karin", "email": "karin@example.com", "url": "", "ip": "203.0.113.7",
                               "user_agent": "Mozilla/5.0"},
                    "content": "Vet någon om tandläkaren på Storgatan tar emot nya patienter?",
                    "created_at": "2026-11-28T10:15:00Z",
                }
            ]
        },
    )  # fmt: skip
    site: str = Field(min_length=1, max_length=100)
    comment_id: str = Field(min_length=1, max_length=200)
    post: PostIn = Field(default_factory=PostIn)
    author: AuthorIn = Field(default_factory=AuthorIn)
    content: str = Field(min_length=1)
    created_at: datetime | None = None
    parent_id: str | None = Field(default=None, max_length=200)
    edited: bool = False


class ReasonOut(BaseModel):
    code: str
    text: str
    weight: float
    task: str = "spam"


class ScoresOut(BaseModel):
    spam: float
    off_topic: float


class DecisionOut(BaseModel):
    """The webhook answer."""

    comment_id: str
    site: str
    action: Action
    scores: ScoresOut
    language: str
    reasons: list[ReasonOut]
    note: str
    model_version: str
    queue_item_id: int | None


class AuthorHistory(BaseModel):
    approved: int
    removed: int


class QueueItemOut(BaseModel):
    id: int
    site: str
    comment_id: str
    status: str
    action: Action
    label: Label | None
    content: str
    post: dict[str, Any]
    author: dict[str, Any]
    author_history: AuthorHistory | None = None
    language: str
    scores: ScoresOut
    reasons: list[ReasonOut]
    spans: list[dict[str, Any]]
    note: str
    causes: list[str]
    received_at: datetime
    model_version: str
    revision: int


class QueueOut(BaseModel):
    data: list[QueueItemOut]
    count: int


class DecisionIn(BaseModel):
    action: Action
    label: Label
    note: str = Field(default="", max_length=2000)


class RestoreIn(BaseModel):
    note: str = Field(default="", max_length=2000)


class FeedbackIn(BaseModel):
    site: str
    label: Label
    note: str = Field(default="", max_length=2000)


class HistoryEntry(BaseModel):
    actor: str
    action: str
    label: str | None
    note: str
    spam: float | None
    off_topic: float | None
    model_version: str
    at: datetime


class CommentDetailOut(QueueItemOut):
    history: list[HistoryEntry]


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody
