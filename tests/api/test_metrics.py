"""Prometheus metrics, and shedding load past the in-flight bound (over real HTTP)."""

from __future__ import annotations

import json
import socket
import time

import httpx
import pytest

from moderation.api.app import create_app
from moderation.config import Settings
from moderation.secrets import sign
from moderation.sites import create_site
from moderation.store.database import transaction
from tests.api.conftest import SECRET_KEY, comment, live


def test_metrics_count_requests_decisions_and_name_the_model(service):
    service.signed(comment("m1", "Spela på vårt kasino!"))
    text = service.client.get("/metrics").text
    assert 'moderation_requests_total{method="POST",route="/v1/comments",status="200"}' in text
    assert 'moderation_decisions_total{action="remove"}' in text
    assert f'moderation_model_info{{version="{service.app.state.models.scorer().version}"}} 1.0' in text
    assert "moderation_request_seconds_bucket" in text


@pytest.fixture
def live_server(tmp_path, models_dir):
    settings = Settings(
        database_url=f"sqlite:///{tmp_path}/m.db", models_dir=models_dir, secret_key=SECRET_KEY,
        max_in_flight=1, callback_interval_s=0,
    )  # fmt: skip
    app = create_app(settings)
    with transaction(app.state.sessions) as session:
        secret = create_site(session, SECRET_KEY, "blog", "Blog", languages=["sv"])["secret"]
    with live(app) as url:
        yield url.port, secret
    app.state.engine.dispose()


def test_webhooks_past_the_in_flight_bound_get_503_with_retry_after(live_server):
    port, secret = live_server
    body = json.dumps(comment("slow", "Hej")).encode()
    signature = sign(secret, int(time.time()), body)
    head = (
        f"POST /v1/comments HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"X-Moderation-Signature: {signature}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port)) as slow:
        slow.sendall(head + body[:10])  # holds the only slot while its body trickles in
        time.sleep(0.3)
        other = json.dumps(comment("fast", "Hej")).encode()
        shed = httpx.post(
            f"http://127.0.0.1:{port}/v1/comments", content=other,
            headers={"Content-Type": "application/json", "X-Moderation-Signature": sign(secret, int(time.time()), other)},
        )  # fmt: skip
        assert shed.status_code == 503
        assert shed.headers["Retry-After"] == "1" and shed.json()["error"]["code"] == "overloaded"
        slow.sendall(body[10:])
        assert b"200 OK" in slow.recv(65536)
    again = httpx.post(
        f"http://127.0.0.1:{port}/v1/comments", content=other,
        headers={"Content-Type": "application/json", "X-Moderation-Signature": sign(secret, int(time.time()), other)},
    )  # fmt: skip
    assert again.status_code == 200
