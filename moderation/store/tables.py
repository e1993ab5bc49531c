"""The database tables (SQLAlchemy 2). API schemas are other classes (``moderation.api.schemas``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[str]: JSON, list[dict[str, Any]]: JSON}


class SiteRow(Base):
    """A blog: its languages and subject, thresholds, rules, and how to reach it."""

    __tablename__ = "sites"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500), default="")
    languages: Mapped[list[str]] = mapped_column(default=list)
    topic: Mapped[str] = mapped_column(Text, default="")
    note_language: Mapped[str] = mapped_column(String(10), default="en")
    spam_queue_at: Mapped[float] = mapped_column(Float, default=0.5)
    spam_remove_at: Mapped[float] = mapped_column(Float, default=0.95)
    off_topic_queue_at: Mapped[float] = mapped_column(Float, default=0.6)
    off_topic_remove_at: Mapped[float] = mapped_column(Float, default=0.97)
    shadow_mode: Mapped[bool] = mapped_column(Boolean, default=False)
    rules: Mapped[dict[str, Any]] = mapped_column(default=dict)
    callback_url: Mapped[str] = mapped_column(String(500), default="")
    # Webhook secrets are HMACs of these nonces under the server key: nothing secret is stored.
    secret_nonce: Mapped[str] = mapped_column(String(64))
    previous_secret_nonce: Mapped[str | None] = mapped_column(String(64), default=None)
    api_key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TokenRow(Base):
    """A moderator's or admin's API token, stored as its sha256 only."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    sites: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CommentRow(Base):
    """A comment as the platform sent it, with its latest scores and where it stands."""

    __tablename__ = "comments"
    __table_args__ = (UniqueConstraint("site_id", "platform_id", name="uq_comment_platform_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    platform_id: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[str | None] = mapped_column(String(200), default=None)
    post_id: Mapped[str] = mapped_column(String(200), default="")
    post_title: Mapped[str] = mapped_column(Text, default="")
    post_body: Mapped[str] = mapped_column(Text, default="")
    post_url: Mapped[str] = mapped_column(String(1000), default="")
    post_tags: Mapped[list[str]] = mapped_column(default=list)
    author_name: Mapped[str] = mapped_column(String(500), default="")
    author_email: Mapped[str] = mapped_column(String(500), default="")
    author_url: Mapped[str] = mapped_column(String(1000), default="")
    author_ip: Mapped[str] = mapped_column(String(64), default="")
    author_user_agent: Mapped[str] = mapped_column(String(1000), default="")
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    language: Mapped[str] = mapped_column(String(10), default="")
    spam: Mapped[float] = mapped_column(Float, default=0.0)
    off_topic: Mapped[float] = mapped_column(Float, default=0.0)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    spans: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    action: Mapped[str] = mapped_column(String(10))  # what the policy decided: approve|queue|remove
    answered_action: Mapped[str] = mapped_column(String(10))  # what the platform was told
    note: Mapped[str] = mapped_column(Text, default="")
    causes: Mapped[str] = mapped_column(String(300), default="")  # cause codes of the action, space-separated
    status: Mapped[str] = mapped_column(String(10), index=True)  # pending|removed|approved|decided
    label: Mapped[str | None] = mapped_column(String(10), default=None)  # a human's, once decided
    model_version: Mapped[str] = mapped_column(String(100), default="")
    revision: Mapped[int] = mapped_column(Integer, default=1)  # bumped on every change (optimistic lock)


class DecisionRow(Base):
    """Every decision on a comment, automatic or human, kept forever."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    actor: Mapped[str] = mapped_column(String(100))  # "model" or "token:<id>"
    action: Mapped[str] = mapped_column(String(10))
    label: Mapped[str | None] = mapped_column(String(10), default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    spam: Mapped[float | None] = mapped_column(Float, default=None)
    off_topic: Mapped[float | None] = mapped_column(Float, default=None)
    model_version: Mapped[str] = mapped_column(String(100), default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OutboxRow(Base):
    """A callback to a platform, kept until delivered; retried with backoff."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    event: Mapped[dict[str, Any]] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None, index=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class UiSessionRow(Base):
    """A moderator signed in to the web page: the sha256 of the session cookie, the token it was
    exchanged for, the CSRF token its forms carry, and when it ends. Signing out deletes the row."""

    __tablename__ = "ui_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class PostRow(Base):
    """A post as its site last described it (``PUT /v1/sites/{site}/posts/{post}``), so that comments
    arriving without their post's text (the Akismet protocol only sends a permalink) are scored
    against it. ``url_key`` is the permalink as ``page_links.page_key`` reduces it to the page it names."""

    __tablename__ = "posts"
    __table_args__ = (UniqueConstraint("site_id", "post_id", name="uq_post_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    post_id: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(1000), default="")
    url_key: Mapped[str] = mapped_column(String(1000), default="", index=True)
    tags: Mapped[list[str]] = mapped_column(default=list)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
