"""The Alembic migrations build exactly the schema the table classes describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from moderation.posts import find_post
from moderation.sites import create_site
from moderation.store.database import upgrade
from moderation.store.tables import Base, PostRow
from tests.api.conftest import SECRET_KEY


def test_migrations_match_the_tables(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_posts_stored_before_page_keys_are_found_by_their_page(database_url: str) -> None:
    """Keys stored by revision 0004 dropped the query: after the upgrade, ``?p=12`` and ``?p=13``
    are two posts, each found by its own permalink however it is spelt."""
    engine = create_engine(database_url)
    try:
        upgrade(engine, "0004")
        with Session(engine) as session, session.begin():
            create_site(session, SECRET_KEY, "wp", "Plain permalinks", url="https://wp.example")
            for number in (12, 13):
                url = f"https://wp.example/?p={number}"
                session.add(
                    PostRow(site_id="wp", post_id=f"p{number}", title=f"Post {number}", url=url, url_key="wp.example")
                )
        upgrade(engine)
        with Session(engine) as session:
            keys = sorted(session.scalars(select(PostRow.url_key)))
            found = find_post(session, "wp", "http://www.wp.example/?utm_source=feed&p=13")
    finally:
        engine.dispose()
    assert keys == ["wp.example?p=12", "wp.example?p=13"]
    assert found is not None and found.title == "Post 13"
