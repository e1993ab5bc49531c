"""Callbacks to the platform when a moderator decides: written in the decision's transaction,
delivered afterwards with signed POSTs, retried with exponential backoff, never lost."""

from __future__ import annotations

import json
import logging
import threading
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from moderation.secrets import sign, webhook_secret
from moderation.store.database import transaction
from moderation.store.tables import CommentRow, OutboxRow, SiteRow, utcnow

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)
FIRST_RETRY = timedelta(seconds=5)
LAST_RETRY = timedelta(hours=1)
BATCH = 50


def enqueue_decision(session: Session, site: SiteRow, row: CommentRow, actor: str, note: str) -> OutboxRow | None:
    """Record the callback for a human decision (nothing when the site has no callback URL)."""
    if not site.callback_url:
        return None
    event = {
        "type": "comment.decided", "site": site.id, "comment_id": row.platform_id, "queue_item_id": row.id,
        "action": "approve" if row.label == "ham" else "remove", "label": row.label, "note": note,
        "decided_by": actor, "decided_at": utcnow().isoformat(timespec="seconds"),
    }  # fmt: skip
    return _enqueue(session, site, event)


def enqueue_reopened(session: Session, site: SiteRow, row: CommentRow, actor: str) -> OutboxRow | None:
    """Record the callback for an undone decision: the comment is back where the automatic decision
    put it (``action`` is what the platform should do with it now)."""
    if not site.callback_url:
        return None
    event = {
        "type": "comment.reopened", "site": site.id, "comment_id": row.platform_id, "queue_item_id": row.id,
        "action": row.answered_action, "status": row.status, "reopened_by": actor,
        "reopened_at": utcnow().isoformat(timespec="seconds"),
    }  # fmt: skip
    return _enqueue(session, site, event)


def _enqueue(session: Session, site: SiteRow, event: dict[str, Any]) -> OutboxRow:
    entry = OutboxRow(site_id=site.id, url=site.callback_url, event=event, next_attempt_at=utcnow())
    session.add(entry)
    return entry


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: 5 s, 10 s, 20 s, ... at most an hour."""
    return min(FIRST_RETRY * (2 ** (attempts - 1)), LAST_RETRY)


def _claim(session: Session, now: datetime) -> list[OutboxRow]:
    """Due entries, each leased to this caller alone (a conditional update wins only once)."""
    due = session.scalars(
        select(OutboxRow)
        .where(OutboxRow.delivered_at.is_(None), OutboxRow.next_attempt_at <= now)
        .where(or_(OutboxRow.lease_until.is_(None), OutboxRow.lease_until < now))
        .order_by(OutboxRow.id)
        .limit(BATCH)
    ).all()
    claimed = []
    for entry in due:
        won = session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == entry.id, or_(OutboxRow.lease_until.is_(None), OutboxRow.lease_until < now))
            .values(lease_until=now + LEASE)
        )
        if won.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(entry)
    return claimed


def deliver_due(
    factory: sessionmaker[Session], server_key: str, client: httpx.Client, now: datetime | None = None
) -> int:
    """Try every due callback once; returns how many were delivered."""
    now = now or utcnow()
    with transaction(factory) as session:
        claimed = [(e.id, e.site_id, e.url, e.event, e.attempts) for e in _claim(session, now)]
    delivered = 0
    for entry_id, site_id, url, event, attempts in claimed:
        with transaction(factory) as session:
            site = session.get(SiteRow, site_id)
            secret = webhook_secret(server_key, site.id, site.secret_nonce) if site else ""
        body = json.dumps(event).encode("utf-8")
        signature = sign(secret, int(now.timestamp()), body)
        headers = {"Content-Type": "application/json", "X-Moderation-Signature": signature}
        error = ""
        try:
            response = client.post(url, content=body, headers=headers)
            if not 200 <= response.status_code < 300:
                error = f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        values: dict[str, Any] = {"attempts": attempts + 1, "lease_until": None}
        if error:
            values |= {"last_error": error[:1000], "next_attempt_at": now + backoff(attempts + 1)}
            log.warning("callback %s to %s failed (%s); retrying later", entry_id, url, error)
        else:
            values |= {"delivered_at": now, "last_error": ""}
            delivered += 1
        with transaction(factory) as session:
            session.execute(update(OutboxRow).where(OutboxRow.id == entry_id).values(**values))
    return delivered


class Courier:
    """Delivers due callbacks every ``interval`` seconds in a background thread of the service."""

    def __init__(self, factory: sessionmaker[Session], server_key: str, interval: float = 1.0) -> None:
        self.factory, self.server_key, self.interval = factory, server_key, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="callback-courier", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        with httpx.Client(timeout=10.0) as client:
            while not self._stop.wait(self.interval):
                try:
                    deliver_due(self.factory, self.server_key, client)
                except Exception:  # a bad pass must not end deliveries for the process's lifetime
                    log.exception("callback delivery pass failed")
