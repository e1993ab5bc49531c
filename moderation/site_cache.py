"""Sites as webhooks read them: a copy kept in each process for a few seconds, instead of a SELECT
(a round trip, and an ORM object built) for every comment. A site's settings change rarely; a
webhook comes with every comment.

How soon a change is seen: one committed by this process (any session that changed a site) at
once; one made by another process (another worker, the CLI) within ``ttl_s`` seconds. A webhook
whose signature fails against a kept copy is checked again against a fresh one, so a secret
rotated anywhere is accepted at once; a retired one may pass for ``ttl_s`` more seconds.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from moderation.errors import UnknownSite
from moderation.intake import SiteConfig, config_of
from moderation.sites import get_site
from moderation.store.tables import SiteRow

_changes = 0  # commits in this process that changed a site, ever


@event.listens_for(Session, "after_flush")
def _note_site_changes(session: Session, _: Any) -> None:
    if any(isinstance(o, SiteRow) for o in (*session.new, *session.dirty, *session.deleted)):
        session.info["sites_changed"] = True


@event.listens_for(Session, "after_commit")
def _count_site_changes(session: Session) -> None:
    global _changes
    if session.info.pop("sites_changed", False):
        _changes += 1


@event.listens_for(Session, "after_rollback")
def _forget_site_changes(session: Session) -> None:
    session.info.pop("sites_changed", None)


class SiteCache:
    """Sites' ``SiteConfig`` by id, each kept ``ttl_s`` seconds (0: read every time)."""

    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self._kept: dict[str, tuple[float, int, SiteConfig]] = {}

    def get(self, session: Session, site_id: str, fresh: bool = False) -> tuple[SiteConfig, bool]:
        """The site's config, and whether it is a kept copy (false: read now with ``session``).
        ``fresh``: read it now whatever is kept."""
        kept = self._kept.get(site_id)
        if not fresh and kept is not None and kept[1] == _changes and time.monotonic() - kept[0] < self.ttl_s:
            return kept[2], True
        # Noted before the read: a change committed while it runs makes this copy stale at once.
        read_at, changes = time.monotonic(), _changes
        try:
            config = config_of(get_site(session, site_id))
        except UnknownSite:
            self._kept.pop(site_id, None)
            raise
        self._kept[site_id] = (read_at, changes, config)
        return config, False
