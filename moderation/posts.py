"""A site's posts: registered with ``PUT /v1/sites/{site}/posts/{post}`` or seen with a webhook
comment, and found again by permalink for protocols that send no post text (Akismet)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from moderation.store.tables import CommentRow, PostRow, utcnow
from moderation.text.page_links import page_key

# Webhook comments looked at, latest first, for a post not registered by permalink.
FALLBACK_CANDIDATES = 200


@dataclass(frozen=True)
class KnownPost:
    """What we know of the post a comment was left on."""

    post_id: str
    title: str
    body: str
    url: str
    tags: tuple[str, ...] = ()


def save_post(
    session: Session, site_id: str, post_id: str, title: str, body: str, url: str, tags: list[str]
) -> tuple[PostRow, bool]:
    """Create or replace a post; returns it and whether it is new. The caller commits."""
    row = session.scalar(select(PostRow).where(PostRow.site_id == site_id, PostRow.post_id == post_id))
    created = row is None
    if row is None:
        row = PostRow(site_id=site_id, post_id=post_id)
        session.add(row)
    row.title, row.body, row.url, row.url_key, row.tags = title, body, url, page_key(url) if url else "", tags
    row.updated_at = utcnow()
    session.flush()
    return row, created


def find_post(session: Session, site_id: str, permalink: str) -> KnownPost | None:
    """The post at ``permalink`` (compared by ``page_key``: scheme, ``www.``, a trailing slash or
    tracking parameters do not matter, ``?p=12`` does): as registered, else as a webhook comment
    last described it."""
    key = page_key(permalink) if permalink.strip() else ""
    if not key:
        return None
    post = session.scalar(
        select(PostRow).where(PostRow.site_id == site_id, PostRow.url_key == key).order_by(PostRow.updated_at.desc())
    )
    if post is not None:
        return KnownPost(post.post_id, post.title, post.body, post.url, tuple(post.tags))
    # Webhook comments store the URL as sent: the latest ones naming the page's host and path
    # (in any case) are candidates, and the first whose URL is the same page is the post.
    host_and_path = key.split("?", 1)[0]
    candidates = session.scalars(
        select(CommentRow)
        .where(CommentRow.site_id == site_id, func.lower(CommentRow.post_url).contains(host_and_path, autoescape=True))
        .where(or_(CommentRow.post_title != "", CommentRow.post_body != ""))
        .order_by(CommentRow.received_at.desc())
        .limit(FALLBACK_CANDIDATES)
    )
    row = next((c for c in candidates if page_key(c.post_url) == key), None)
    if row is None:
        return None
    return KnownPost(row.post_id, row.post_title, row.post_body, row.post_url, tuple(row.post_tags))
