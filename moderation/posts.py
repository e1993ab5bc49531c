"""A site's posts: registered with ``PUT /v1/sites/{site}/posts/{post}`` or seen with a webhook
comment, and found again by permalink for protocols that send no post text (Akismet)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from moderation.store.tables import CommentRow, PostRow, utcnow
from moderation.text.page_links import page_key, page_path, split_address

# Webhook comments looked at, latest first, for a post not registered by permalink.
FALLBACK_CANDIDATES = 200
KEY_CHARS = 1000  # the length of the ``posts.url_key`` column


@dataclass(frozen=True)
class KnownPost:
    """What we know of the post a comment was left on."""

    post_id: str
    title: str
    body: str
    url: str
    tags: tuple[str, ...] = ()


def post_key(url: str) -> str:
    """The key a post is stored and found under: ``page_key`` of its URL; one longer than the
    column (parameters are percent-encoded again, so ``ä`` takes six characters) ends in a digest
    of the whole instead."""
    return _stored(page_key(url))


def _stored(key: str) -> str:
    """``key`` as the column holds it (see ``post_key``)."""
    if len(key) <= KEY_CHARS:
        return key
    return f"{key[: KEY_CHARS - 65]}#{hashlib.sha256(key.encode()).hexdigest()}"


def save_post(
    session: Session, site_id: str, post_id: str, title: str, body: str, url: str, tags: list[str]
) -> tuple[PostRow, bool]:
    """Create or replace a post; returns it and whether it is new. The caller commits."""
    row = session.scalar(select(PostRow).where(PostRow.site_id == site_id, PostRow.post_id == post_id))
    created = row is None
    if row is None:
        row = PostRow(site_id=site_id, post_id=post_id)
        session.add(row)
    row.title, row.body, row.url, row.url_key, row.tags = title, body, url, post_key(url), tags
    row.updated_at = utcnow()
    session.flush()
    return row, created


def find_post(session: Session, site_id: str, permalink: str) -> KnownPost | None:
    """The post at ``permalink`` (compared by ``page_key``: scheme, ``www.``, a trailing slash or
    tracking parameters do not matter, ``?p=12`` does): as registered, else as a webhook comment
    last described it."""
    page = page_key(permalink)
    if not page:
        return None
    post = session.scalar(
        select(PostRow)
        .where(PostRow.site_id == site_id, PostRow.url_key == _stored(page))
        .order_by(PostRow.updated_at.desc())
    )
    if post is not None:
        return KnownPost(post.post_id, post.title, post.body, post.url, tuple(post.tags))
    # Webhook comments store the URL as sent: the latest ones naming the page's host and path are
    # candidates, in lower case or as the permalink spells its path (SQLite lowers ASCII letters
    # only), and the first whose URL is the same page is the post.
    spellings = [func.lower(CommentRow.post_url).contains(page_path(page), autoescape=True)]
    spelt_path = _path(permalink)
    if spelt_path:
        spellings.append(CommentRow.post_url.contains(spelt_path, autoescape=True))
    candidates = session.scalars(
        select(CommentRow)
        .where(CommentRow.site_id == site_id, or_(*spellings))
        .where(or_(CommentRow.post_title != "", CommentRow.post_body != ""))
        .order_by(CommentRow.received_at.desc())
        .limit(FALLBACK_CANDIDATES)
    )
    row = next((c for c in candidates if page_key(c.post_url) == page), None)
    if row is None:
        return None
    return KnownPost(row.post_id, row.post_title, row.post_body, row.post_url, tuple(row.post_tags))


def _path(url: str) -> str:
    """The path of ``url`` as written, without a trailing slash ("" when there is none)."""
    text = url.strip()
    try:
        return split_address(text).path.rstrip("/")
    except ValueError:
        return ""
