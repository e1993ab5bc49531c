"""The webhook: signatures, decisions with notes, idempotency, bad input, and nothing half-written."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text

import moderation.store.database
from moderation.api.app import create_app
from moderation.config import Settings
from moderation.secrets import sign, webhook_secret
from moderation.sites import create_site, rotate_secret, update_site
from moderation.store.database import transaction
from moderation.store.tables import CommentRow, DecisionRow
from tests.api.conftest import POSTGRES_URL, SECRET_KEY, Service, comment


def count(service, table) -> int:
    with service.sessions() as session:
        return session.scalar(select(func.count()).select_from(table))


def test_signed_comment_gets_a_decision_and_is_stored_with_its_history(service):
    response = service.signed(
        comment("c1", "Håller med, företagen måste ta sina missnöjda kunder på allvar i sociala medier.")
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["action"] == "approve" and answer["site"] == "blog" and answer["comment_id"] == "c1"
    assert 0 <= answer["scores"]["spam"] < 0.5 and answer["language"] == "sv"
    assert answer["model_version"] and answer["queue_item_id"] is None
    assert count(service, CommentRow) == 1 and count(service, DecisionRow) == 1


def test_blocked_word_removes_with_a_swedish_note(service):
    answer = service.signed(comment("c2", "Spela på vårt kasino och vinn stort!")).json()
    assert answer["action"] == "remove"
    assert answer["note"].startswith("Kommentaren togs bort eftersom")
    assert '"kasino"' in answer["note"]


def test_suspect_word_queues_and_the_item_is_in_the_queue(service):
    answer = service.signed(
        comment("c3", "Bra inlägg om sociala medier! Min rabattkod till kursen ger tio procent.")
    ).json()
    assert answer["action"] == "queue"
    assert answer["note"].startswith("Väntar på granskning")
    queue = service.client.get("/v1/queue", headers=service.auth()).json()
    assert [item["id"] for item in queue["data"]] == [answer["queue_item_id"]]
    assert queue["count"] == 1


def test_the_same_comment_again_returns_the_stored_decision(service):
    first = service.signed(comment("c4", "Spela på vårt kasino!")).json()
    again = service.signed(comment("c4", "Spela på vårt kasino!")).json()
    assert again == first
    assert count(service, CommentRow) == 1 and count(service, DecisionRow) == 1


def test_an_edited_comment_is_rescored_and_its_history_kept(service):
    service.signed(comment("c5", "Spela på vårt kasino!"))
    edited = service.signed(
        comment("c5", "Förlåt, jag menade: bra poäng om kunderna i sociala medier.", edited=True)
    ).json()
    assert edited["action"] == "approve"
    assert count(service, CommentRow) == 1 and count(service, DecisionRow) == 2


def test_shadow_mode_answers_approve_but_records_the_real_decision(service):
    assert service.signed(comment("c6a", "Spela på vårt kasino!")).json()["action"] == "remove"
    with service.sessions() as session:  # seen at once, though the process keeps a copy of the site
        update_site(session, "blog", shadow_mode=True)
    answer = service.signed(comment("c6", "Spela på vårt kasino!")).json()
    assert answer["action"] == "approve"
    removed = service.client.get("/v1/queue?status=removed", headers=service.auth()).json()
    assert [item["comment_id"] for item in removed["data"]] == ["c6a", "c6"]


SIGNATURES = {
    "missing": lambda secret, body: None,
    "malformed": lambda secret, body: "t=abc,v1=00",
    "wrong secret": lambda secret, body: sign("whsec_wrong", int(time.time()), body),
    "other body": lambda secret, body: sign(secret, int(time.time()), body + b" "),
    "replayed": lambda secret, body: sign(secret, int(time.time()) - 305, body),
    "from the future": lambda secret, body: sign(secret, int(time.time()) + 305, body),
}


@pytest.mark.parametrize("case", SIGNATURES)
def test_bad_or_replayed_signatures_are_rejected_and_nothing_is_stored(service, case):
    body = json.dumps(comment("c7", "Hej")).encode()
    headers = {"Content-Type": "application/json"}
    signature = SIGNATURES[case](service.secret, body)
    if signature is not None:
        headers["X-Moderation-Signature"] = signature
    response = service.client.post("/v1/comments", content=body, headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "bad_signature"
    assert count(service, CommentRow) == 0


def test_both_secrets_work_while_rotating(service):
    with service.sessions() as session:
        new = rotate_secret(session, SECRET_KEY, "blog")
    assert service.signed(comment("c8", "Hej hej"), secret=service.secret).status_code == 200
    assert service.signed(comment("c9", "Hej igen"), secret=new).status_code == 200


def as_another_process(service, sql: str, **params: object) -> None:
    """A change to the database made as another process (a second worker, the CLI) makes it:
    unseen by this process's sessions."""
    with service.app.state.engine.begin() as connection:
        connection.execute(text(sql), params)


def test_a_secret_rotated_by_another_process_is_accepted_at_once(service):
    assert service.signed(comment("c10", "Hej hej")).status_code == 200  # the site is kept from here
    as_another_process(
        service, "UPDATE sites SET previous_secret_nonce = secret_nonce, secret_nonce = :nonce WHERE id = 'blog'",
        nonce="0" * 32,
    )  # fmt: skip
    new = webhook_secret(SECRET_KEY, "blog", "0" * 32)
    assert service.signed(comment("c11", "Hej igen"), secret=new).status_code == 200
    assert service.signed(comment("c12", "Och igen"), secret=service.secret).status_code == 200
    assert service.signed(comment("c13", "Och igen"), secret="whsec_wrong").status_code == 401


def test_settings_changed_by_another_process_apply_within_the_site_cache_time(service):
    assert service.signed(comment("c14", "Spela på vårt kasino!")).json()["action"] == "remove"
    as_another_process(service, "UPDATE sites SET shadow_mode = :on WHERE id = 'blog'", on=True)
    time.sleep(service.app.state.settings.site_cache_s)
    assert service.signed(comment("c15", "Spela på vårt kasino nu!")).json()["action"] == "approve"


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b"{not json", "application/json", 400, "malformed_json"),
        (b'{"site": "blog"}', "application/json", 422, "invalid_body"),
        (b'{"site": "nope", "comment_id": "x", "content": "hi"}', "application/json", 404, "unknown_site"),
        (b'{"site": "blog", "comment_id": "x", "content": "hi"}', "text/plain", 415, "unsupported_media_type"),
        (b"[1, 2]", "application/json", 422, "invalid_body"),
    ],
)
def test_bad_input_gets_a_clear_error_and_changes_nothing(service, body, content_type, status, code):
    headers = {"Content-Type": content_type, "X-Moderation-Signature": sign(service.secret, int(time.time()), body)}
    response = service.client.post("/v1/comments", content=body, headers=headers)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    assert count(service, CommentRow) == 0


def test_oversized_content_is_413_with_the_limit(service):
    response = service.signed(comment("big", "x" * 70000))
    assert response.status_code == 413
    assert "65536" in response.json()["error"]["message"]


def test_when_the_store_fails_mid_way_the_answer_is_503_and_nothing_half_written_remains(service, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("a dropped table is an OperationalError on SQLite only")
    with service.app.state.engine.begin() as connection:
        connection.execute(text("DROP TABLE decisions"))
    response = service.signed(comment("c10", "Hej"))
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "store_unavailable"
    assert response.headers["Retry-After"]
    assert count(service, CommentRow) == 0


def test_a_comment_and_its_history_can_be_read_back_by_its_sites_moderator(service):
    queued = service.signed(comment("c11", "Rabattkod här: SPARA10 på sociala medier-kursen")).json()
    detail = service.client.get(f"/v1/comments/{queued['queue_item_id']}", headers=service.auth())
    assert detail.status_code == 200
    assert [entry["actor"] for entry in detail.json()["history"]] == ["model"]
    other = service.client.get(f"/v1/comments/{queued['queue_item_id']}", headers=service.auth(service.other_token))
    assert other.status_code == 404


def test_without_the_post_the_blogs_subject_stands_in_and_the_reasons_say_so(service):
    body = comment("c-nopost", "Bra skrivet om hur företag ska hantera kritik i sociala medier och på Twitter.")
    del body["post"]
    answer = service.signed(body).json()
    assert "post_unknown" in [reason["code"] for reason in answer["reasons"]]
    assert answer["scores"]["off_topic"] < 0.6, answer  # on the blog's subject, though no post was sent


def test_a_new_comment_costs_its_writes_alone_once_its_site_is_known(service):
    """The first webhook reads the site; the next ones use the process's copy of it. Then the
    comment (its INSERT is the idempotency check) and its decision: one statement on PostgreSQL,
    a transaction of its own once nothing else is read (no BEGIN, no COMMIT), two INSERTs on
    SQLite. A stray reload (an object read after the transaction that loaded it ended) would
    show here as a SELECT."""
    from sqlalchemy import event

    statements: list[tuple[str, bool]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        autocommit = bool(getattr(conn.connection.dbapi_connection, "autocommit", False))
        statements.append((statement.split(None, 1)[0].upper(), autocommit))

    event.listen(service.app.state.engine, "before_cursor_execute", record)
    try:
        assert service.signed(comment("c-cost-1", "Intressant, tack för tipsen!")).status_code == 200
        first = statements.copy()
        statements.clear()
        assert service.signed(comment("c-cost-2", "Bra skrivet om kundtjänst i sociala medier.")).status_code == 200
    finally:
        event.remove(service.app.state.engine, "before_cursor_execute", record)
    if service.app.state.engine.dialect.name == "postgresql":
        assert first == [("SELECT", False), ("WITH", False)], first
        assert statements == [("WITH", True)], statements
    else:
        assert first == [("SELECT", False), ("INSERT", False), ("INSERT", False)], first
        assert statements == [("INSERT", False), ("INSERT", False)], statements


def test_after_postgresql_drops_the_pooled_connections_the_next_webhook_is_answered(
    fresh_postgres, models_dir, monkeypatch
):
    """As after a server restart: the connections idle in the pool are gone. The first one taken
    fails its ping and the pool replaces them, so the webhook is stored and answered (a pooled
    connection back within ``PING_AFTER_IDLE_S`` is not pinged: set to 0 here, as if idle)."""
    name = f"restart-{uuid.uuid4().hex[:8]}"
    settings = Settings(
        database_url=f"{fresh_postgres}&application_name={name}", models_dir=models_dir, secret_key=SECRET_KEY,
        callback_interval_s=0,
    )  # fmt: skip
    app = create_app(settings)
    try:
        with transaction(app.state.sessions) as session:
            secret = create_site(session, SECRET_KEY, "blog", "Anamma", languages=["sv"], topic="Sociala medier")
        with TestClient(app) as client:
            service = Service(client, app, secret["secret"], token="", other_token="")  # webhooks only
            assert service.signed(comment("r1", "Intressant, tack för tipsen!")).status_code == 200
            admin = create_engine(POSTGRES_URL)
            with admin.begin() as connection:
                ended = connection.execute(
                    text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :name"),
                    {"name": name},
                ).all()
            admin.dispose()
            assert ended
            monkeypatch.setattr(moderation.store.database, "PING_AFTER_IDLE_S", 0.0)
            assert service.signed(comment("r2", "Intressant, tack för tipsen!")).status_code == 200
        with app.state.sessions() as session:
            assert session.scalar(select(func.count()).select_from(CommentRow)) == 2
    finally:
        app.state.engine.dispose()
