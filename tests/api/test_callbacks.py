"""Decisions reach the platform: signed callbacks from a durable outbox, retried with backoff."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
from sqlalchemy import select

from moderation.outbox import deliver_due
from moderation.secrets import verify
from moderation.sites import secret_nonces, update_site, webhook_secrets
from moderation.store.tables import OutboxRow, SiteRow, utcnow
from tests.api.conftest import SECRET_KEY
from tests.api.test_queue import queue_one
from tests.receiver import CallbackReceiver


def decide_one(service, comment_id: str) -> int:
    item_id = queue_one(service, comment_id)
    response = service.client.post(
        f"/v1/queue/{item_id}/decision",
        json={"action": "remove", "label": "spam", "note": "reklam"},
        headers=service.auth(),
    )
    assert response.status_code == 200
    return item_id


def set_callback(service, url: str) -> list[str]:
    with service.sessions() as session:
        site = update_site(session, "blog", callback_url=url)
        return webhook_secrets(SECRET_KEY, site.id, secret_nonces(site))


def outbox(service) -> list[OutboxRow]:
    with service.sessions() as session:
        return list(session.scalars(select(OutboxRow).order_by(OutboxRow.id)))


def test_a_decision_is_called_back_signed_with_the_sites_secret(service):
    with CallbackReceiver() as receiver, httpx.Client() as client:
        secrets = set_callback(service, receiver.url)
        item_id = decide_one(service, "cb1")
        assert deliver_due(service.app.state.sessions, SECRET_KEY, client) == 1
        [(headers, body)] = receiver.delivered
        verify(headers["X-Moderation-Signature"], body, secrets, tolerance_s=300)
        event = json.loads(body)
        assert event == event | {
            "type": "comment.decided", "site": "blog", "comment_id": "cb1", "queue_item_id": item_id,
            "action": "remove", "label": "spam", "note": "reklam",
        }  # fmt: skip
        assert event["decided_by"].startswith("token:")
    assert [e.delivered_at is not None for e in outbox(service)] == [True]


def test_a_failing_platform_is_retried_with_backoff_and_nothing_is_lost(service):
    with CallbackReceiver(fail_first=2) as receiver, httpx.Client() as client:
        set_callback(service, receiver.url)
        decide_one(service, "cb2")
        now = utcnow()
        factory = service.app.state.sessions
        assert deliver_due(factory, SECRET_KEY, client, now) == 0
        [entry] = outbox(service)
        assert (entry.attempts, entry.last_error) == (1, "HTTP 503")
        assert deliver_due(factory, SECRET_KEY, client, now + timedelta(seconds=4)) == 0
        assert len(receiver.received) == 1, "not retried before its backoff"
        assert deliver_due(factory, SECRET_KEY, client, now + timedelta(seconds=6)) == 0
        assert deliver_due(factory, SECRET_KEY, client, now + timedelta(seconds=6 + 9)) == 0
        assert len(receiver.received) == 2, "the second wait is longer (10 s)"
        assert deliver_due(factory, SECRET_KEY, client, now + timedelta(seconds=6 + 11)) == 1
        assert [status for _, _, status in receiver.received] == [503, 503, 200]
    [entry] = outbox(service)
    assert entry.delivered_at is not None and entry.attempts == 3


def test_an_unreachable_platform_keeps_the_callback_until_it_is_back(service):
    with CallbackReceiver() as receiver:
        url = receiver.url
    set_callback(service, url)  # the receiver is closed now: connection refused
    decide_one(service, "cb3")
    with httpx.Client(timeout=2) as client:
        assert deliver_due(service.app.state.sessions, SECRET_KEY, client) == 0
    [entry] = outbox(service)
    assert entry.delivered_at is None and "ConnectError" in entry.last_error


def test_no_callback_without_a_callback_url(service):
    decide_one(service, "cb4")
    assert outbox(service) == []
    with service.sessions() as session:
        assert session.get(SiteRow, "blog").callback_url == ""
