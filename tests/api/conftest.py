"""The service over HTTP (in-process), on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.exc import OperationalError

from moderation.api.app import create_app
from moderation.config import Settings
from moderation.secrets import sign
from moderation.sites import create_site, create_token
from moderation.store.database import transaction
from moderation.store.tables import CommentRow

POSTGRES_URL = os.environ.get("MODERATION_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SECRET_KEY = "test-server-key-0123456789"
T = TypeVar("T")


@pytest.fixture
def fresh_postgres() -> Iterator[str]:
    """A URL whose connections work in a schema of their own (dropped afterwards), so test runs
    sharing the server do not meet."""
    schema = f"test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        admin = create_engine(POSTGRES_URL)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI and unreachable at {POSTGRES_URL}: {exc}")
        pytest.skip(f"no PostgreSQL reachable at {POSTGRES_URL}")
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/moderation.db"
    return request.getfixturevalue("fresh_postgres")


@dataclass
class Service:
    """A running app with one site (``blog``, Swedish) and tokens for it and for another site."""

    client: TestClient
    app: Any
    secret: str
    token: str
    other_token: str

    def signed(self, payload: dict[str, Any], secret: str | None = None, at: int | None = None) -> Any:
        body = json.dumps(payload).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Moderation-Signature": sign(secret or self.secret, at or int(time.time()), body),
        }
        return self.client.post("/v1/comments", content=body, headers=headers)

    def auth(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.token}"}

    def sessions(self) -> Any:
        return transaction(self.app.state.sessions)


@pytest.fixture
def service(database_url: str, models_dir: Path) -> Iterator[Service]:
    settings = Settings(database_url=database_url, models_dir=models_dir, secret_key=SECRET_KEY, callback_interval_s=0)
    app = create_app(settings)
    try:
        with transaction(app.state.sessions) as session:
            site = create_site(
                session, SECRET_KEY, "blog", "Anamma", languages=["sv"], note_language="sv",
                topic="Bloggen handlar om sociala medier, marknadsföring och kommunikation för företag.",
                rules={"blocked_words": ["kasino"], "suspect_words": ["rabattkod"]},
                spam_remove_at=0.999, off_topic_remove_at=0.999,  # removal by rule only, so tests know the action
            )  # fmt: skip
            create_site(session, SECRET_KEY, "other", "Other blog", languages=["en"], topic="Gardening")
            token = create_token(session, "moderator", ["blog"])["token"]
            other = create_token(session, "moderator", ["other"])["token"]
        with TestClient(app) as client:
            yield Service(client, app, site["secret"], token, other)
    finally:
        app.state.engine.dispose()


def comment(comment_id: str, content: str, **extra: Any) -> dict[str, Any]:
    """A webhook body for the ``blog`` site, under the post this project started from."""
    return {
        "site": "blog",
        "comment_id": comment_id,
        "post": {
            "id": "p1", "title": "Sociala medier = Corporate Responsibility", "url": "https://blog.example/p1",
            "body": "Företag borde söka upp missnöjda bloggande kunder i sociala medier, prata med dem och ta "
                    "dem på allvar, och låta de anställda vara delaktiga.",
            "tags": ["sociala medier", "företag"],
        },
        "author": {"name": "Karin", "email": "karin@example.com", "ip": "203.0.113.7"},
        "content": content,
        **extra,
    }  # fmt: skip


@contextmanager
def live(app: Any) -> Iterator[httpx.URL]:
    """``app`` served by uvicorn on a free port of 127.0.0.1 while the block runs."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        yield httpx.URL(f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(10)


def while_writes_wait(app: Any, call: Callable[[httpx.URL], T]) -> tuple[bool, T | None]:
    """``call(url of the app, live)`` run in a thread while another transaction holds the one stored
    comment locked (on PostgreSQL the row, so nothing new may reference it; on SQLite the whole
    database, by writing): whether ``/healthz`` answered while the call was still waiting, and the
    call's result once the lock is let go."""
    results: list[T] = []
    with live(app) as url, app.state.sessions() as holder:
        row = holder.scalars(select(CommentRow).with_for_update()).one()
        holder.execute(update(CommentRow).where(CommentRow.id == row.id).values(content=row.content))
        waiting = threading.Thread(target=lambda: results.append(call(url)))
        try:
            waiting.start()
            time.sleep(0.5)  # it reaches the lock
            healthy = httpx.get(url.join("/healthz"), timeout=2).json() == {"status": "ok"}
            answered_while_waiting = healthy and waiting.is_alive()
        finally:
            holder.rollback()
            waiting.join(10)
    return answered_while_waiting, (results[0] if results else None)
