"""Which model version serves in this process, and how it measured when it was trained."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from moderation.api.deps import PrincipalDep, ScorerDep
from moderation.api.schemas import ErrorOut

router = APIRouter(prefix="/v1", tags=["model"])
ERRORS: dict[int | str, dict[str, Any]] = {s: {"model": ErrorOut} for s in (401, 503)}


@router.get("/model", responses=ERRORS)
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
