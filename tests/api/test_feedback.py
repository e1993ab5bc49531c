"""Overturning automatic removals, platform feedback, and per-site figures."""

from __future__ import annotations

import json
import time

import httpx

from moderation.secrets import sign
from tests.api.conftest import comment, while_writes_wait


def removed_one(service, comment_id: str) -> int:
    service.signed(comment(comment_id, "Spela på vårt kasino och vinn!"))
    removed = service.client.get("/v1/queue?status=removed", headers=service.auth()).json()
    return next(item["id"] for item in removed["data"] if item["comment_id"] == comment_id)


def feedback(service, comment_id: str, body: dict, secret: str | None = None, client=None):
    raw = json.dumps(body).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Moderation-Signature": sign(secret or service.secret, int(time.time()), raw),
    }
    return (client or service.client).post(f"/v1/comments/{comment_id}/feedback", content=raw, headers=headers)


def test_a_moderator_overturns_an_automatic_removal_once(service):
    item_id = removed_one(service, "r1")
    restored = service.client.post(f"/v1/comments/{item_id}/restore", json={"note": "ironi"}, headers=service.auth())
    assert restored.status_code == 200
    assert (restored.json()["status"], restored.json()["label"]) == ("decided", "ham")
    again = service.client.post(f"/v1/comments/{item_id}/restore", json={}, headers=service.auth())
    assert again.status_code == 409
    other = service.client.post(f"/v1/comments/{item_id}/restore", json={}, headers=service.auth(service.other_token))
    assert other.status_code == 404


def test_platform_feedback_is_recorded_in_the_history_and_counted(service):
    removed_one(service, "f1")
    service.signed(comment("f2", "Klokt skrivet om kunderna i sociala medier."))
    assert feedback(service, "f1", {"site": "blog", "label": "ham"}).status_code == 202
    assert feedback(service, "f2", {"site": "blog", "label": "spam"}).status_code == 202
    stats = service.client.get("/v1/sites/blog/stats", headers=service.auth()).json()
    [today] = stats["days"]
    assert today["false_positives"] == 1 and today["missed"] == 1
    assert today["actions"] == {"remove": 1, "approve": 1}
    assert today["causes"]["blocked_word"] == 1


def test_feedback_must_be_signed_known_and_well_formed(service):
    service.signed(comment("f3", "Hej"))
    assert feedback(service, "f3", {"site": "blog", "label": "ham"}, secret="whsec_wrong").status_code == 401
    assert feedback(service, "nope", {"site": "blog", "label": "ham"}).status_code == 404
    assert feedback(service, "f3", {"site": "blog", "label": "maybe"}).status_code == 422


def test_stats_are_for_the_sites_own_moderators(service):
    assert service.client.get("/v1/sites/blog/stats", headers=service.auth(service.other_token)).status_code == 403


def test_feedback_waiting_for_the_database_does_not_stop_the_service(service):
    """Feedback whose write waits for a lock another transaction holds waits off the event loop:
    the service answers meanwhile, and the label is recorded once the lock goes."""
    removed_one(service, "f1")

    def send(url: httpx.URL) -> int:
        with httpx.Client(base_url=url, timeout=10) as http:
            return feedback(service, "f1", {"site": "blog", "label": "ham"}, client=http).status_code

    assert while_writes_wait(service.app, send) == (True, 202)
    stats = service.client.get("/v1/sites/blog/stats", headers=service.auth()).json()
    assert stats["days"][0]["false_positives"] == 1
