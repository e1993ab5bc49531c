"""Sites and tokens for admins (the HTTP twin of ``moderation sites|tokens``), and per-site figures
for the site's moderators.

An admin token manages the sites it holds. A site it creates is added to its own sites, so the
admin who creates a site can manage it at once; no token ever gains a site it did not create or
was not given by an admin of that site (or by ``moderation tokens create``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy.exc import IntegrityError

from moderation.api import examples
from moderation.api.deps import AdminDep, PrincipalDep, SessionDep, SettingsDep
from moderation.api.schemas import (
    ErrorOut,
    SecretOut,
    SiteCreatedOut,
    SiteIn,
    SiteOut,
    SitePatch,
    SitesOut,
    TokenIn,
    TokenOut,
)
from moderation.errors import SiteExists
from moderation.feedback import site_stats
from moderation.sites import (
    create_site,
    create_token,
    get_site,
    grant_site,
    list_sites,
    rotate_secret,
    site_view,
    update_site,
)

router = APIRouter(tags=["sites"])
ERRORS: dict[int | str, dict[str, Any]] = {s: {"model": ErrorOut} for s in (401, 403, 404, 409, 422)}


@router.post("/v1/sites", status_code=201, response_model=SiteCreatedOut, responses=ERRORS, summary="Create a site")
def add_site(body: SiteIn, session: SessionDep, settings: SettingsDep, admin: AdminDep) -> dict[str, Any]:
    """Admin. A new site (blog); the answer carries its webhook ``secret`` and Akismet ``api_key``,
    shown this once. The calling admin token may manage the new site from now on. 409 when the id
    is taken."""
    try:
        created = create_site(session, settings.secret_key, body.id, body.name, **body.values())
        grant_site(session, admin.token_id, body.id)
        session.commit()
    except IntegrityError as exc:  # created by another request at the same moment
        session.rollback()
        raise SiteExists(f"site {body.id!r} exists already") from exc
    return created


@router.get("/v1/sites", response_model=SitesOut, responses=ERRORS, summary="List your sites")
def get_sites(session: SessionDep, principal: PrincipalDep) -> SitesOut:
    """The sites of the calling token (moderator or admin), without secrets."""
    views = [SiteOut.model_validate(site_view(site)) for site in list_sites(session, principal.sites)]
    return SitesOut(data=views, count=len(views))


@router.get("/v1/sites/{site_id}", response_model=SiteOut, responses=ERRORS, summary="Show a site")
def get_one_site(site_id: str, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    """One of the calling token's sites, without secrets."""
    principal.require_site(site_id)
    return site_view(get_site(session, site_id))


@router.patch("/v1/sites/{site_id}", response_model=SiteOut, responses=ERRORS, summary="Change a site's settings")
def patch_site(site_id: str, body: SitePatch, session: SessionDep, admin: AdminDep) -> dict[str, Any]:
    """Admin. Changes the settings sent and keeps the others. Thresholds are between 0 and 1 and a
    task's ``queue_at`` may not exceed its ``remove_at`` (after the change); ``rules`` replaces the
    rules and takes ``blocked_words``, ``blocked_domains``, ``suspect_words``, ``link_limit`` and
    ``allowed_languages``. A bad value is a 422 and changes nothing."""
    admin.require_site(site_id)
    site = update_site(session, site_id, **body.values())
    session.commit()
    return site_view(site)


@router.post(
    "/v1/sites/{site_id}/rotate-secret", response_model=SecretOut, responses=ERRORS, summary="Rotate the webhook secret"
)
def post_rotate_secret(site_id: str, session: SessionDep, settings: SettingsDep, admin: AdminDep) -> SecretOut:
    """Admin. A new webhook signing secret, shown this once; the previous one stays valid until the
    next rotation, so the platform can switch without losing comments."""
    admin.require_site(site_id)
    secret = rotate_secret(session, settings.secret_key, site_id)
    session.commit()
    return SecretOut(site=site_id, secret=secret)


@router.post(
    "/v1/tokens", status_code=201, response_model=TokenOut, responses=ERRORS, tags=["tokens"], summary="Create a token"
)
def post_token(body: TokenIn, session: SessionDep, admin: AdminDep) -> dict[str, Any]:
    """Admin. A moderator or admin bearer token for some of the calling admin's own sites; the token
    is shown this once and stored hashed."""
    for site_id in body.sites:
        admin.require_site(site_id)
    created = create_token(session, body.role, body.sites)
    session.commit()
    return created


@router.get(
    "/v1/sites/{site_id}/stats", responses=ERRORS | examples.json_example(examples.STATS), summary="Per-site statistics"
)
def stats(site_id: str, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    """Per day: automatic actions, causes, human decisions, false positives and missed spam the
    platform reported."""
    principal.require_site(site_id)
    get_site(session, site_id)
    return site_stats(session, site_id)
