"""What routes depend on, as aliases that make signatures read like sentences."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Annotated, TypeVar

import anyio.to_thread
from fastapi import Depends, Header, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from moderation.config import Settings
from moderation.scoring.scorer import Scorer
from moderation.sites import Principal, authenticate

T = TypeVar("T")


async def run_decision(request: Request, work: Callable[..., T], *args: object) -> T:
    """Run ``work(*args)`` (scoring and storing a comment: blocking) in a thread, off the event
    loop, at most ``Settings.decision_threads`` at once per process. Like FastAPI's own thread
    hop, a cancelled request still waits for its thread to finish with the session."""
    return await anyio.to_thread.run_sync(partial(work, *args), limiter=request.app.state.decision_limiter)


# Dependencies that only read app state are coroutines: FastAPI runs a plain function in the
# thread pool, a hop that costs more than what it calls.


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session for one request. Routes that write call ``commit()`` before they answer; anything
    uncommitted is rolled back when the request ends. (Opening a session does not connect; the
    routes' database work runs in a thread or, for short lookups, inline.)"""
    with request.app.state.sessions() as session:
        yield session


async def get_scorer(request: Request) -> Scorer:
    models = request.app.state.models
    if models.check_due:  # now and then: may load a new model version, which takes seconds
        return await run_in_threadpool(models.scorer)
    return models.loaded


def get_principal(
    session: Annotated[Session, Depends(get_session)], authorization: str | None = Header(None)
) -> Principal:
    token = (
        authorization.removeprefix("Bearer ").strip() if authorization and authorization.startswith("Bearer ") else None
    )
    return authenticate(session, token)


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
ScorerDep = Annotated[Scorer, Depends(get_scorer)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]


def get_admin(principal: PrincipalDep) -> Principal:
    """The caller, who must hold an admin token (403 otherwise)."""
    principal.require_admin()
    return principal


AdminDep = Annotated[Principal, Depends(get_admin)]
