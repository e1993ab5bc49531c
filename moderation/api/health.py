"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from moderation.api import examples
from moderation.errors import ModerationError

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness", responses=examples.json_example({"status": "ok"}))
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Readiness",
    responses=examples.json_example({"ready": True, "checks": {"model": examples.MODEL_VERSION, "database": "ok"}})
    | examples.json_example(
        {"ready": False, "checks": {"model": examples.MODEL_VERSION, "database": "error: OperationalError"}},
        503,
        "Not ready: no model, or the database does not answer",
    ),
)
def readyz(request: Request) -> JSONResponse:
    """A model is loaded and the database answers."""
    checks: dict[str, str] = {}
    try:
        checks["model"] = request.app.state.models.scorer().version
    except ModerationError as exc:
        checks["model"] = f"error: {exc}"
    try:
        with request.app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except SQLAlchemyError as exc:
        checks["database"] = f"error: {type(exc).__name__}"
    ready = checks["database"] == "ok" and not checks["model"].startswith("error")
    return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)
