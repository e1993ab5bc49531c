"""Moderators work the queue: listing, tenancy, decisions, the two-moderator race."""

from __future__ import annotations

import threading

from tests.api.conftest import comment


def queue_one(service, comment_id: str, text: str = "Bra inlägg! Använd min rabattkod SPARA10 på kursen.") -> int:
    answer = service.signed(comment(comment_id, text)).json()
    assert answer["action"] == "queue", answer
    return answer["queue_item_id"]


def test_queue_needs_a_token(service):
    assert service.client.get("/v1/queue").status_code == 401
    response = service.client.get("/v1/queue", headers=service.auth("mod_nonsense"))
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"


def test_queue_items_carry_what_a_moderator_needs(service):
    item_id = queue_one(service, "q1")
    item = service.client.get("/v1/queue", headers=service.auth()).json()["data"][0]
    assert item["id"] == item_id and item["status"] == "pending"
    assert item["post"]["title"] == "Sociala medier = Corporate Responsibility" and item["post"]["url"]
    assert item["author"]["email"] == "karin@example.com"
    assert item["author_history"] == {"approved": 0, "removed": 0}
    assert item["note"] and item["reasons"] and "suspect_word" in item["causes"]


def test_a_moderator_of_another_site_sees_and_changes_nothing(service):
    item_id = queue_one(service, "q2")
    other = service.auth(service.other_token)
    assert service.client.get("/v1/queue", headers=other).json() == {"data": [], "count": 0}
    assert service.client.get("/v1/queue?site=blog", headers=other).status_code == 403
    decision = service.client.post(
        f"/v1/queue/{item_id}/decision", json={"action": "approve", "label": "ham"}, headers=other
    )
    assert decision.status_code == 404
    assert service.client.get("/v1/queue", headers=service.auth()).json()["count"] == 1


def test_a_decision_is_recorded_with_who_and_why_and_leaves_the_queue(service):
    item_id = queue_one(service, "q3")
    response = service.client.post(
        f"/v1/queue/{item_id}/decision", json={"action": "remove", "label": "spam", "note": "rabattkoder är reklam"},
        headers=service.auth(),
    )  # fmt: skip
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "decided" and response.json()["label"] == "spam"
    assert service.client.get("/v1/queue", headers=service.auth()).json()["count"] == 0
    decided = service.client.get("/v1/queue?status=decided", headers=service.auth()).json()
    assert [i["id"] for i in decided["data"]] == [item_id]
    history = service.client.get(f"/v1/comments/{item_id}", headers=service.auth()).json()["history"]
    assert [(h["actor"].split(":")[0], h["action"], h["label"], h["note"]) for h in history][1] == (
        "token", "remove", "spam", "rabattkoder är reklam",
    )  # fmt: skip


def test_deciding_twice_conflicts(service):
    item_id = queue_one(service, "q4")
    url = f"/v1/queue/{item_id}/decision"
    assert (
        service.client.post(url, json={"action": "approve", "label": "ham"}, headers=service.auth()).status_code == 200
    )
    again = service.client.post(url, json={"action": "remove", "label": "spam"}, headers=service.auth())
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_decided"


def test_two_moderators_deciding_at_once_one_wins(service):
    item_id = queue_one(service, "q5")
    url = f"/v1/queue/{item_id}/decision"
    start = threading.Barrier(2)
    statuses: list[int] = []

    def moderator(label: str, action: str) -> None:
        start.wait()
        statuses.append(
            service.client.post(url, json={"action": action, "label": label}, headers=service.auth()).status_code
        )

    threads = [threading.Thread(target=moderator, args=args) for args in (("ham", "approve"), ("spam", "remove"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 409]
    history = service.client.get(f"/v1/comments/{item_id}", headers=service.auth()).json()["history"]
    assert len(history) == 2


def test_decisions_must_make_sense(service):
    item_id = queue_one(service, "q6")
    url = f"/v1/queue/{item_id}/decision"
    for body in (
        {"action": "approve", "label": "spam"},
        {"action": "queue", "label": "ham"},
        {"action": "delete", "label": "spam"},
    ):
        response = service.client.post(url, json=body, headers=service.auth())
        assert response.status_code == 422, body
    assert service.client.get("/v1/queue", headers=service.auth()).json()["count"] == 1


def test_filters_sort_and_pages(service):
    ids = [queue_one(service, f"q7-{i}", f"Rabattkod nummer {i} för kursen om sociala medier") for i in range(3)]
    auth = service.auth()
    oldest = service.client.get("/v1/queue?sort=oldest&limit=2", headers=auth).json()
    assert oldest["count"] == 3 and [i["id"] for i in oldest["data"]] == ids[:2]
    page_two = service.client.get("/v1/queue?sort=oldest&limit=2&offset=2", headers=auth).json()
    assert [i["id"] for i in page_two["data"]] == ids[2:]
    assert service.client.get("/v1/queue?reason=suspect_word", headers=auth).json()["count"] == 3
    assert service.client.get("/v1/queue?reason=blocked_word", headers=auth).json()["count"] == 0
    assert service.client.get("/v1/queue?language=ru", headers=auth).json()["count"] == 0
    assert service.client.get("/v1/queue?min_score=1.0", headers=auth).json()["count"] == 0
    risks = [
        max(i["scores"]["spam"], i["scores"]["off_topic"])
        for i in service.client.get("/v1/queue", headers=auth).json()["data"]
    ]
    assert risks == sorted(risks, reverse=True)
    assert service.client.get("/v1/queue?status=nonsense", headers=auth).status_code == 422


def test_author_history_counts_their_other_comments(service):
    service.signed(comment("h1", "Spela på vårt kasino!"))
    service.signed(comment("h2", "Klokt skrivet om hur företag ska lyssna på kunder i sociala medier."))
    item_id = queue_one(service, "h3")
    item = next(i for i in service.client.get("/v1/queue", headers=service.auth()).json()["data"] if i["id"] == item_id)
    assert item["author_history"] == {"approved": 1, "removed": 1}


def test_search_by_text_and_author_and_filter_by_automatic_action(service):
    queue_one(service, "q9-1", "Rabattkod för 100% rabatt_på kursen")
    queue_one(service, "q9-2", "Rabattkod till en annan kurs")
    auth = service.auth()
    assert service.client.get("/v1/queue?q=100%25 rabatt_", headers=auth).json()["count"] == 1
    assert service.client.get("/v1/queue?q=%25", headers=auth).json()["count"] == 1  # a literal %, not a wildcard
    assert service.client.get("/v1/queue?q=KARIN@example", headers=auth).json()["count"] == 2
    assert service.client.get("/v1/queue?action=queue", headers=auth).json()["count"] == 2
    assert service.client.get("/v1/queue?action=remove", headers=auth).json()["count"] == 0
    assert service.client.get("/v1/queue?action=delete", headers=auth).status_code == 422


def test_undo_returns_a_comment_to_the_queue_and_keeps_the_history(service):
    item_id = queue_one(service, "q10")
    auth = service.auth()
    decided = service.client.post(
        f"/v1/queue/{item_id}/decision", json={"action": "remove", "label": "spam"}, headers=auth
    )
    assert decided.json()["status"] == "decided"
    undone = service.client.post(f"/v1/queue/{item_id}/undo", headers=auth)
    assert undone.status_code == 200 and undone.json()["status"] == "pending" and undone.json()["label"] is None
    assert [i["id"] for i in service.client.get("/v1/queue", headers=auth).json()["data"]] == [item_id]
    history = service.client.get(f"/v1/comments/{item_id}", headers=auth).json()["history"]
    assert [h["action"] for h in history] == ["queue", "remove", "undo"]
    again = service.client.post(f"/v1/queue/{item_id}/undo", headers=auth)
    assert again.status_code == 409
    assert (
        service.client.post(f"/v1/queue/{item_id}/undo", headers=service.auth(service.other_token)).status_code == 404
    )


def test_an_automatic_removal_can_be_confirmed_with_a_label_then_undone(service):
    answer = service.signed(comment("q11", "Spela på nätets bästa kasino")).json()
    assert answer["action"] == "remove"
    removed_id = service.client.get("/v1/queue?status=removed", headers=service.auth()).json()["data"][0]["id"]
    url = f"/v1/queue/{removed_id}/decision"
    confirmed = service.client.post(url, json={"action": "remove", "label": "spam"}, headers=service.auth())
    assert confirmed.status_code == 200 and confirmed.json()["label"] == "spam"
    assert service.client.get("/v1/queue?status=removed", headers=service.auth()).json()["count"] == 0
    assert service.client.post(f"/v1/queue/{removed_id}/undo", headers=service.auth()).json()["status"] == "removed"


def test_missed_spam_approved_automatically_can_be_taken_down(service):
    answer = service.signed(
        comment("q12", "Håller med, företag borde prata med missnöjda kunder i sociala medier.")
    ).json()
    assert answer["action"] == "approve", answer
    auth = service.auth()
    approved_id = service.client.get("/v1/queue?status=approved", headers=auth).json()["data"][0]["id"]
    taken = service.client.post(
        f"/v1/queue/{approved_id}/decision", json={"action": "remove", "label": "spam"}, headers=auth
    )
    assert taken.status_code == 200 and taken.json()["status"] == "decided"
    again = service.client.post(
        f"/v1/queue/{approved_id}/decision", json={"action": "approve", "label": "ham"}, headers=auth
    )
    assert again.status_code == 409 and "undo" in again.json()["error"]["message"]
    assert service.client.post(f"/v1/queue/{approved_id}/undo", headers=auth).json()["status"] == "approved"
