"""The Akismet protocol, spoken to by the published ``akismet`` client, unmodified.

The client always calls ``https://rest.akismet.com``; it is handed an httpx client whose transport
is the app in this process (Starlette's TestClient), so nothing leaves the machine.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import akismet
import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from moderation.secrets import sign
from moderation.sites import create_site, create_token
from moderation.store.tables import CommentRow, DecisionRow, PostRow
from tests.api.conftest import SECRET_KEY, live, while_writes_wait

URL = "https://anamma.example"
POST_URL = "https://anamma.example/2008/12/sociala-medier/"
HAM = "Håller med, företagen måste ta sina missnöjda kunder på allvar i sociala medier."
QUEUED = "Bra inlägg om sociala medier! Min rabattkod till kursen ger tio procent."
REMOVED = "Spela på vårt kasino och vinn stort!"


@dataclass
class Blog:
    """A site speaking Akismet: its key, its moderator token and its webhook secret."""

    service: Any
    key: str
    token: str
    secret: str

    def http(self) -> TestClient:
        """An httpx client whose transport is the app: whatever host the client names, no network."""
        return TestClient(self.service.app, headers={"User-Agent": akismet.USER_AGENT})

    def client(self, key: str | None = None, url: str = URL) -> akismet.SyncClient:
        return akismet.SyncClient(akismet.Config(key=key or self.key, url=url), http_client=self.http())

    def call(self, path: str, **params: str) -> Any:
        """A raw form POST, for what the client cannot send (unknown fields, missing ones)."""
        return self.service.client.post(path, data=params)

    def count(self, table: Any) -> int:
        with self.service.sessions() as session:
            return session.scalar(select(func.count()).select_from(table))

    def comments(self) -> list[CommentRow]:
        with self.service.sessions() as session:
            return list(session.scalars(select(CommentRow).where(CommentRow.site_id == "anamma")))

    def queue(self, status: str = "pending") -> list[dict[str, Any]]:
        answer = self.service.client.get(
            f"/v1/queue?status={status}", headers={"Authorization": f"Bearer {self.token}"}
        )
        return answer.json()["data"]


@pytest.fixture
def blog(service) -> Blog:
    with service.sessions() as session:
        site = create_site(
            session, SECRET_KEY, "anamma", "Anamma", url=URL, languages=["sv"], note_language="sv",
            topic="Bloggen handlar om sociala medier, marknadsföring och kommunikation för företag.",
            rules={"blocked_words": ["kasino"], "suspect_words": ["rabattkod"]},
            spam_remove_at=0.999, off_topic_remove_at=0.999,  # removal by rule only, so tests know the action
        )  # fmt: skip
        token = create_token(session, "moderator", ["anamma"])["token"]
    return Blog(service, site["api_key"], token, site["secret"])


def comment(content: str, **extra: Any) -> dict[str, Any]:
    return {
        "comment_content": content, "comment_type": "comment", "comment_author": "Karin",
        "comment_author_email": "karin@example.com", "user_agent": "Mozilla/5.0", "permalink": POST_URL,
        "comment_date_gmt": "2026-11-28T10:15:00Z", **extra,
    }  # fmt: skip


def test_the_client_verifies_a_sites_key_against_its_url_leniently(blog):
    assert blog.client().verify_key()
    assert akismet.SyncClient.validated_client(akismet.Config(blog.key, URL), http_client=blog.http())
    assert blog.client(url="http://www.anamma.example/").verify_key()
    assert blog.client(url="https://anamma.example/?lang=sv").verify_key()
    assert not blog.client(url="https://elsewhere.example").verify_key()
    assert not blog.client(key="key_not-a-key").verify_key()
    with pytest.raises(akismet.APIKeyError):
        akismet.SyncClient.validated_client(akismet.Config("key_nope", URL), http_client=blog.http())


def test_comment_check_answers_ham_spam_and_discard(blog):
    client = blog.client()
    assert client.comment_check("203.0.113.7", **comment(HAM)) is akismet.CheckResponse.HAM
    assert client.comment_check("203.0.113.7", **comment(QUEUED)) is akismet.CheckResponse.SPAM
    assert client.comment_check("203.0.113.7", **comment(REMOVED)) is akismet.CheckResponse.DISCARD
    discarded = blog.call("/1.1/comment-check", api_key=blog.key, blog=URL, user_ip="203.0.113.7", **comment(REMOVED))
    assert discarded.text == "true" and discarded.headers["X-akismet-pro-tip"] == "discard"
    assert discarded.headers["content-type"].startswith("text/plain")


def test_checked_comments_land_in_the_store_and_the_moderators_queue_with_notes(blog):
    blog.client().comment_check("203.0.113.7", **comment(QUEUED))
    [item] = blog.queue()
    assert item["content"] == QUEUED and item["author"]["ip"] == "203.0.113.7"
    assert item["comment_id"].startswith("akismet:") and item["post"]["url"] == POST_URL
    assert item["note"].startswith("Väntar på granskning") and "rabattkod" in item["note"]
    assert "post_unknown" in [reason["code"] for reason in item["reasons"]]
    blog.client().comment_check("203.0.113.7", **comment(REMOVED))
    [removed] = blog.queue("removed")
    assert removed["note"].startswith("Kommentaren togs bort") and removed["action"] == "remove"


def test_a_resent_comment_gets_the_stored_answer_and_is_stored_once(blog):
    client = blog.client()
    first = client.comment_check("203.0.113.7", **comment(QUEUED))
    again = client.comment_check("203.0.113.7", **comment(QUEUED))
    assert first is again is akismet.CheckResponse.SPAM
    assert blog.count(CommentRow) == 1 and blog.count(DecisionRow) == 1


def test_submit_spam_and_ham_become_the_platforms_training_labels(blog):
    client = blog.client()
    client.comment_check("203.0.113.7", **comment(HAM))
    client.comment_check("203.0.113.7", **comment(QUEUED))
    assert client.submit_spam("203.0.113.7", **comment(HAM))
    assert client.submit_ham("203.0.113.7", **comment(QUEUED, comment_date_gmt=""))  # found by text and author
    with blog.service.sessions() as session:
        labels = session.execute(
            select(CommentRow.content, DecisionRow.label).join(DecisionRow).where(DecisionRow.actor == "platform")
        ).all()
    assert sorted(labels) == sorted([(HAM, "spam"), (QUEUED, "ham")])
    stats = blog.service.client.get("/v1/sites/anamma/stats", headers={"Authorization": f"Bearer {blog.token}"})
    [day] = stats.json()["days"]
    assert day["missed"] == 1 and day["false_positives"] == 1


def test_submitting_a_comment_never_checked_is_thanked_and_records_nothing(blog):
    assert blog.client().submit_spam("203.0.113.7", **comment("Aldrig sedd förut"))
    assert blog.count(DecisionRow) == 0


@pytest.mark.parametrize("key", ["key_wrong", ""])
def test_a_bad_key_is_invalid_with_debug_help_and_changes_nothing(blog, key):
    answer = blog.call("/1.1/comment-check", api_key=key, blog=URL, user_ip="203.0.113.7", **comment(REMOVED))
    assert answer.status_code == 200 and answer.text == "invalid"
    assert answer.headers["X-akismet-debug-help"]
    with pytest.raises(akismet.APIKeyError):
        blog.client(key=key or "key_wrong").comment_check("203.0.113.7", **comment(REMOVED))
    assert blog.count(CommentRow) == 0


def test_a_key_used_for_another_blog_is_invalid(blog):
    answer = blog.call(
        "/1.1/comment-check", api_key=blog.key, blog="https://other.example", user_ip="1.2.3.4", **comment(HAM)
    )
    assert answer.text == "invalid" and URL in answer.headers["X-akismet-debug-help"]


@pytest.mark.parametrize("missing", ["blog", "user_ip", "comment_content"])
def test_a_missing_required_parameter_is_invalid_naming_it(blog, missing):
    params = {"api_key": blog.key, "blog": URL, "user_ip": "203.0.113.7", **comment(REMOVED)}
    del params[missing]
    answer = blog.call("/1.1/comment-check", **params)
    assert answer.text == "invalid"
    assert f'"{missing}"' in answer.headers["X-akismet-debug-help"]
    assert blog.count(CommentRow) == 0


def test_test_calls_are_scored_but_never_queued_nor_labelled(blog):
    client = blog.client()
    assert client.comment_check("203.0.113.7", is_test=True, **comment(REMOVED)) is akismet.CheckResponse.DISCARD
    assert client.comment_check("203.0.113.7", is_test=True, **comment(QUEUED)) is akismet.CheckResponse.SPAM
    assert client.submit_spam("203.0.113.7", is_test=True, **comment(QUEUED))
    assert blog.count(CommentRow) == 0 and blog.count(DecisionRow) == 0 and blog.queue() == []


def test_an_administrators_comment_is_ham_as_akismet_does(blog):
    answer = blog.client().comment_check("203.0.113.7", user_role="administrator", **comment(REMOVED))
    assert answer is akismet.CheckResponse.HAM
    assert blog.count(CommentRow) == 0


def test_a_filled_honeypot_holds_the_comment_as_spam_with_its_reason(blog):
    answer = blog.call(
        "/1.1/comment-check", api_key=blog.key, blog=URL, user_ip="203.0.113.7",
        honeypot_field_name="hidden_website", hidden_website="https://pills.example", **comment(HAM),
    )  # fmt: skip
    assert answer.text == "true"
    [item] = blog.queue()
    [honeypot] = [reason for reason in item["reasons"] if reason["code"] == "honeypot"]
    assert '"hidden_website"' in honeypot["text"] and item["scores"]["spam"] >= 0.9


def signed_put(blog: Blog, path: str, payload: Any, secret: str | None = None) -> Any:
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "X-Moderation-Signature": sign(secret or blog.secret, int(time.time()), body)}  # fmt: skip
    return blog.service.client.put(path, content=body, headers=headers)


POST = {
    "title": "Sociala medier = Corporate Responsibility", "url": POST_URL, "tags": ["sociala medier"],
    "body": "Företag borde söka upp missnöjda bloggande kunder i sociala medier och ta dem på allvar.",
}  # fmt: skip


def test_a_post_registered_with_put_is_found_by_its_permalink(blog):
    created = signed_put(blog, "/v1/sites/anamma/posts/p-7", POST)
    assert created.status_code == 201, created.text
    assert signed_put(blog, "/v1/sites/anamma/posts/p-7", POST).status_code == 200
    # The same permalink as WordPress may spell it: http, www, no trailing slash.
    permalink = "http://www.anamma.example/2008/12/sociala-medier"
    blog.client().comment_check("203.0.113.7", **comment(QUEUED, permalink=permalink))
    [item] = blog.queue()
    assert item["post"]["title"] == POST["title"] and item["post"]["id"] == "p-7"
    assert "post_unknown" not in [reason["code"] for reason in item["reasons"]]


def test_plain_permalinks_name_two_posts_by_their_query(blog):
    """WordPress without pretty permalinks: ``/?p=12`` and ``/?p=13`` are different posts."""
    for number, title in ((13, POST["title"]), (12, "Kakrecept")):  # the other one last
        post = {**POST, "title": title, "url": f"{URL}/?p={number}"}
        assert signed_put(blog, f"/v1/sites/anamma/posts/p-{number}", post).status_code == 201
    permalink = "http://www.anamma.example/?p=13&utm_source=feed"
    blog.client().comment_check("203.0.113.7", **comment(QUEUED, permalink=permalink))
    [item] = blog.queue()
    assert item["post"]["id"] == "p-13" and item["post"]["title"] == POST["title"]


@pytest.mark.parametrize(
    ("sent_url", "permalink"),
    [
        (POST_URL, POST_URL),
        ("https://anamma.example/2008/12/Sociala-Medier/", "http://www.anamma.example/2008/12/sociala-medier"),
        ("https://anamma.example/Åsa-Öberg/", "https://anamma.example/Åsa-Öberg/"),  # SQLite lowers ASCII only
    ],
)
def test_a_post_seen_with_a_webhook_comment_is_found_by_its_permalink(blog, sent_url, permalink):
    webhook = {"site": "anamma", "comment_id": "c-1", "content": HAM, "post": {"id": "p-7", **POST, "url": sent_url}}
    body = json.dumps(webhook).encode()
    headers = {"Content-Type": "application/json", "X-Moderation-Signature": sign(blog.secret, int(time.time()), body)}
    assert blog.service.client.post("/v1/comments", content=body, headers=headers).status_code == 200
    blog.client().comment_check("203.0.113.7", **comment(QUEUED, permalink=permalink))
    [item] = blog.queue()
    assert item["post"]["title"] == POST["title"]


def test_a_post_whose_address_is_longer_than_its_key_is_stored_and_found(blog):
    url = f"{URL}/?s=" + "ä" * 400 + "&p=7"  # ä becomes %C3%A4: a key of over 2,400 characters
    assert signed_put(blog, "/v1/sites/anamma/posts/p-7", {**POST, "url": url}).status_code == 201
    blog.client().comment_check("203.0.113.7", **comment(QUEUED, permalink=url))
    [item] = blog.queue()
    assert item["post"]["id"] == "p-7"


@pytest.mark.parametrize(
    ("path", "payload", "secret", "status"),
    [
        ("/v1/sites/anamma/posts/p-1", POST, "whsec_wrong", 401),
        ("/v1/sites/nope/posts/p-1", POST, None, 404),
        ("/v1/sites/anamma/posts/p-1", ["not", "an", "object"], None, 422),
        ("/v1/sites/anamma/posts/p-1", {**POST, "tags": "not a list"}, None, 422),
    ],
)
def test_a_bad_post_is_refused_and_stores_nothing(blog, path, payload, secret, status):
    assert signed_put(blog, path, payload, secret).status_code == status
    assert blog.count(PostRow) == 0


def test_usage_limit_and_key_sites_count_the_sites_calls(blog):
    client = blog.client()
    client.comment_check("203.0.113.7", **comment(HAM))
    client.comment_check("203.0.113.7", **comment(REMOVED))
    client.submit_ham("203.0.113.7", **comment(REMOVED))
    assert client.usage_limit() == {"limit": "none", "usage": 2, "percentage": "0.00", "throttled": False}
    # akismet 25.10 sends no api_key with key_sites(), so it is called directly here.
    sites = blog.service.client.get("/1.2/key-sites", params={"api_key": blog.key}).json()
    month = time.strftime("%Y-%m", time.gmtime())
    assert sites == {
        month: [{"site": "anamma.example", "api_calls": "2", "spam": "1", "ham": "1", "missed_spam": "0",
                 "false_positives": "1", "is_revoked": False}],
        "limit": 500, "offset": 0, "total": 1,
    }  # fmt: skip
    csv = blog.service.client.get("/1.2/key-sites", params={"api_key": blog.key, "format": "csv", "limit": "10"})
    assert csv.text.splitlines() == [
        f"Active sites for {blog.key} during {month} (limit:10, offset: 0, total: 1)",
        "Site,Total API Calls,Spam,Ham,Missed Spam,False Positives,Is Revoked",
        "anamma.example,2,1,1,0,1,false",
    ]
    empty = blog.service.client.get("/1.2/key-sites", params={"api_key": blog.key, "month": "2001-01"}).json()
    assert empty["2001-01"] == [{**empty["2001-01"][0], "api_calls": "0"}] and empty["total"] == 1
    assert blog.service.client.get("/1.2/usage-limit", params={"api_key": "key_nope"}).text == "invalid"


def akismet_client(blog: Blog, service: httpx.URL) -> akismet.SyncClient:
    """The README's recipe: an httpx client that rewrites rest.akismet.com to ``service``."""

    def to_service(request: httpx.Request) -> None:
        request.url = request.url.copy_with(scheme=service.scheme, host=service.host, port=service.port)
        request.headers["Host"] = service.netloc.decode()

    http = httpx.Client(event_hooks={"request": [to_service]}, headers={"User-Agent": akismet.USER_AGENT})
    return akismet.SyncClient.validated_client(akismet.Config(blog.key, URL), http_client=http)


def test_the_client_over_real_http_on_loopback_as_the_readme_shows(blog):
    """The README's recipe against a live uvicorn on 127.0.0.1."""
    with live(blog.service.app) as service, akismet_client(blog, service) as client:
        assert client.comment_check("203.0.113.7", **comment(QUEUED)) is akismet.CheckResponse.SPAM
    assert [item["content"] for item in blog.queue()] == [QUEUED]


def test_a_label_waiting_for_the_database_does_not_stop_the_service(blog):
    """A submit-ham whose write waits for a lock another transaction holds (SQLite has one writer at
    a time) waits off the event loop: the service answers meanwhile, and the label lands after."""
    blog.client().comment_check("203.0.113.7", **comment(QUEUED))

    def submit_ham(service: httpx.URL) -> bool:
        with akismet_client(blog, service) as client:
            return client.submit_ham("203.0.113.7", **comment(QUEUED))

    assert while_writes_wait(blog.service.app, submit_ham) == (True, True)
    with blog.service.sessions() as session:
        assert session.scalars(select(DecisionRow.label).where(DecisionRow.actor == "platform")).all() == ["ham"]
