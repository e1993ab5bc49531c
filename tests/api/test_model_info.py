"""GET /v1/model: the version serving in this process and how it measured."""

from __future__ import annotations

from pathlib import Path

from moderation.registry import Registry
from moderation.training.corpus import load_seed


def test_the_serving_version_and_its_metrics_are_shown_to_moderators(service, models_dir):
    assert service.client.get("/v1/model").status_code == 401
    answer = service.client.get("/v1/model", headers=service.auth())
    assert answer.status_code == 200
    body = answer.json()
    metadata = Registry(models_dir).metadata(Registry(models_dir).current())
    assert body["version"] == metadata["version"] and body["created_at"] == metadata["created_at"]
    assert body["metrics"]["spam"]["f1"] == metadata["metrics"]["spam"]["all"]["f1"]
    assert {"sv", "en"} <= set(body["metrics_by_language"]["spam"])
    assert body["thresholds"]["spam"]["remove_at"] == metadata["thresholds"]["spam"]["remove_at"]
    assert body["datasets"] == [{"path": d["path"], "format": "seed", "rows": d["rows"]} for d in metadata["datasets"]]
    assert body["datasets"][0]["rows"] == len(load_seed(Path(__file__).resolve().parents[2] / "data"))
