"""Labels people gave in the service become training rows: decisions, restores, platform feedback."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from moderation.labels import export_labels
from moderation.training.corpus import CANONICAL_COLUMNS
from moderation.training.formats import load_dataset
from tests.api.conftest import comment
from tests.api.test_feedback import feedback

QUEUED = "Bra inlägg! Använd min rabattkod SPARA10 på kursen, {}."
REMOVED = "Spela på vårt kasino och vinn, {}!"


def run_moderation(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {"PATH": str(Path(sys.executable).parent), "HOME": str(Path.home())}
    return subprocess.run(
        [str(Path(sys.executable).parent / "moderation"), *args],
        capture_output=True, text=True, env=base | env, timeout=300, check=False,
    )  # fmt: skip


def send(service, comment_id: str, text: str) -> dict:
    return service.signed(comment(comment_id, text)).json()


def decide(service, item_id: int, label: str) -> None:
    action = "approve" if label == "ham" else "remove"
    response = service.client.post(
        f"/v1/queue/{item_id}/decision", json={"action": action, "label": label}, headers=service.auth()
    )
    assert response.status_code == 200, response.text


def exported(service, **kwargs):
    with service.sessions() as session:
        return export_labels(session, **kwargs)


def test_only_what_people_said_is_exported_with_who_and_when(service):
    spam = send(service, "c1", QUEUED.format("ett"))
    ham = send(service, "c2", QUEUED.format("två"))
    decide(service, spam["queue_item_id"], "spam")
    decide(service, ham["queue_item_id"], "ham")
    removed = send(service, "c3", REMOVED.format("tre"))
    assert removed["action"] == "remove"
    send(service, "c4", "Klokt skrivet om kunderna i sociala medier.")  # the model approves; nobody confirms
    send(service, "c5", QUEUED.format("fem"))  # waits in the queue: no label yet
    assert feedback(service, "c3", {"site": "blog", "label": "spam"}).status_code == 202

    frame = exported(service)
    assert list(frame.columns[: len(CANONICAL_COLUMNS)]) == CANONICAL_COLUMNS
    by_id = frame.set_index("id")
    assert sorted(by_id.index) == ["blog:c1", "blog:c2", "blog:c3"]
    assert by_id.loc["blog:c1", "label"] == "spam" and by_id.loc["blog:c2", "label"] == "ham"
    assert by_id.loc["blog:c1", "labelled_by"].startswith("token:")
    assert by_id.loc["blog:c3", "labelled_by"] == "platform" and by_id.loc["blog:c3", "model_action"] == "remove"
    row = by_id.loc["blog:c1"]
    assert row["post_title"] == "Sociala medier = Corporate Responsibility" and row["site_languages"] == "sv"
    assert row["post_tags"] == "sociala medier;företag" and row["site_topic"].startswith("Bloggen handlar")
    assert row["split"] in ("train", "test") and row["labelled_at"].startswith(str(datetime.now(UTC).year))


def test_the_latest_human_word_wins_and_an_edit_voids_earlier_labels(service):
    removed = send(service, "r1", REMOVED.format("ett"))
    assert feedback(service, "r1", {"site": "blog", "label": "spam"}).status_code == 202
    restored = service.client.post(f"/v1/comments/{removed['queue_item_id'] or _id(service, 'r1')}/restore",
                                   json={}, headers=service.auth())  # fmt: skip
    assert restored.status_code == 200
    ham = send(service, "e1", QUEUED.format("sex"))
    decide(service, ham["queue_item_id"], "ham")
    edited = service.signed(comment("e1", "Nu med en helt annan text om kasino!", edited=True)).json()
    assert edited["action"] == "remove"

    by_id = exported(service).set_index("id")
    assert by_id.loc["blog:r1", "label"] == "ham", "the moderator's restore came after the platform's spam"
    assert "blog:e1" not in by_id.index, "the label was given on the text before the edit"


def test_the_same_text_twice_is_one_row_with_its_latest_label(service):
    first = send(service, "d1", QUEUED.format("sju"))
    second = send(service, "d2", QUEUED.format("sju"))
    decide(service, first["queue_item_id"], "ham")
    decide(service, second["queue_item_id"], "spam")
    frame = exported(service)
    assert frame["id"].tolist() == ["blog:d2"] and frame["label"].tolist() == ["spam"]


def test_since_and_site_narrow_the_export(service):
    item = send(service, "s1", QUEUED.format("åtta"))
    decide(service, item["queue_item_id"], "spam")
    assert len(exported(service, since=datetime.now(UTC) - timedelta(hours=1))) == 1
    assert exported(service, since=datetime.now(UTC) + timedelta(hours=1)).empty
    assert exported(service, site="other").empty


def test_an_export_reads_back_as_a_canonical_dataset(service, tmp_path):
    for i, label in enumerate(["spam", "ham", "spam"]):
        decide(service, send(service, f"k{i}", QUEUED.format(f"nummer {i}"))["queue_item_id"], label)
    path = tmp_path / "exported.csv"
    exported(service).to_csv(path, index=False)
    loaded = load_dataset(str(path))
    assert loaded.columns.tolist() == CANONICAL_COLUMNS
    assert sorted(loaded["label"]) == ["ham", "spam", "spam"]
    assert set(loaded["source"]) == {"moderated:blog"}


def _id(service, platform_id: str) -> int:
    removed = service.client.get("/v1/queue?status=removed", headers=service.auth()).json()
    return next(item["id"] for item in removed["data"] if item["comment_id"] == platform_id)


def test_labels_export_command_writes_a_csv_train_py_reads(service, tmp_path):
    item = send(service, "x1", QUEUED.format("nio"))
    decide(service, item["queue_item_id"], "spam")
    out = tmp_path / "labels" / "exported.csv"
    env = {"MODERATION_DATABASE_URL": str(service.app.state.settings.database_url)}
    result = run_moderation("labels", "export", "--since", "2000-01-01", "--site", "blog", "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr
    assert "1 labelled comment(s)" in result.stderr and "spam 1" in result.stderr
    assert load_dataset(str(out))["id"].tolist() == ["blog:x1"]
    bad = run_moderation("labels", "export", "--since", "yesterday", "--out", str(out), env=env)
    assert bad.returncode == 2 and "yesterday" in bad.stderr
    unknown = run_moderation("labels", "export", "--since", "2000-01-01", "--site", "nope", "--out", str(out), env=env)
    assert unknown.returncode == 2 and "no site 'nope'" in unknown.stderr
