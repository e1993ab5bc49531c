"""The moderator page served for real: a live server on 127.0.0.1 with a seeded database, and
Debian's Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import csv
import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from playwright.sync_api import expect

from moderation.api.app import create_app
from moderation.config import Settings
from moderation.secrets import sign
from moderation.sites import create_site, create_token
from moderation.store.database import transaction
from tests.api.conftest import database_url, fresh_postgres, service  # noqa: F401  (fixtures for these tests too)
from tests.test_service_cli import free_port

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "ui-test-server-key-0123456789"
CHROMIUM = os.environ.get("MODERATION_TEST_CHROMIUM", "/usr/bin/chromium")
# As root in a sandbox, with no network but loopback: no sandbox, no background connections.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
SCREENSHOTS = os.environ.get("MODERATION_SCREENSHOT_DIR")


@dataclass
class LiveSite:
    """A running service with a site ``blog`` (everything it receives waits for a human), a site
    ``other``, a moderator token for each, and what was sent to it."""

    base: str
    app: Any
    secret: str
    other_secret: str
    token: str
    other_token: str
    sent: dict[str, dict[str, Any]] = field(default_factory=dict)  # platform comment id -> webhook body

    def send(self, body: dict[str, Any], secret: str | None = None) -> dict[str, Any]:
        raw = json.dumps({k: v for k, v in body.items() if not k.startswith("_")}).encode()
        signature = sign(secret or self.secret, int(time.time()), raw)
        headers = {"Content-Type": "application/json", "X-Moderation-Signature": signature}
        response = httpx.post(f"{self.base}/v1/comments", content=raw, headers=headers, timeout=30)
        response.raise_for_status()
        self.sent[body["comment_id"]] = body
        return response.json()

    def api(self, path: str, token: str | None = None) -> Any:
        response = httpx.get(f"{self.base}{path}", headers={"Authorization": f"Bearer {token or self.token}"})
        response.raise_for_status()
        return response.json()


@pytest.fixture
def live(tmp_path: Path, models_dir: Path) -> Iterator[LiveSite]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path}/moderation.db", models_dir=models_dir, secret_key=SECRET_KEY,
        callback_interval_s=0,
    )  # fmt: skip
    app = create_app(settings)
    with transaction(app.state.sessions) as session:
        blog = create_site(
            session, SECRET_KEY, "blog", "Anamma", languages=["sv", "en"], note_language="sv",
            topic="Sociala medier, marknadsföring och kommunikation för företag.",
            spam_queue_at=0.0, off_topic_queue_at=0.0, spam_remove_at=1.0, off_topic_remove_at=1.0,
        )  # fmt: skip
        other = create_site(session, SECRET_KEY, "other", "Garden notes", languages=["en"], topic="Gardening")
        token = create_token(session, "moderator", ["blog"])["token"]
        other_token = create_token(session, "moderator", ["other"])["token"]
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the live server did not start"
    try:
        yield LiveSite(f"http://127.0.0.1:{port}", app, blog["secret"], other["secret"], token, other_token)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.engine.dispose()


def seed_comments(count: int) -> list[dict[str, Any]]:
    """``count`` webhook bodies from the project's own corpus: ham, spam and off-topic comments in
    several languages, interleaved, under the posts they were written for."""
    with (ROOT / "data" / "posts.csv").open(encoding="utf-8") as handle:
        posts = {row["id"]: row for row in csv.DictReader(handle)}
    with (ROOT / "data" / "comments.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_label: dict[str, list[dict[str, str]]] = {}
    for row in rows[::7]:  # a spread over posts and languages
        by_label.setdefault(row["label"], []).append(row)
    mixed = [row for group in zip(*by_label.values(), strict=False) for row in group][:count]
    return [
        {
            "site": "blog", "comment_id": row["id"], "content": row["content"], "created_at": row["created_at"],
            "post": {"id": row["post_id"], "title": posts[row["post_id"]]["title"], "body": posts[row["post_id"]]["body"],
                     "url": f"https://blog.example/{row['post_id']}", "tags": posts[row["post_id"]]["tags"].split(";")},
            "author": {"name": row["author_name"], "email": row["author_email"], "url": row["author_url"],
                       "ip": "203.0.113.9"},
            "_label": row["label"],
        }
        for row in mixed
    ]  # fmt: skip


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        message = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser tests are required under CI: {message}")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(10_000)
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    opened.on("dialog", lambda dialog: (errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    yield opened
    context.close()
    assert errors == [], f"the page raised or opened dialogs: {errors}"


def sign_in(page: Any, live: LiveSite, token: str | None = None) -> None:
    """Sign in as a new user would: the queue sends them to the sign-in form, which has the focus."""
    page.goto(f"{live.base}/ui/queue")
    assert "/ui/login" in page.url
    expect(page.locator("#token")).to_be_focused()  # the form takes the focus by itself
    page.keyboard.type(token or live.token)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live.base}/ui/queue")


def screenshot(page: Any, name: str) -> None:
    """Saved for the README when MODERATION_SCREENSHOT_DIR is set."""
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=False)


def fits_width(page: Any) -> bool:
    """No horizontal scrolling: the layout holds at this width."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))
