"""The Akismet REST API, for platforms that already speak it: ``/1.1/verify-key``,
``/1.1/comment-check``, ``/1.1/submit-spam``, ``/1.1/submit-ham``, ``/1.2/key-sites`` and
``/1.2/usage-limit``. Answers are Akismet's: HTTP 200 with a plain-text body, ``invalid`` plus an
``X-akismet-debug-help`` header for a bad key or a missing parameter."""

from __future__ import annotations

import csv
import io

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy.orm import Session

from moderation.akismet import (
    THANKS,
    Checked,
    CheckResult,
    check,
    site_for_key,
    submit,
    usage,
)
from moderation.api import examples
from moderation.api.deps import ScorerDep, SessionDep, SettingsDep, run_decision
from moderation.api.errors import RequestRejected
from moderation.api.metrics import DECISIONS
from moderation.config import Settings
from moderation.domain import Label
from moderation.errors import InvalidAkismetCall
from moderation.scoring.scorer import Scorer

router = APIRouter(tags=["akismet"])
DEBUG_HELP = "X-akismet-debug-help"
CSV_COLUMNS = ("Site", "Total API Calls", "Spam", "Ham", "Missed Spam", "False Positives", "Is Revoked")
INVALID = "an answer of `invalid` carries the reason in the `X-akismet-debug-help` header"
USAGE = {"limit": "none", "usage": 152, "percentage": "0.00", "throttled": False}
MONTH = {"2026-11": [{"site": "anamma", "api_calls": "152", "spam": "40", "ham": "112", "missed_spam": "2",
                      "false_positives": "1", "is_revoked": False}], "limit": 500, "offset": 0, "total": 1}  # fmt: skip
MONTH_CSV = (
    f"Active sites for {examples.API_KEY} during 2026-11 (limit:500, offset: 0, total: 1)\n"
    + ",".join(CSV_COLUMNS) + "\nanamma,152,40,112,2,1,false\n"
)  # fmt: skip
KEY_SITES_QUERY = [
    {"name": name, "in": "query", "required": name == "api_key", "schema": {"type": "string"}, "description": text}
    for name, text in (
        ("api_key", "the site's API key"), ("month", "YYYY-MM, default this month"),
        ("filter", "only sites whose name contains this"), ("limit", "default 500"), ("offset", "default 0"),
        ("format", "json (default) or csv"),
    )
]  # fmt: skip


def _json_or_csv() -> examples.Responses:
    json_answer = examples.json_example(MONTH)
    json_answer[200]["content"]["text/csv"] = {"example": MONTH_CSV}
    return json_answer


async def _params(request: Request, settings: Settings) -> dict[str, str]:
    """The call's parameters: the query string, then the form body (which wins)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > settings.max_body_bytes:
        raise RequestRejected(413, "too_large", f"the body is over {settings.max_body_bytes} bytes")
    params = dict(request.query_params)
    if request.method == "POST":
        form = await request.form()
        params |= {key: value for key, value in form.items() if isinstance(value, str)}
    return params


def _invalid(exc: InvalidAkismetCall) -> Response:
    return PlainTextResponse("invalid", headers={DEBUG_HELP: str(exc)})


@router.post(
    "/1.1/verify-key",
    response_class=PlainTextResponse,
    summary="Check an API key (Akismet)",
    responses=examples.text_example("valid", description=INVALID),
    openapi_extra=examples.form_body({"key": examples.API_KEY, "blog": "https://anamma.se"}, ("key", "blog")),
)
async def verify_key(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """``key`` (or ``api_key``) and ``blog``: ``valid`` when the key is a site's API key and ``blog``
    is that site's URL (scheme, ``www.`` and a trailing slash aside)."""
    params = await _params(request, settings)
    try:
        site_for_key(session, params.get("key") or params.get("api_key"), params.get("blog", ""))
    except InvalidAkismetCall as exc:
        return _invalid(exc)
    return PlainTextResponse("valid")


@router.post(
    "/1.1/comment-check",
    response_class=PlainTextResponse,
    summary="Check a comment (Akismet)",
    responses=examples.text_example("true", description=f"`true` (spam) or `false` (ham); {INVALID}"),
    openapi_extra=examples.form_body(examples.AKISMET_COMMENT, ("api_key", "blog", "user_ip", "comment_content")),
)
async def comment_check(request: Request, session: SessionDep, scorer: ScorerDep, settings: SettingsDep) -> Response:
    """``true`` (spam: our policy queues or removes it), with ``X-akismet-pro-tip: discard`` when it
    removes it; ``false`` (ham). The comment is stored and queued like a webhook comment, before
    the answer, unless ``is_test`` is set."""
    params = await _params(request, settings)
    try:
        checked = await run_decision(request, _check_and_store, session, scorer, params)
    except InvalidAkismetCall as exc:
        return _invalid(exc)
    if checked.result is CheckResult.HAM:
        return PlainTextResponse("false")
    headers = {"X-akismet-pro-tip": "discard"} if checked.result is CheckResult.DISCARD else None
    return PlainTextResponse("true", headers=headers)


def _check_and_store(session: Session, scorer: Scorer, params: dict[str, str]) -> Checked:
    site = site_for_key(session, params.get("api_key"), params.get("blog", ""))
    checked = check(session, scorer, site, params)  # (a repeat is answered as it was the first time)
    session.commit()
    if checked.row is not None:
        DECISIONS.labels(checked.row.answered_action).inc()
    return checked


async def _submit(request: Request, session: Session, settings: Settings, label: Label) -> Response:
    # On a decision thread, as comment-check: the label's write may wait for SQLite's lock.
    params = await _params(request, settings)
    try:
        await run_decision(request, _submit_and_store, session, params, label)
    except InvalidAkismetCall as exc:
        return _invalid(exc)
    return PlainTextResponse(THANKS)


def _submit_and_store(session: Session, params: dict[str, str], label: Label) -> None:
    submit(session, site_for_key(session, params.get("api_key"), params.get("blog", "")), params, label)
    session.commit()


@router.post(
    "/1.1/submit-spam",
    response_class=PlainTextResponse,
    summary="Report missed spam (Akismet)",
    responses=examples.text_example(THANKS, description=INVALID),
    openapi_extra=examples.form_body(examples.AKISMET_COMMENT, ("api_key", "blog", "user_ip", "comment_content")),
)
async def submit_spam(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """Missed spam: a ``spam`` label from the platform on the comment, kept for training."""
    return await _submit(request, session, settings, Label.SPAM)


@router.post(
    "/1.1/submit-ham",
    response_class=PlainTextResponse,
    summary="Report a false positive (Akismet)",
    responses=examples.text_example(THANKS, description=INVALID),
    openapi_extra=examples.form_body(
        examples.AKISMET_COMMENT
        | {
            "comment_author": "Karin",
            "comment_author_email": "karin@example.com",
            "comment_content": "Tack för tipset om att lyssna på kunderna!",
        },
        ("api_key", "blog", "user_ip", "comment_content"),
    ),
)
async def submit_ham(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """A false positive: a ``ham`` label from the platform on the comment, kept for training."""
    return await _submit(request, session, settings, Label.HAM)


def _whole(value: str | None, default: int, name: str) -> int:
    text = (value or "").strip()
    if not text:
        return default
    if not text.isdigit():
        raise InvalidAkismetCall(f'"{name}" must be a whole number, not {text!r}')
    return int(text)


@router.get(
    "/1.2/key-sites",
    response_model=None,
    summary="The key's sites and counts (Akismet)",
    responses=_json_or_csv(),
    openapi_extra={"parameters": KEY_SITES_QUERY},
)
@router.post(
    "/1.2/key-sites",
    response_model=None,
    summary="The key's sites and counts (Akismet)",
    responses=_json_or_csv(),
    openapi_extra=examples.form_body({"api_key": examples.API_KEY, "month": "2026-11", "format": "csv"}, ("api_key",)),
)
async def key_sites(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """The key's site (one: a key is one site's) with its counts for ``month`` (YYYY-MM, default
    this month); ``filter``, ``limit``, ``offset``, and ``format=csv`` as Akismet has them."""
    params = await _params(request, settings)
    try:
        key = params.get("api_key", "")
        found = usage(session, site_for_key(session, key), params.get("month"))
        limit, offset = _whole(params.get("limit"), 500, "limit"), _whole(params.get("offset"), 0, "offset")
    except InvalidAkismetCall as exc:
        return _invalid(exc)
    matching = [found] if params.get("filter", "").lower() in found.site.lower() else []
    page = matching[offset : offset + limit]
    counts = [(u.site, u.api_calls, u.spam, u.ham, u.missed_spam, u.false_positives) for u in page]
    if params.get("format", "json").lower() == "csv":
        out = io.StringIO()
        out.write(f"Active sites for {key} during {found.month} ")
        out.write(f"(limit:{limit}, offset: {offset}, total: {len(matching)})\n")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerows([*row, "false"] for row in counts)
        return PlainTextResponse(out.getvalue(), media_type="text/csv")
    columns = ("site", "api_calls", "spam", "ham", "missed_spam", "false_positives")
    sites = [{**dict(zip(columns, map(str, row), strict=True)), "is_revoked": False} for row in counts]
    return JSONResponse({found.month: sites, "limit": limit, "offset": offset, "total": len(matching)})


@router.get(
    "/1.2/usage-limit",
    response_model=None,
    summary="This month's usage (Akismet)",
    responses=examples.json_example(USAGE),
    openapi_extra={"parameters": KEY_SITES_QUERY[:1]},
)
@router.post(
    "/1.2/usage-limit",
    response_model=None,
    summary="This month's usage (Akismet)",
    responses=examples.json_example(USAGE),
    openapi_extra=examples.form_body({"api_key": examples.API_KEY}, ("api_key",)),
)
async def usage_limit(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """This month's comment-check calls of the key's site; there is no limit and no throttling."""
    params = await _params(request, settings)
    try:
        found = usage(session, site_for_key(session, params.get("api_key")))
    except InvalidAkismetCall as exc:
        return _invalid(exc)
    return JSONResponse({"limit": "none", "usage": found.api_calls, "percentage": "0.00", "throttled": False})
