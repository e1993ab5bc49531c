"""How fast a moderator can work the queue in the web page: time from a decision key to the next
comment being ready, in Debian's Chromium driven by Playwright, against a live server on 127.0.0.1.

    python bench/ui.py [--comments 60] [--models-dir models]

Measured in the same run, as the baseline: the same decisions through the page's plain forms with
JavaScript off, where every decision posts and reloads the whole queue page (the way the WordPress
comments screen and other form-based queues work). Needs a current model and /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from common import ROOT
from playwright.sync_api import sync_playwright
from service import free_port

from moderation.api.app import create_app
from moderation.config import Settings
from moderation.secrets import sign
from moderation.sites import create_site, create_token
from moderation.store.database import transaction

SECRET_KEY = "bench-ui-server-key-0123456789"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def serve(database: Path, models_dir: Path, comments: list[dict[str, Any]]) -> tuple[str, str, Any]:
    """A live server whose site queues everything; the comments sent; a moderator token."""
    app = create_app(
        Settings(database_url=f"sqlite:///{database}", models_dir=models_dir, secret_key=SECRET_KEY,
                 callback_interval_s=0)
    )  # fmt: skip
    with transaction(app.state.sessions) as session:
        site = create_site(session, SECRET_KEY, "blog", "Blog", languages=["sv", "en"], spam_queue_at=0.0,
                           off_topic_queue_at=0.0, spam_remove_at=1.0, off_topic_remove_at=1.0)  # fmt: skip
        token = create_token(session, "moderator", ["blog"])["token"]
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    for n, comment in enumerate(comments):
        body = json.dumps({"site": "blog", "comment_id": f"c{n}", **comment}).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Moderation-Signature": sign(site["secret"], int(time.time()), body),
        }
        httpx.post(f"{base}/v1/comments", content=body, headers=headers, timeout=30).raise_for_status()
    return base, token, server


def sign_in(page: Any, base: str, token: str) -> None:
    page.goto(f"{base}/ui/login")
    page.fill("#token", token)
    page.press("#token", "Enter")
    page.wait_for_url(f"{base}/ui/queue")


def with_keyboard(page: Any, count: int) -> list[float]:
    """Seconds from pressing a decision key to the next comment having the focus."""
    times = []
    for _ in range(count):
        remaining = int(page.locator("#count").text_content() or 0)
        start = time.perf_counter()
        page.keyboard.press("a")
        page.wait_for_function(f"document.getElementById('count').textContent === '{remaining - 1}'")
        times.append(time.perf_counter() - start)
    return times


def with_page_reloads(page: Any, count: int) -> list[float]:
    """Seconds from clicking Approve on a plain form to the reloaded queue page being ready."""
    times = []
    for _ in range(count):
        start = time.perf_counter()
        with page.expect_navigation(wait_until="load"):
            page.locator("article.item button.approve").first.click()
        times.append(time.perf_counter() - start)
    return times


def summary(name: str, times: list[float]) -> dict[str, Any]:
    ms = sorted(t * 1000 for t in times)
    return {"what": name, "decisions": len(ms), "median_ms": round(statistics.median(ms), 1),
            "p90_ms": round(ms[int(0.9 * (len(ms) - 1))], 1), "per_minute_bound": round(60000 / statistics.median(ms))}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=60)
    parser.add_argument("--models-dir", type=Path, default=ROOT / "models")
    args = parser.parse_args()
    texts = [
        "Håller med, företagen borde lyssna mer på sina kunder i sociala medier.",
        "Låna 50 000 kr utan UC idag på www.snabblan.example, svar direkt!",
        "Vet någon om tandläkaren på Storgatan tar emot nya patienter?",
        "Great post, check out my channel for more marketing tips http://channel.example",
    ]
    comments = [
        {"content": f"{texts[n % len(texts)]} ({n})", "author": {"name": f"Author {n % 7}"},
         "post": {"title": "Sociala medier = Corporate Responsibility", "body": "Företag borde lyssna på kunder."}}
        for n in range(args.comments)
    ]  # fmt: skip
    results = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for name, javascript, work in (
            ("keyboard, decided in place (this page)", True, with_keyboard),
            ("plain form, page reload per decision (baseline)", False, with_page_reloads),
        ):
            base, token, server = serve(Path(tmp) / f"{javascript}.db", args.models_dir, comments)
            # bypass_csp: the measuring probe is a string evaluated in the page (the page itself never needs it)
            context = browser.new_context(
                java_script_enabled=javascript, bypass_csp=True, viewport={"width": 1280, "height": 900}
            )
            page = context.new_page()
            sign_in(page, base, token)
            work(page, 5)  # warm-up
            waiting = int(page.locator("#count").text_content() or 0)  # spam scored 1.0 was removed, not queued
            results.append(summary(name, work(page, waiting - 1)))
            context.close()
            server.should_exit = True
        browser.close()
    ratio = results[1]["median_ms"] / results[0]["median_ms"]
    print(json.dumps({"results": results, "baseline_over_page": round(ratio, 1)}, indent=2))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
