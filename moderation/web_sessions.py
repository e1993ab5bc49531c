"""Moderators signed in to the web page: a token exchanged for a session, ended by signing out.

The browser holds a random session id in a cookie; the database holds only its sha256, the token it
stands for, the CSRF token its forms must carry, and when it expires.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from moderation.errors import Forbidden, Unauthorized
from moderation.secrets import digest
from moderation.sites import Principal, authenticate
from moderation.store.tables import TokenRow, UiSessionRow, utcnow


@dataclass(frozen=True)
class WebSession:
    """A signed-in moderator: who, and the CSRF token their page must send back."""

    principal: Principal
    csrf: str


def sign_in(session: Session, token: str, lifetime: timedelta) -> tuple[str, WebSession]:
    """A new session for the holder of ``token``: the cookie value (shown once) and the session."""
    principal = authenticate(session, token.strip())
    cookie = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = utcnow()
    session.execute(delete(UiSessionRow).where(UiSessionRow.expires_at < now))  # tidy up as we go
    session.add(UiSessionRow(id=digest(cookie), token_id=principal.token_id, csrf=csrf, expires_at=now + lifetime))
    session.flush()
    return cookie, WebSession(principal, csrf)


def resolve(session: Session, cookie: str | None) -> WebSession:
    """The session a cookie belongs to, if it is still valid and its token still exists."""
    if not cookie:
        raise Unauthorized("sign in first")
    found = session.execute(
        select(UiSessionRow, TokenRow)
        .join(TokenRow, TokenRow.id == UiSessionRow.token_id)
        .where(UiSessionRow.id == digest(cookie))
    ).first()
    if found is None:
        raise Unauthorized("your session has ended: sign in again")
    row, token = found
    expires_at = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
    if expires_at <= datetime.now(UTC):
        raise Unauthorized("your session has expired: sign in again")
    return WebSession(Principal(token.id, token.role, tuple(token.sites)), row.csrf)


def check_csrf(web: WebSession, sent: str | None) -> None:
    """Refuse a state-changing request whose CSRF token is not this session's."""
    if not sent or not hmac.compare_digest(sent, web.csrf):
        raise Forbidden("the form is stale or did not come from this page: reload it and try again")


def sign_out(session: Session, cookie: str | None) -> None:
    """End the session behind a cookie (nothing happens for an unknown one)."""
    if cookie:
        session.execute(delete(UiSessionRow).where(UiSessionRow.id == digest(cookie)))
