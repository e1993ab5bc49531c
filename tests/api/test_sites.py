"""Admins manage sites and tokens over HTTP; moderators read their sites; tenancy holds."""

from __future__ import annotations

from typing import Any

import pytest

from moderation.sites import create_token
from tests.api.conftest import comment

NEW_SITE = {
    "id": "anamma", "name": "Anamma", "languages": ["sv"], "url": "https://anamma.se",
    "topic": "Bloggen handlar om sociala medier, marknadsföring och kommunikation för företag.",
}  # fmt: skip


def admin_token(service, *sites: str) -> str:
    with service.sessions() as session:
        return create_token(session, "admin", list(sites))["token"]


@pytest.fixture
def admin(service) -> dict[str, str]:
    """Headers of an admin token for the ``blog`` site."""
    return service.auth(admin_token(service, "blog"))


def site(service, site_id: str = "blog") -> dict[str, Any]:
    return service.client.get(f"/v1/sites/{site_id}", headers=service.auth()).json()


def keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys(v)}
    return set()


def test_site_endpoints_need_a_token(service):
    assert service.client.get("/v1/sites").status_code == 401
    assert service.client.post("/v1/sites", json=NEW_SITE).status_code == 401
    assert service.client.patch("/v1/sites/blog", json={"shadow_mode": True}).status_code == 401


def test_an_admin_creates_a_site_and_manages_it_at_once(service, admin):
    created = service.client.post("/v1/sites", json=NEW_SITE, headers=admin)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["secret"].startswith("whsec_") and body["api_key"].startswith("key_")
    assert body["note_language"] == "sv" and body["thresholds"]["spam"] == {"queue_at": 0.5, "remove_at": 0.95}
    listed = service.client.get("/v1/sites", headers=admin).json()
    assert [s["id"] for s in listed["data"]] == ["anamma", "blog"] and listed["count"] == 2
    assert "secret" not in listed["data"][0] and "api_key" not in listed["data"][0]
    patched = service.client.patch("/v1/sites/anamma", json={"shadow_mode": True}, headers=admin)
    assert patched.status_code == 200 and patched.json()["shadow_mode"] is True
    # the new site's secret signs its webhooks
    answer = service.signed({**comment("a1", "Klokt skrivet om sociala medier."), "site": "anamma"}, body["secret"])
    assert answer.status_code == 200, answer.text
    # the blog's moderator does not get the new site
    assert [s["id"] for s in service.client.get("/v1/sites", headers=service.auth()).json()["data"]] == ["blog"]
    assert service.client.get("/v1/sites/anamma", headers=service.auth()).status_code == 403


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({**NEW_SITE, "id": "blog"}, 409, "exists already"),
        ({**NEW_SITE, "id": "Anamma Blogg"}, 422, "a site id is"),
        ({**NEW_SITE, "languages": []}, 422, "languages"),
        ({**NEW_SITE, "languages": ["svenska"]}, 422, "ISO 639-1"),
        ({**NEW_SITE, "thresholds": {"spam": {"queue_at": 0.9, "remove_at": 0.8}}}, 422, "must not exceed"),
        ({**NEW_SITE, "rules": {"banned": ["x"]}}, 422, "unknown rules"),
        ({**NEW_SITE, "owner": "karin"}, 422, "owner"),
        ({"id": "anamma"}, 422, "name"),
    ],
)
def test_a_bad_new_site_is_refused_and_not_created(service, admin, body, status, message):
    response = service.client.post("/v1/sites", json=body, headers=admin)
    assert response.status_code == status and message in response.json()["error"]["message"], response.text
    assert [s["id"] for s in service.client.get("/v1/sites", headers=admin).json()["data"]] == ["blog"]


def test_patch_changes_what_is_sent_and_keeps_the_rest(service, admin):
    before = site(service)
    body = {"thresholds": {"spam": {"remove_at": 0.97}}, "callback_url": "https://anamma.se/hook", "topic": "Bloggar"}
    response = service.client.patch("/v1/sites/blog", json=body, headers=admin)
    assert response.status_code == 200, response.text
    after = response.json()
    assert after["thresholds"]["spam"] == {"queue_at": before["thresholds"]["spam"]["queue_at"], "remove_at": 0.97}
    assert after["callback_url"] == "https://anamma.se/hook" and after["topic"] == "Bloggar"
    unchanged = {k: v for k, v in before.items() if k not in ("thresholds", "callback_url", "topic")}
    assert {k: after[k] for k in unchanged} == unchanged and after["thresholds"]["off_topic"] == before["thresholds"][
        "off_topic"
    ]
    assert site(service) == after


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"thresholds": {"spam": {"queue_at": 0.5, "remove_at": 0.4}}}, "must not exceed"),
        ({"thresholds": {"off_topic": {"queue_at": 1.0}}}, "must not exceed"),  # past the stored remove_at
        ({"thresholds": {"spam": {"remove_at": 1.5}}}, "less than or equal to 1"),
        ({"rules": {"blocked_words": ["kasino"], "bad_words": ["x"]}}, "unknown rules"),
        ({"languages": ["swedish"]}, "ISO 639-1"),
        ({"languages": []}, "languages"),
        ({"name": None}, "name"),
        ({"shadow_mode": "sometimes"}, "shadow_mode"),
        ({"secret_nonce": "abc", "topic": "x"}, "secret_nonce"),
        ({"id": "renamed"}, "id"),
    ],
)
def test_bad_values_are_refused_with_a_message_and_change_nothing(service, admin, body, message):
    service.client.patch("/v1/sites/blog", json={"thresholds": {"off_topic": {"remove_at": 0.99}}}, headers=admin)
    before = site(service)
    response = service.client.patch("/v1/sites/blog", json=body, headers=admin)
    assert response.status_code == 422, response.text
    assert message in response.json()["error"]["message"]
    assert site(service) == before


def test_a_rotated_secret_signs_and_the_old_one_works_until_the_next_rotation(service, admin):
    first = service.client.post("/v1/sites/blog/rotate-secret", headers=admin)
    assert first.status_code == 200, first.text
    new_secret = first.json()["secret"]
    assert first.json() == {"site": "blog", "secret": new_secret} and new_secret != service.secret
    assert site(service)["secret_rotating"] is True
    assert service.signed(comment("r1", "Bra skrivet!"), new_secret).status_code == 200
    assert service.signed(comment("r2", "Bra skrivet igen!"), service.secret).status_code == 200
    second = service.client.post("/v1/sites/blog/rotate-secret", headers=admin).json()["secret"]
    assert service.signed(comment("r3", "Tack!"), service.secret).status_code == 401
    assert service.signed(comment("r4", "Tack!"), new_secret).status_code == 200
    assert service.signed(comment("r5", "Tack!"), second).status_code == 200


def test_an_admin_creates_tokens_for_its_own_sites_only(service, admin):
    created = service.client.post("/v1/tokens", json={"role": "moderator", "sites": ["blog"]}, headers=admin)
    assert created.status_code == 201, created.text
    token = created.json()
    assert token["role"] == "moderator" and token["sites"] == ["blog"] and token["token"].startswith("mod_")
    assert service.client.get("/v1/queue", headers=service.auth(token["token"])).status_code == 200
    promoted = service.client.post("/v1/tokens", json={"role": "admin", "sites": ["blog"]}, headers=admin).json()
    renamed = service.client.patch("/v1/sites/blog", json={"name": "Anamma"}, headers=service.auth(promoted["token"]))
    assert renamed.status_code == 200
    for body, status in (
        ({"role": "moderator", "sites": ["blog", "other"]}, 403),
        ({"role": "moderator", "sites": ["nowhere"]}, 403),
        ({"role": "owner", "sites": ["blog"]}, 422),
        ({"role": "moderator", "sites": []}, 422),
    ):
        assert service.client.post("/v1/tokens", json=body, headers=admin).status_code == status, body


def test_a_moderator_reads_its_sites_and_may_not_manage_them(service):
    moderator = service.auth()
    listed = service.client.get("/v1/sites", headers=moderator).json()
    assert [s["id"] for s in listed["data"]] == ["blog"] and listed["count"] == 1
    assert service.client.get("/v1/sites/blog", headers=moderator).json()["name"] == "Anamma"
    for method, url, body in (
        ("POST", "/v1/sites", NEW_SITE),
        ("PATCH", "/v1/sites/blog", {"shadow_mode": True}),
        ("POST", "/v1/sites/blog/rotate-secret", None),
        ("POST", "/v1/tokens", {"role": "moderator", "sites": ["blog"]}),
    ):
        response = service.client.request(method, url, json=body, headers=moderator)
        assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden", (method, url)
    assert site(service)["shadow_mode"] is False


def test_an_admin_of_another_site_sees_and_changes_nothing_here(service):
    other_admin = service.auth(admin_token(service, "other"))
    assert [s["id"] for s in service.client.get("/v1/sites", headers=other_admin).json()["data"]] == ["other"]
    before = site(service)
    for method, url, body in (
        ("GET", "/v1/sites/blog", None),
        ("PATCH", "/v1/sites/blog", {"shadow_mode": True}),
        ("POST", "/v1/sites/blog/rotate-secret", None),
        ("POST", "/v1/tokens", {"role": "admin", "sites": ["blog"]}),
        ("GET", "/v1/sites/nowhere", None),
    ):
        assert service.client.request(method, url, json=body, headers=other_admin).status_code == 403, (method, url)
    assert site(service) == before


def test_no_answer_shows_hashes_or_nonces(service, admin):
    answers = [
        service.client.post("/v1/sites", json=NEW_SITE, headers=admin).json(),
        service.client.get("/v1/sites", headers=admin).json(),
        service.client.get("/v1/sites/blog", headers=admin).json(),
        service.client.patch("/v1/sites/blog", json={"shadow_mode": True}, headers=admin).json(),
        service.client.post("/v1/sites/blog/rotate-secret", headers=admin).json(),
        service.client.post("/v1/tokens", json={"role": "moderator", "sites": ["blog"]}, headers=admin).json(),
    ]
    found = set().union(*(keys(answer) for answer in answers))
    assert not {k for k in found if "hash" in k or "nonce" in k}, found
    assert {k for k in found if k in ("secret", "api_key", "token")} == {"secret", "api_key", "token"}
    assert "secret" not in keys(answers[1]) | keys(answers[2]) | keys(answers[3])
