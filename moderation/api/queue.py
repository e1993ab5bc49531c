"""The queue API for moderators: list, decide."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from moderation.api.deps import PrincipalDep, SessionDep
from moderation.api.schemas import DecisionIn, ErrorOut, QueueItemOut, QueueOut
from moderation.api.views import item_out
from moderation.queue import QueueQuery, decide, list_queue, undo

router = APIRouter(prefix="/v1/queue", tags=["queue"])
ERRORS: dict[int | str, dict[str, Any]] = {s: {"model": ErrorOut} for s in (401, 403, 404, 409, 422)}


@router.get("", response_model=QueueOut, responses=ERRORS, summary="List the queue")
def get_queue(
    session: SessionDep,
    principal: PrincipalDep,
    site: str | None = None,
    status: str = "pending",
    reason: str | None = None,
    language: str | None = None,
    min_score: Annotated[float | None, Query(ge=0, le=1)] = None,
    max_score: Annotated[float | None, Query(ge=0, le=1)] = None,
    sort: str = "priority",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
    action: str | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> QueueOut:
    """Comments of your sites: ``pending`` (default), ``removed`` automatically, ``approved``
    automatically or ``decided`` by a human; highest risk first (``sort=priority``) or ``oldest``.
    ``reason`` is a cause code (``spam``, ``off_topic``, ``links``, ``language``, ...), ``action``
    what the automatic decision was (``approve`` | ``queue`` | ``remove``), ``q`` words in the
    text or the author's name, e-mail or URL."""
    query = QueueQuery(site, status, reason, language, min_score, max_score, sort, limit, offset, action, q)
    rows, count = list_queue(session, principal, query)
    return QueueOut(data=[item_out(session, row) for row in rows], count=count)


@router.post("/{item_id}/decision", response_model=QueueItemOut, responses=ERRORS, summary="Decide a comment")
def post_decision(item_id: int, body: DecisionIn, session: SessionDep, principal: PrincipalDep) -> QueueItemOut:
    """Approve (label ``ham``) or remove (``spam`` / ``off_topic``) a pending comment, or one the model
    settled: approving a comment removed automatically restores it, removing one approved
    automatically takes it down (missed spam). The first of two moderators deciding at once wins;
    the second gets 409 (as does a comment already decided: undo first)."""
    row = decide(session, principal, item_id, body.action, body.label, body.note)
    session.commit()
    return item_out(session, row)


@router.post("/{item_id}/undo", response_model=QueueItemOut, responses=ERRORS, summary="Undo a decision")
def post_undo(item_id: int, session: SessionDep, principal: PrincipalDep) -> QueueItemOut:
    """Take back the human decision on a comment: it returns to where the automatic decision put it
    (pending, removed or approved), and the platform is called back with ``comment.reopened``."""
    row = undo(session, principal, item_id)
    session.commit()
    return item_out(session, row)
