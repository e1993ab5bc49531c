"""The moderator web page: sign in and out, the queue, a comment's history, a site overview.

Pages are rendered on the server; forms work without JavaScript, and ``static/queue.js`` adds the
keyboard and decides in place. Every state-changing request carries the session's CSRF token.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Form, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from moderation.api.deps import SessionDep, SettingsDep
from moderation.domain import Action, Label
from moderation.errors import AlreadyDecided, Forbidden, InvalidRequest, NotFound, Unauthorized
from moderation.feedback import site_stats
from moderation.notes import CAUSES
from moderation.queue import (
    ACTIONS,
    STATUSES,
    QueueQuery,
    author_history,
    decide,
    history,
    languages_seen,
    list_queue,
    undo,
    visible,
    waiting,
)
from moderation.sites import get_site
from moderation.ui import render
from moderation.web_sessions import WebSession, check_csrf, resolve, sign_in, sign_out

HERE = Path(__file__).parent
COOKIE = "moderation_session"
LOGIN_COOKIE = "moderation_login"
PAGE_SIZE = 50
VERDICTS = {"approve": (Action.APPROVE, Label.HAM), "spam": (Action.REMOVE, Label.SPAM),
            "off_topic": (Action.REMOVE, Label.OFF_TOPIC)}  # fmt: skip
TABS = {"pending": "Pending", "removed": "Removed automatically", "approved": "Approved automatically",
        "decided": "Decided"}  # fmt: skip
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}

router = APIRouter(prefix="/ui", include_in_schema=False)
templates = Jinja2Templates(directory=HERE / "templates")  # autoescapes every value
templates.env.globals.update(
    score_words=render.score_words, risk_level=render.risk_level, segments=render.segments,
    safe_href=render.safe_href, language_name=render.language_name, ago=render.ago, tabs=TABS,
)  # fmt: skip


class SignInRequired(Exception):
    """The page needs a signed-in moderator; the browser goes to the sign-in page, then back."""

    def __init__(self, back_to: str) -> None:
        super().__init__(back_to)
        self.back_to = back_to


def web_session(request: Request, session: SessionDep) -> WebSession:
    try:
        return resolve(session, request.cookies.get(COOKIE))
    except Unauthorized as exc:
        if request.method != "GET":
            raise
        raise SignInRequired(str(request.url.path) + (f"?{request.url.query}" if request.url.query else "")) from exc


WebSessionDep = Annotated[WebSession, Depends(web_session)]


def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    response = templates.TemplateResponse(request, name, context, status_code=status)
    response.headers.update(SECURITY_HEADERS)
    return response


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def local_path(target: str | None, default: str = "/ui/queue") -> str:
    """Where to send the browser after a form: only a path on this page, never another host."""
    if target and target.startswith("/ui/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


@router.get("/login")
def login_form(request: Request, session: SessionDep, next: str | None = None) -> Response:
    try:
        resolve(session, request.cookies.get(COOKIE))
        return RedirectResponse(local_path(next), status_code=303)
    except Unauthorized:
        pass
    return _login_page(request, local_path(next), error=None, status=200)


def _login_page(request: Request, next_path: str, error: str | None, status: int) -> Response:
    login_csrf = secrets.token_urlsafe(24)
    response = page(request, "login.html", {"next": next_path, "csrf": login_csrf, "error": error}, status)
    response.set_cookie(
        LOGIN_COOKIE, login_csrf, httponly=True, samesite="strict", secure=request.url.scheme == "https",
        path="/ui", max_age=3600,
    )  # fmt: skip
    return response


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/ui/queue",
) -> Response:
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, csrf):
        return _login_page(request, local_path(next), "The sign-in form had expired. Please try again.", 403)
    try:
        cookie, _ = sign_in(session, token, timedelta(hours=settings.ui_session_hours))
    except Unauthorized:
        return _login_page(request, local_path(next), "That token is unknown or revoked.", 401)
    session.commit()
    response = RedirectResponse(local_path(next), status_code=303)
    response.set_cookie(
        COOKIE, cookie, httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/ui",
        max_age=int(settings.ui_session_hours * 3600),
    )  # fmt: skip
    response.delete_cookie(LOGIN_COOKIE, path="/ui")
    return response


@router.post("/logout")
def logout(
    request: Request, session: SessionDep, web: WebSessionDep, csrf: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    check_csrf(web, csrf)
    sign_out(session, request.cookies.get(COOKIE))
    session.commit()
    response = RedirectResponse("/ui/login", status_code=303)
    response.delete_cookie(COOKIE, path="/ui")
    return response


@router.get("/")
def home() -> Response:
    return RedirectResponse("/ui/queue", status_code=303)


@router.get("/queue")
def queue_page(
    request: Request,
    session: SessionDep,
    web: WebSessionDep,
    status: str = "pending",
    site: str = "",
    reason: str = "",
    language: str = "",
    action: str = "",
    q: Annotated[str, Query(max_length=200)] = "",
    sort: str = "priority",
    offset: Annotated[int, Query(ge=0)] = 0,
    last: int | None = None,
) -> Response:
    principal = web.principal
    filters = {"status": status, "site": site, "reason": reason, "language": language, "action": action,
               "q": q, "sort": sort}  # fmt: skip
    query = QueueQuery(
        site or None, status, reason or None, language or None, None, None, sort, PAGE_SIZE, offset,
        action or None, q.strip() or None,
    )  # fmt: skip
    try:
        rows, count = list_queue(session, principal, query)
    except (InvalidRequest, Forbidden) as exc:
        return page(request, "error.html", {"web": web, "message": str(exc)}, 400)
    items = [{"row": row, "history": author_history(session, row)} for row in rows]
    here = "/ui/queue?" + urlencode({k: v for k, v in filters.items() if v})
    context = {
        "web": web, "items": items, "count": count, "filters": filters, "here": here, "offset": offset,
        "page_size": PAGE_SIZE, "last": last, "sites": principal.sites, "statuses": STATUSES, "actions": ACTIONS,
        "reasons": sorted(CAUSES["en"]), "languages": languages_seen(session, list(principal.sites)),
        "tab_links": {s: "/ui/queue?" + urlencode({**{k: v for k, v in filters.items() if v}, "status": s})
                      for s in TABS},
    }  # fmt: skip
    return page(request, "queue.html", context)


@router.get("/comments/{comment_id}")
def comment_page(request: Request, comment_id: int, session: SessionDep, web: WebSessionDep) -> Response:
    try:
        row = visible(web.principal, comment_id, session)
    except NotFound as exc:
        return page(request, "error.html", {"web": web, "message": str(exc)}, 404)
    context = {
        "web": web, "row": row, "history": history(session, row), "author": author_history(session, row),
        "here": f"/ui/comments/{row.id}",
    }  # fmt: skip
    return page(request, "comment.html", context)


@router.post("/decide")
def decide_many(
    request: Request,
    session: SessionDep,
    web: WebSessionDep,
    ids: Annotated[list[int], Form(max_length=PAGE_SIZE * 4)],
    verdict: Annotated[str, Form()],
    csrf: Annotated[str, Form(max_length=100)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/ui/queue",
) -> Response:
    """Decide one comment or several at once; each is decided on its own (one taken by another
    moderator meanwhile does not stop the rest)."""
    check_csrf(web, csrf)
    if verdict not in VERDICTS:
        raise InvalidRequest(f"verdict must be one of {sorted(VERDICTS)}")
    action, label = VERDICTS[verdict]
    decided, failed = [], []
    for comment_id in dict.fromkeys(ids):
        try:
            row = decide(session, web.principal, comment_id, action, label, note.strip())
            session.commit()
            decided.append({"id": row.id, "status": row.status, "label": row.label})
        except (AlreadyDecided, NotFound) as exc:
            session.rollback()
            failed.append({"id": comment_id, "message": str(exc)})
    if wants_json(request):
        return JSONResponse({"decided": decided, "failed": failed}, status_code=200 if decided or not failed else 409)
    target = local_path(next)
    if len(decided) == 1:
        target += ("&" if "?" in target else "?") + f"last={decided[0]['id']}"
    return RedirectResponse(target, status_code=303)


@router.post("/undo")
def undo_decision(
    request: Request,
    session: SessionDep,
    web: WebSessionDep,
    id: Annotated[int, Form()],
    csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/ui/queue",
) -> Response:
    check_csrf(web, csrf)
    row = undo(session, web.principal, id)
    session.commit()
    if wants_json(request):
        return JSONResponse({"id": row.id, "status": row.status})
    return RedirectResponse(local_path(next), status_code=303)


@router.get("/overview")
def overview_page(request: Request, session: SessionDep, web: WebSessionDep) -> Response:
    sites = []
    for site_id in web.principal.sites:
        pending, oldest = waiting(session, site_id)
        stats = site_stats(session, site_id)
        sites.append({
            "site": get_site(session, site_id), "pending": pending, "oldest": oldest, "days": stats["days"][-14:],
            "false_positives": sum(d["false_positives"] for d in stats["days"]),
            "missed": sum(d["missed"] for d in stats["days"]),
        })  # fmt: skip
    return page(request, "overview.html", {"web": web, "sites": sites})


def install(app: FastAPI) -> None:
    """Mount the pages, their static files, and the redirect to sign in."""

    @app.exception_handler(SignInRequired)
    async def to_sign_in(_: Request, exc: SignInRequired) -> Response:
        return RedirectResponse("/ui/login?" + urlencode({"next": exc.back_to}), status_code=303)

    app.include_router(router)
    app.mount("/ui/static", StaticFiles(directory=HERE / "static"), name="ui-static")
