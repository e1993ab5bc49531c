"""posts' url_key keeps the parameters that name a page (``?p=12``), lower-cased

Revision ID: 0005
Revises: 0004

Keys made by 0004's rule dropped the whole query, so WordPress's plain permalinks ``?p=12`` and
``?p=13`` were one post to the Akismet protocol. Stored keys are made again by the rule the service
now compares permalinks with (``moderation.posts.post_key``).
"""

from collections.abc import Callable
from urllib.parse import urlsplit

import sqlalchemy as sa
from alembic import op

from moderation.posts import post_key

revision = "0005"
down_revision = "0004"

posts = sa.table("posts", sa.column("id", sa.Integer), sa.column("url", sa.String), sa.column("url_key", sa.String))


def _key_of_0004(url: str) -> str:
    """0004's rule, for downgrading: no scheme, ``www.``, query, fragment or trailing slash."""
    text = url.strip()
    parts = urlsplit(text if "//" in text else f"//{text}")
    host = (parts.hostname or "").removeprefix("www.")
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # out of range: no port
        port = ""
    return f"{host}{port}{parts.path.rstrip('/')}"


def _rekey(key_of: Callable[[str], str]) -> None:
    connection = op.get_bind()
    for row_id, url in connection.execute(sa.select(posts.c.id, posts.c.url)).all():
        key = key_of(url) if url.strip() else ""
        connection.execute(posts.update().where(posts.c.id == row_id).values(url_key=key))


def upgrade() -> None:
    _rekey(post_key)


def downgrade() -> None:
    _rekey(_key_of_0004)
