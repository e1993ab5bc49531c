"""Per-site figures for the site's moderators."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from moderation.api.deps import PrincipalDep, SessionDep
from moderation.feedback import site_stats
from moderation.sites import get_site

router = APIRouter(prefix="/v1/sites", tags=["sites"])


@router.get("/{site_id}/stats")
def stats(site_id: str, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    """Per day: automatic actions, causes, human decisions, false positives and missed spam the
    platform reported."""
    principal.require_site(site_id)
    get_site(session, site_id)
    return site_stats(session, site_id)
