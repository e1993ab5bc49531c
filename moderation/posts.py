"""A site's posts: registered with ``PUT /v1/sites/{site}/posts/{post}`` or seen with a webhook
comment, and found again by permalink for protocols that send no post text (Akismet)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from moderation.store.tables import CommentRow, PostRow, utcnow


@dataclass(frozen=True)
class KnownPost:
    """What we know of the post a comment was left on."""

    post_id: str
    title: str
    body: str
    url: str
    tags: tuple[str, ...] = ()


def url_key(url: str) -> str:
    """A URL compared leniently: no scheme, no ``www.``, no query or fragment, no trailing slash,
    host in lower case (``https://www.Blog.example/p/1/`` and ``http://blog.example/p/1`` match)."""
    text = url.strip()
    parts = urlsplit(text if "//" in text else f"//{text}")
    host = (parts.hostname or "").removeprefix("www.")
    port = f":{parts.port}" if parts.port else ""
    return f"{host}{port}{parts.path.rstrip('/')}"


def save_post(
    session: Session, site_id: str, post_id: str, title: str, body: str, url: str, tags: list[str]
) -> tuple[PostRow, bool]:
    """Create or replace a post; returns it and whether it is new. The caller commits."""
    row = session.scalar(select(PostRow).where(PostRow.site_id == site_id, PostRow.post_id == post_id))
    created = row is None
    if row is None:
        row = PostRow(site_id=site_id, post_id=post_id)
        session.add(row)
    row.title, row.body, row.url, row.url_key, row.tags = title, body, url, url_key(url) if url else "", tags
    row.updated_at = utcnow()
    session.flush()
    return row, created


def find_post(session: Session, site_id: str, permalink: str) -> KnownPost | None:
    """The post at ``permalink``: as registered, else as a webhook comment last described it."""
    key = url_key(permalink) if permalink.strip() else ""
    if not key:
        return None
    post = session.scalar(
        select(PostRow).where(PostRow.site_id == site_id, PostRow.url_key == key).order_by(PostRow.updated_at.desc())
    )
    if post is not None:
        return KnownPost(post.post_id, post.title, post.body, post.url, tuple(post.tags))
    # Webhook comments store the URL as sent; try the spellings a lenient match allows.
    spellings = [
        f"{scheme}://{www}{key}{slash}" for scheme in ("https", "http") for www in ("", "www.") for slash in ("", "/")
    ]
    row = session.scalar(
        select(CommentRow)
        .where(CommentRow.site_id == site_id, CommentRow.post_url.in_(spellings))
        .where(or_(CommentRow.post_title != "", CommentRow.post_body != ""))
        .order_by(CommentRow.received_at.desc())
        .limit(1)
    )
    if row is None:
        return None
    return KnownPost(row.post_id, row.post_title, row.post_body, row.post_url, tuple(row.post_tags))
