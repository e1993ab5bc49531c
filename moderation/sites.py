"""Sites (tenants) and API tokens: creation, updates, secret rotation, authentication."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.errors import Forbidden, InvalidRequest, SiteExists, Unauthorized, UnknownSite
from moderation.secrets import digest, new_nonce, new_token, webhook_secret
from moderation.store.tables import SiteRow, TokenRow

SITE_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
ROLES = ("moderator", "admin")
UPDATABLE = {
    "name", "url", "languages", "topic", "note_language", "spam_queue_at", "spam_remove_at",
    "off_topic_queue_at", "off_topic_remove_at", "shadow_mode", "rules", "callback_url",
}  # fmt: skip
RULE_KEYS = {"blocked_words", "blocked_domains", "suspect_words", "link_limit", "allowed_languages"}


@dataclass(frozen=True)
class Principal:
    """Who is calling the API: a token's id, role and sites."""

    token_id: int
    role: str
    sites: tuple[str, ...]

    @property
    def actor(self) -> str:
        return f"token:{self.token_id}"

    def require_site(self, site_id: str) -> None:
        if site_id not in self.sites:
            raise Forbidden(f"this token is not for site {site_id!r}")

    def require_admin(self) -> None:
        if self.role != "admin":
            raise Forbidden("this needs an admin token")


def site_view(site: SiteRow) -> dict[str, Any]:
    """A site as shown to admins (no secrets)."""
    return {
        "id": site.id, "name": site.name, "url": site.url, "languages": site.languages, "topic": site.topic,
        "note_language": site.note_language, "shadow_mode": site.shadow_mode, "callback_url": site.callback_url,
        "thresholds": {
            "spam": {"queue_at": site.spam_queue_at, "remove_at": site.spam_remove_at},
            "off_topic": {"queue_at": site.off_topic_queue_at, "remove_at": site.off_topic_remove_at},
        },
        "rules": site.rules, "secret_rotating": site.previous_secret_nonce is not None,
    }  # fmt: skip


def _check(values: dict[str, Any]) -> None:
    for task in ("spam", "off_topic"):
        queue_at, remove_at = values.get(f"{task}_queue_at"), values.get(f"{task}_remove_at")
        for value in (queue_at, remove_at):
            if value is not None and not 0.0 <= value <= 1.0:
                raise InvalidRequest(f"{task} thresholds must be between 0 and 1")
        if queue_at is not None and remove_at is not None and queue_at > remove_at:
            raise InvalidRequest(f"{task}: queue_at ({queue_at}) must not exceed remove_at ({remove_at})")
    unknown = set(values.get("rules") or {}) - RULE_KEYS
    if unknown:
        raise InvalidRequest(f"unknown rules {sorted(unknown)}; known: {sorted(RULE_KEYS)}")
    if "languages" in values and not all(isinstance(x, str) and 2 <= len(x) <= 3 for x in values["languages"]):
        raise InvalidRequest("languages are ISO 639-1 codes such as 'sv'")


def create_site(session: Session, server_key: str, site_id: str, name: str, **values: Any) -> dict[str, Any]:
    """Create a site; returns its view plus its webhook ``secret`` and ``api_key`` (shown once)."""
    if not SITE_ID.match(site_id):
        raise InvalidRequest("a site id is 1-100 lower-case letters, digits, '.', '_' or '-'")
    if session.get(SiteRow, site_id) is not None:
        raise SiteExists(f"site {site_id!r} exists already")
    _check(values)
    api_key = new_token("key")
    site = SiteRow(id=site_id, name=name, secret_nonce=new_nonce(), api_key_hash=digest(api_key), **values)
    session.add(site)
    session.flush()
    return {**site_view(site), "secret": webhook_secret(server_key, site_id, site.secret_nonce), "api_key": api_key}


def get_site(session: Session, site_id: str) -> SiteRow:
    site = session.get(SiteRow, site_id)
    if site is None:
        raise UnknownSite(f"no site {site_id!r}")
    return site


def list_sites(session: Session, only: tuple[str, ...] | None = None) -> list[SiteRow]:
    """All sites by id, or ``only`` those named."""
    query = select(SiteRow).order_by(SiteRow.id)
    if only is not None:
        query = query.where(SiteRow.id.in_(only))
    return list(session.scalars(query))


def update_site(session: Session, site_id: str, **values: Any) -> SiteRow:
    """Change a site's settings (only the ``UPDATABLE`` ones)."""
    site = get_site(session, site_id)
    unknown = set(values) - UPDATABLE
    if unknown:
        raise InvalidRequest(f"cannot update {sorted(unknown)}")
    merged = {key: getattr(site, key) for key in UPDATABLE} | values
    _check(merged)
    for key, value in values.items():
        setattr(site, key, value)
    return site


def rotate_secret(session: Session, server_key: str, site_id: str) -> str:
    """A new webhook secret; the previous one stays valid until the next rotation."""
    site = get_site(session, site_id)
    site.previous_secret_nonce, site.secret_nonce = site.secret_nonce, new_nonce()
    return webhook_secret(server_key, site_id, site.secret_nonce)


def secret_nonces(site: SiteRow) -> tuple[str, ...]:
    """The nonces of the secrets a site's webhooks may be signed with: two during a rotation."""
    return (site.secret_nonce, site.previous_secret_nonce) if site.previous_secret_nonce else (site.secret_nonce,)


def webhook_secrets(server_key: str, site_id: str, nonces: tuple[str, ...]) -> list[str]:
    """The secrets of a site's ``secret_nonces``."""
    return [webhook_secret(server_key, site_id, nonce) for nonce in nonces]


def grant_site(session: Session, token_id: int, site_id: str) -> None:
    """Let a token act on one more site (an admin token on the site it has just created)."""
    row = session.get(TokenRow, token_id)
    if row is None:
        raise Unauthorized("unknown or revoked token")
    row.sites = sorted({*row.sites, site_id})  # a new list: SQLAlchemy does not see in-place changes to JSON


def create_token(session: Session, role: str, sites: list[str]) -> dict[str, Any]:
    """A new API token for ``sites``; the token itself is returned once and stored hashed."""
    if role not in ROLES:
        raise InvalidRequest(f"role must be one of {ROLES}")
    if not sites:
        raise InvalidRequest("a token needs at least one site")
    for site_id in sites:
        get_site(session, site_id)
    token = new_token("mod")
    row = TokenRow(token_hash=digest(token), role=role, sites=sorted(set(sites)))
    session.add(row)
    session.flush()
    return {"id": row.id, "role": role, "sites": row.sites, "token": token}


def authenticate(session: Session, token: str | None) -> Principal:
    """The principal of a bearer token."""
    if not token:
        raise Unauthorized("send Authorization: Bearer <token>")
    row = session.scalar(select(TokenRow).where(TokenRow.token_hash == digest(token)))
    if row is None:
        raise Unauthorized("unknown or revoked token")
    return Principal(row.id, row.role, tuple(row.sites))
