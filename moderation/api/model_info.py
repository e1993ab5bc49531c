"""Which model version serves in this process, and how it measured when it was trained."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from moderation.api import examples
from moderation.api.deps import PrincipalDep, ScorerDep
from moderation.api.schemas import ErrorOut

router = APIRouter(prefix="/v1", tags=["model"])
ERRORS: dict[int | str, dict[str, Any]] = {s: {"model": ErrorOut} for s in (401, 503)}


MODEL_EXAMPLE = {
    "version": examples.MODEL_VERSION, "created_at": "2026-11-28T04:35:18+00:00",
    "datasets": [{"path": "data", "format": "seed", "rows": 2415},
                 {"path": "labels-2026-11.csv", "format": "canonical", "rows": 812}],
    "rows": {"combined": 3227, "test": 801, "train_spam": 2603, "train_off_topic": 2690},
    "thresholds": {"spam": {"queue_at": 0.5, "remove_at": 0.8}, "off_topic": {"queue_at": 0.5, "remove_at": 0.949}},
    "metrics": {
        "spam": {"f1": 0.9521, "positives": 171, "precision": 0.9578, "recall": 0.9465, "roc_auc": 0.994, "rows": 622},
        "off_topic": {"f1": 0.7813, "positives": 128, "precision": 0.8197, "recall": 0.7463, "roc_auc": 0.931,
                      "rows": 590},
    },
    "metrics_by_language": {"spam": {"sv": {"f1": 0.9655, "positives": 44, "precision": 1.0, "recall": 0.9333,
                                            "roc_auc": 0.998, "rows": 188}}},
}  # fmt: skip


@router.get("/model", responses=ERRORS | examples.json_example(MODEL_EXAMPLE), summary="The model version serving")
def get_model(request: Request, scorer: ScorerDep, _: PrincipalDep) -> dict[str, Any]:
    """The version this process scores with (a promotion shows here within seconds), when it was
    trained, on what, its thresholds and its metrics on its held-out test split."""
    metadata = request.app.state.models.registry.metadata(scorer.version)
    return {
        "version": scorer.version,
        "created_at": metadata.get("created_at"),
        "datasets": [{k: d.get(k) for k in ("path", "format", "rows")} for d in metadata.get("datasets", [])],
        "rows": metadata.get("rows", {}),
        "thresholds": metadata.get("thresholds", {}),
        "metrics": {task: m.get("all") for task, m in metadata.get("metrics", {}).items()},
        "metrics_by_language": {task: m.get("by_language") for task, m in metadata.get("metrics", {}).items()},
    }
