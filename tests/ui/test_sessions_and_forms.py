"""Signing in and out, cookies, CSRF and redirects of the moderator page, over HTTP (no browser),
on SQLite and PostgreSQL; and the page without JavaScript (plain form posts)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import comment

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def signed_in(client: TestClient, token: str) -> str:
    """Sign in through the form; the session's CSRF token, read off the queue page."""
    form = client.get("/ui/login")
    response = client.post(
        "/ui/login", data={"token": token, "csrf": CSRF.search(form.text).group(1), "next": "/ui/queue"},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303 and response.headers["location"] == "/ui/queue"
    return CSRF.search(client.get("/ui/queue").text).group(1)


def queued(service, comment_id: str) -> int:
    answer = service.signed(comment(comment_id, "Bra inlägg! Använd min rabattkod SPARA10 på kursen.")).json()
    assert answer["action"] == "queue"
    return answer["queue_item_id"]


def test_pages_need_a_session_and_come_back_after_sign_in(service):
    client = service.client
    response = client.get("/ui/queue?status=removed", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/ui/login?next=%2Fui%2Fqueue%3Fstatus%3Dremoved"
    form = client.get(response.headers["location"])
    assert 'value="/ui/queue?status=removed"' in form.text
    signed = client.post(
        "/ui/login", data={"token": service.token, "csrf": CSRF.search(form.text).group(1),
                           "next": "/ui/queue?status=removed"}, follow_redirects=False,
    )  # fmt: skip
    assert signed.headers["location"] == "/ui/queue?status=removed"


def test_the_session_cookie_is_http_only_strict_and_secure_over_https(service):
    plain = service.client.post("/ui/login", data={"token": service.token, "csrf": "x"}, follow_redirects=False)
    assert plain.status_code == 403  # no sign-in form was fetched: no login CSRF cookie
    client = service.client
    form = client.get("/ui/login")
    response = client.post(
        "/ui/login", data={"token": service.token, "csrf": CSRF.search(form.text).group(1)}, follow_redirects=False
    )
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("moderation_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/ui" in cookie and "Secure" not in cookie
    with TestClient(service.app, base_url="https://moderation.example") as secure:
        form = secure.get("/ui/login")
        response = secure.post(
            "/ui/login", data={"token": service.token, "csrf": CSRF.search(form.text).group(1)}, follow_redirects=False
        )
        cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("moderation_session="))
        assert "Secure" in cookie


def test_a_wrong_token_is_refused_with_a_clear_message(service):
    form = service.client.get("/ui/login")
    response = service.client.post(
        "/ui/login", data={"token": "mod_wrong", "csrf": CSRF.search(form.text).group(1)}, follow_redirects=False
    )
    assert response.status_code == 401 and "unknown or revoked" in response.text
    assert "moderation_session" not in response.headers.get("set-cookie", "")


@pytest.mark.parametrize("target", ["//evil.example/ui/", "https://evil.example/", "/v1/queue", "/ui/\\evil"])
def test_sign_in_never_redirects_off_the_page(service, target):
    form = service.client.get("/ui/login")
    response = service.client.post(
        "/ui/login", data={"token": service.token, "csrf": CSRF.search(form.text).group(1), "next": target},
        follow_redirects=False,
    )  # fmt: skip
    assert response.headers["location"] == "/ui/queue"


def test_state_changes_without_the_csrf_token_are_refused_and_change_nothing(service):
    item_id = queued(service, "u1")
    signed_in(service.client, service.token)
    for data in ({"ids": item_id, "verdict": "spam"}, {"ids": item_id, "verdict": "spam", "csrf": "forged"}):
        response = service.client.post("/ui/decide", data=data, follow_redirects=False)
        assert response.status_code == 403
    assert service.client.post("/ui/logout", data={"csrf": "forged"}).status_code == 403
    assert service.client.get("/v1/queue", headers=service.auth()).json()["count"] == 1


def test_pages_carry_a_content_security_policy_that_forbids_inline_scripts(service):
    signed_in(service.client, service.token)
    for path in ("/ui/login", "/ui/queue", "/ui/overview"):
        headers = service.client.get(path).headers
        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
        assert headers["x-content-type-options"] == "nosniff"


def test_without_javascript_forms_decide_and_undo(service):
    item_id = queued(service, "u2")
    csrf = signed_in(service.client, service.token)
    response = service.client.post(
        "/ui/decide", data={"ids": item_id, "verdict": "off_topic", "note": "handlar inte om inlägget", "csrf": csrf,
                            "next": "/ui/queue?status=pending"}, follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303 and response.headers["location"] == f"/ui/queue?status=pending&last={item_id}"
    page = service.client.get(response.headers["location"]).text
    assert f"Comment #{item_id} decided." in page
    history = service.client.get(f"/v1/comments/{item_id}", headers=service.auth()).json()["history"]
    assert (history[-1]["action"], history[-1]["label"], history[-1]["note"]) == ("remove", "off_topic",
                                                                                   "handlar inte om inlägget")  # fmt: skip
    service.client.post("/ui/undo", data={"id": item_id, "csrf": csrf}, follow_redirects=False)
    assert service.client.get("/v1/queue", headers=service.auth()).json()["count"] == 1


def test_a_decision_taken_meanwhile_is_reported_not_overwritten(service):
    first, second = queued(service, "u3"), queued(service, "u4")
    csrf = signed_in(service.client, service.token)
    service.client.post(
        f"/v1/queue/{first}/decision", json={"action": "approve", "label": "ham"}, headers=service.auth()
    )
    response = service.client.post(
        "/ui/decide", data={"ids": [first, second], "verdict": "spam", "csrf": csrf},
        headers={"Accept": "application/json"},
    )  # fmt: skip
    assert response.status_code == 200
    assert [d["id"] for d in response.json()["decided"]] == [second]
    assert [f["id"] for f in response.json()["failed"]] == [first]
    assert service.client.get(f"/v1/comments/{first}", headers=service.auth()).json()["label"] == "ham"


def test_signing_out_ends_the_session_on_the_server(service):
    csrf = signed_in(service.client, service.token)
    stolen = service.client.cookies.get("moderation_session")
    service.client.post("/ui/logout", data={"csrf": csrf}, follow_redirects=False)
    service.client.cookies.set("moderation_session", stolen, path="/ui")
    response = service.client.get("/ui/queue", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/ui/login")


def test_the_overview_counts_the_queue_and_its_oldest_item(service):
    queued(service, "u5")
    queued(service, "u6")
    signed_in(service.client, service.token)
    page = service.client.get("/ui/overview").text
    assert '<strong class="queue-length">2</strong> waiting, the oldest since' in page
    assert "Other blog" not in page
