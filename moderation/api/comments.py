"""The platform's webhook: ``POST /v1/comments``, and a comment with its history."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Header, Request, Response
from sqlalchemy.orm import Session

from moderation.api import examples
from moderation.api.deps import PrincipalDep, SessionDep, get_scorer, run_decision
from moderation.api.errors import RequestRejected, validated
from moderation.api.metrics import DECISIONS
from moderation.api.schemas import (
    CommentDetailOut,
    CommentIn,
    DecisionOut,
    ErrorOut,
    FeedbackIn,
    HistoryEntry,
    QueueItemOut,
    RestoreIn,
)
from moderation.api.views import decision_out, item_out
from moderation.config import Settings
from moderation.errors import BadSignature, InvalidComment
from moderation.feedback import record_feedback
from moderation.intake import Incoming, SiteConfig, receive
from moderation.queue import history, restore, visible
from moderation.scoring.scorer import Scorer
from moderation.secrets import verify
from moderation.site_cache import SiteCache
from moderation.sites import webhook_secrets

T = TypeVar("T")
router = APIRouter(prefix="/v1", tags=["comments"])
ERRORS: dict[int | str, dict[str, Any]] = {s: {"model": ErrorOut} for s in (400, 401, 404, 413, 415, 422, 503)}


async def run_signed(
    request: Request, work: Callable[[Session, SiteConfig, Any], T], signature: str | None, site_id: str | None = None
) -> T:
    """Read a JSON request's body, then, on a decision thread (the database may block: a write
    waiting for SQLite's lock must not stop the event loop), find the site (``site_id``, else the
    body's ``site``) whose secret signed it and return ``work(session, site, parsed body)``, in a
    session begun and ended there (what ``work`` leaves uncommitted is rolled back)."""
    state = request.app.state
    body, raw = await _json_body(request, state.settings)

    def signed_work() -> T:
        with state.sessions() as session:
            site = _signed_site(session, state.site_cache, state.settings, body, raw, signature, site_id)
            return work(session, site, raw)

    return await run_decision(request, signed_work)


async def _json_body(request: Request, settings: Settings) -> tuple[bytes, Any]:
    """The raw body of a JSON request, and what it parses to."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise RequestRejected(415, "unsupported_media_type", "send Content-Type: application/json")
    body = await _body(request, settings.max_body_bytes)
    try:
        return body, json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RequestRejected(400, "malformed_json", f"the body is not valid JSON: {exc}") from exc


def _signed_site(
    session: Session,
    sites: SiteCache,
    settings: Settings,
    body: bytes,
    raw: Any,
    signature: str | None,
    site_id: str | None = None,
) -> SiteConfig:
    """The site (``site_id``, else the body's ``site``) whose secret signed ``body``. May read the
    database: blocking."""
    site_id = site_id or (raw.get("site") if isinstance(raw, dict) else None)
    if not isinstance(site_id, str):
        raise RequestRejected(422, "invalid_body", "site: a site id string is required")
    site, kept = sites.get(session, site_id)
    try:
        _verify(settings, site, body, signature)
    except BadSignature:
        if not kept:
            raise
        site, _ = sites.get(session, site_id, fresh=True)  # a secret rotated by another process?
        _verify(settings, site, body, signature)
    return site


def _verify(settings: Settings, site: SiteConfig, body: bytes, signature: str | None) -> None:
    secrets = webhook_secrets(settings.secret_key, site.id, site.secret_nonces)
    verify(signature, body, secrets, settings.signature_tolerance_s)


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise RequestRejected(413, "too_large", f"the body is over {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise RequestRejected(413, "too_large", f"the body is over {limit} bytes")
    return bytes(body)


@router.post(
    "/comments",
    response_model=DecisionOut,
    responses=ERRORS,
    summary="Score and decide a new or edited comment (signed webhook)",
    openapi_extra=examples.json_body(CommentIn.model_json_schema()),
)
async def receive_comment(request: Request, x_moderation_signature: Annotated[str | None, Header()] = None) -> Response:
    """Sign the raw body: ``X-Moderation-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
    "<t>.<body>" with the site's secret>``. The same ``site`` + ``comment_id`` again returns the
    stored decision; ``edited: true`` re-scores and keeps the history. The comment and its decision
    are committed before the answer."""
    # The app's parts are taken from its state, not as FastAPI dependencies: resolving those cost
    # this, the busiest route, 2% of its instructions (callgrind, BENCHMARKS.md).
    scorer = await get_scorer(request)
    # Reading the site, scoring and storing are blocking work: on the decision thread, so the event
    # loop keeps flowing (a request that fails the signature check waits for that thread too).
    answer = await run_signed(request, partial(_receive, scorer, request.app.state.settings), x_moderation_signature)
    # Serialised here: returned as a model, FastAPI would dump it and validate it again first.
    return Response(answer.model_dump_json(), media_type="application/json")


def _receive(scorer: Scorer, settings: Settings, session: Session, site: SiteConfig, raw: Any) -> DecisionOut:
    """Check the signed comment, then score, decide and store it."""
    payload = validated(CommentIn, raw)
    if len(payload.content) > settings.max_content_chars:
        raise RequestRejected(413, "too_large", f"content is over {settings.max_content_chars} characters")
    if not payload.content.strip():
        raise InvalidComment("content is empty")
    return _store_decision(session, scorer, site, payload)


def _store_decision(session: Session, scorer: Scorer, site: SiteConfig, payload: CommentIn) -> DecisionOut:
    incoming = Incoming(
        platform_id=payload.comment_id, content=payload.content, post_id=payload.post.id,
        post_title=payload.post.title, post_body=payload.post.body, post_url=payload.post.url,
        post_tags=payload.post.tags, author_name=payload.author.name, author_email=payload.author.email,
        author_url=payload.author.url, author_ip=payload.author.ip, author_user_agent=payload.author.user_agent,
        created_at=payload.created_at, parent_id=payload.parent_id, edited=payload.edited,
    )  # fmt: skip
    row, _ = receive(session, scorer, site, incoming)  # (a repeat is answered as it was the first time)
    session.commit()
    answer = decision_out(row)
    DECISIONS.labels(answer.action.value).inc()
    return answer


@router.get(
    "/comments/{comment_id}", response_model=CommentDetailOut, responses=ERRORS, summary="A comment with its history"
)
def get_comment(comment_id: int, session: SessionDep, principal: PrincipalDep) -> CommentDetailOut:
    """A comment with every decision on it, automatic ones included."""
    row = visible(principal, comment_id, session)
    entries = [
        HistoryEntry(actor=d.actor, action=d.action, label=d.label, note=d.note, spam=d.spam,
                     off_topic=d.off_topic, model_version=d.model_version, at=d.at)
        for d in history(session, row)
    ]  # fmt: skip
    return CommentDetailOut(**item_out(session, row).model_dump(), history=entries)


@router.post(
    "/comments/{item_id}/restore", response_model=QueueItemOut, responses=ERRORS, summary="Restore an automatic removal"
)
def restore_comment(item_id: int, body: RestoreIn, session: SessionDep, principal: PrincipalDep) -> QueueItemOut:
    """Overturn an automatic removal (the comment is approved as ham; the platform is called back)."""
    row = restore(session, principal, item_id, body.note)
    session.commit()
    return item_out(session, row)


@router.post(
    "/comments/{comment_id}/feedback",
    status_code=202,
    summary="Report a wrong decision (signed)",
    responses=ERRORS | examples.json_example({"status": "recorded"}, 202, "Recorded"),
    openapi_extra=examples.json_body(FeedbackIn.model_json_schema()),
)
async def comment_feedback(
    comment_id: str, request: Request, x_moderation_signature: Annotated[str | None, Header()] = None
) -> dict[str, str]:
    """The platform reports missed spam or a false positive for its comment ``comment_id``; signed
    like the webhook, body ``{"site", "label", "note"}``. Becomes a training label."""

    def record(session: Session, site: SiteConfig, raw: Any) -> dict[str, str]:
        feedback = validated(FeedbackIn, raw)
        record_feedback(session, site.id, comment_id, feedback.label, feedback.note)
        session.commit()
        return {"status": "recorded"}

    return await run_signed(request, record, x_moderation_signature)
