"""Request and response bodies of the HTTP API (not the database tables)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from moderation.api import examples
from moderation.domain import Action, Label


class PostIn(BaseModel):
    """A blog post: under a comment in the webhook, or registered with ``PUT /v1/sites/{site}/posts/{id}``."""

    model_config = ConfigDict(
        extra="ignore", json_schema_extra={"examples": [{k: v for k, v in examples.POST.items() if k != "id"}]}
    )
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
            "examples": [examples.COMMENT]
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

    model_config = ConfigDict(json_schema_extra={"examples": [examples.DECISION]})

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
    model_config = ConfigDict(json_schema_extra={"examples": [examples.QUEUE_ITEM]})
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
    model_config = ConfigDict(json_schema_extra={"examples": [{"data": [examples.QUEUE_ITEM], "count": 1}]})
    data: list[QueueItemOut]
    count: int


class DecisionIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"action": "remove", "label": "spam", "note": "rabattkoder är reklam"}]}
    )
    action: Action
    label: Label
    note: str = Field(default="", max_length=2000)


class RestoreIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"note": "Karin frågar på riktigt, inte reklam"}]})
    note: str = Field(default="", max_length=2000)


class FeedbackIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"site": "anamma", "label": "spam", "note": "länkspam som slank igenom"}]}
    )
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
    model_config = ConfigDict(json_schema_extra={"examples": [examples.DECIDED_ITEM | {"history": examples.HISTORY}]})
    history: list[HistoryEntry]


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody


class ThresholdsOfTask(BaseModel):
    """Scores at or above ``queue_at`` go to the queue, at or above ``remove_at`` are removed."""

    model_config = ConfigDict(extra="forbid")
    # Absent means unchanged; an explicit null is refused (the default is not validated, null is).
    queue_at: float = Field(default=None, ge=0, le=1)
    remove_at: float = Field(default=None, ge=0, le=1)


class Thresholds(BaseModel):
    model_config = ConfigDict(extra="forbid")
    spam: ThresholdsOfTask = Field(default=None)
    off_topic: ThresholdsOfTask = Field(default=None)


class SiteSettings(BaseModel):
    """A site's settings as sent by an admin; only the fields present are set."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(default=None, min_length=1, max_length=200)
    url: str = Field(default=None, max_length=500)
    languages: list[str] = Field(default=None, min_length=1, max_length=20)
    topic: str = Field(default=None, max_length=5000)
    note_language: str = Field(default=None, min_length=2, max_length=10)
    shadow_mode: bool = Field(default=None)
    callback_url: str = Field(default=None, max_length=500)
    thresholds: Thresholds = Field(default=None)
    rules: dict[str, Any] = Field(default=None)

    def values(self) -> dict[str, Any]:
        """The fields sent, flattened to the domain's names (``spam_queue_at``, ...)."""
        values = self.model_dump(exclude_unset=True, exclude={"id"})
        for task, pair in (values.pop("thresholds", None) or {}).items():
            values |= {f"{task}_{key}": value for key, value in (pair or {}).items()}
        return values


class SitePatch(SiteSettings):
    """``PATCH /v1/sites/{id}``: the settings to change; the others stay as they are."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"thresholds": {"spam": {"remove_at": 0.97}}, "rules": {"blocked_words": ["kasino"], "link_limit": 3}},
                {"shadow_mode": True},
            ]
        },
    )


class SiteIn(SiteSettings):
    """``POST /v1/sites``: a new site. ``note_language`` defaults to the first of ``languages``."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"id": "anamma", "name": "Anamma", "languages": ["sv"], "url": "https://anamma.se",
                 "topic": "Bloggen handlar om sociala medier, marknadsföring och kommunikation för företag."}
            ]
        },
    )  # fmt: skip
    id: str = Field(min_length=1, max_length=100)
    name: str = Field(min_length=1, max_length=200)
    languages: list[str] = Field(min_length=1, max_length=20)

    def values(self) -> dict[str, Any]:
        values = super().values()
        values.pop("name")
        values.setdefault("note_language", self.languages[0])
        return values


class ThresholdPair(BaseModel):
    queue_at: float
    remove_at: float


class ThresholdsOut(BaseModel):
    spam: ThresholdPair
    off_topic: ThresholdPair


class SiteOut(BaseModel):
    """A site as admins and its moderators see it (no secrets)."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.SITE]})
    id: str
    name: str
    url: str
    languages: list[str]
    topic: str
    note_language: str
    shadow_mode: bool
    callback_url: str
    thresholds: ThresholdsOut
    rules: dict[str, Any]
    secret_rotating: bool


class SiteCreatedOut(SiteOut):
    """A new site with its webhook ``secret`` and Akismet ``api_key``, shown this once."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [examples.SITE | {"secret": examples.SECRET, "api_key": examples.API_KEY}]}
    )
    secret: str
    api_key: str


class SitesOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"data": [examples.SITE], "count": 1}]})
    data: list[SiteOut]
    count: int


class SecretOut(BaseModel):
    """The new webhook secret; the previous one stays valid until the next rotation."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"site": "anamma", "secret": examples.SECRET}]})
    site: str
    secret: str


class TokenIn(BaseModel):
    """A token for some of the calling admin's sites."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"role": "moderator", "sites": ["anamma"]}]}
    )
    role: Literal["moderator", "admin"]
    sites: list[str] = Field(min_length=1, max_length=100)


class TokenOut(BaseModel):
    """The bearer token, shown this once (it is stored hashed)."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"id": 7, "role": "moderator", "sites": ["anamma"], "token": examples.TOKEN}]}
    )
    id: int
    role: str
    sites: list[str]
    token: str
