"""Domain errors become HTTP answers here, and only here: ``{"error": {"code", "message"}}``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import OperationalError

from moderation import errors

Model = TypeVar("Model", bound=BaseModel)
STATUS = {
    errors.SiteExists: 409,
    errors.InvalidComment: 422,
    errors.InvalidRequest: 422,
    errors.UnknownSite: 404,
    errors.BadSignature: 401,
    errors.Unauthorized: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.AlreadyDecided: 409,
    errors.ModelNotFound: 503,
    errors.ModelIntegrityError: 503,
}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


class RequestRejected(Exception):
    """An HTTP-level rejection (size, media type, JSON syntax) raised before any domain code runs."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def describe(problems: Sequence[Any]) -> str:
    """Pydantic's validation errors as one line: ``field.path: message; ...``."""
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'] if p != 'body')}: {e['msg']}" for e in problems[:10])


def validated(model: type[Model], raw: Any) -> Model:
    """``raw`` as ``model``, or a 422 naming what is wrong."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise RequestRejected(422, "invalid_body", describe(exc.errors())) from exc


def install(app: FastAPI) -> None:
    @app.exception_handler(errors.ModerationError)
    async def domain(_: Request, exc: errors.ModerationError) -> JSONResponse:
        status = next((s for kind, s in STATUS.items() if isinstance(exc, kind)), 400)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 and isinstance(exc, errors.Unauthorized) else None
        return error_response(status, exc.code, str(exc), headers)

    @app.exception_handler(RequestRejected)
    async def rejected(_: Request, exc: RequestRejected) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, "invalid_body", describe(exc.errors()))

    @app.exception_handler(OperationalError)
    async def store_down(_: Request, exc: OperationalError) -> JSONResponse:
        return error_response(
            503, "store_unavailable", "the database is unavailable; nothing was stored", {"Retry-After": "5"}
        )
