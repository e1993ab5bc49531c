"""The moderation queue: what waits for a human, and human decisions on it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.orm import Session

from moderation.domain import Action, Label
from moderation.errors import AlreadyDecided, InvalidRequest, NotFound
from moderation.outbox import enqueue_decision, enqueue_reopened
from moderation.sites import Principal
from moderation.store.tables import CommentRow, DecisionRow, SiteRow

STATUSES = ("pending", "removed", "decided", "approved")
SORTS = ("priority", "oldest")
ACTIONS = tuple(a.value for a in Action)
PRIOR_STATUS = {Action.APPROVE.value: "approved", Action.QUEUE.value: "pending", Action.REMOVE.value: "removed"}


@dataclass(frozen=True)
class QueueQuery:
    """Filters, order and page of a queue listing."""

    site: str | None = None
    status: str = "pending"
    reason: str | None = None
    language: str | None = None
    min_score: float | None = None
    max_score: float | None = None
    sort: str = "priority"
    limit: int = 50
    offset: int = 0
    action: str | None = None  # what the policy did: approve | queue | remove
    text: str | None = None  # words in the comment, its author's name, e-mail or URL


def visible(principal: Principal, comment_id: int, session: Session) -> CommentRow:
    """The comment, if it exists on one of the principal's sites (else not found, not forbidden:
    other sites' comments are not confirmed to exist)."""
    row = session.get(CommentRow, comment_id)
    if row is None or row.site_id not in principal.sites:
        raise NotFound(f"no comment {comment_id}")
    return row


def list_queue(session: Session, principal: Principal, query: QueueQuery) -> tuple[list[CommentRow], int]:
    """One page of comments matching the query, and how many match in all."""
    if query.status not in STATUSES:
        raise InvalidRequest(f"status must be one of {STATUSES}")
    if query.sort not in SORTS:
        raise InvalidRequest(f"sort must be one of {SORTS}")
    if query.action is not None and query.action not in ACTIONS:
        raise InvalidRequest(f"action must be one of {ACTIONS}")
    if query.site is not None:
        principal.require_site(query.site)
    sites = [query.site] if query.site else list(principal.sites)
    risk = case((CommentRow.spam > CommentRow.off_topic, CommentRow.spam), else_=CommentRow.off_topic)
    conditions = [CommentRow.site_id.in_(sites), CommentRow.status == query.status]
    if query.language:
        conditions.append(CommentRow.language == query.language)
    if query.min_score is not None:
        conditions.append(risk >= query.min_score)
    if query.max_score is not None:
        conditions.append(risk <= query.max_score)
    if query.reason:  # a whole cause code: "link" does not match "links"
        conditions.append((" " + CommentRow.causes + " ").contains(f" {query.reason} ", autoescape=True))
    if query.action:
        conditions.append(CommentRow.action == query.action)
    if query.text:
        fields = (CommentRow.content, CommentRow.author_name, CommentRow.author_email, CommentRow.author_url)
        conditions.append(or_(*(field.icontains(query.text, autoescape=True) for field in fields)))
    order = [risk.desc(), CommentRow.id] if query.sort == "priority" else [CommentRow.received_at, CommentRow.id]
    total = session.scalar(select(func.count()).select_from(CommentRow).where(*conditions)) or 0
    rows = session.scalars(
        select(CommentRow).where(*conditions).order_by(*order).limit(query.limit).offset(query.offset)
    )
    return list(rows), total


def waiting(session: Session, site_id: str) -> tuple[int, datetime | None]:
    """How many comments of a site wait for a human, and since when the oldest has waited."""
    found = session.execute(
        select(func.count(), func.min(CommentRow.received_at)).where(
            CommentRow.site_id == site_id, CommentRow.status == "pending"
        )
    ).one()
    return int(found[0]), found[1]


def languages_seen(session: Session, sites: list[str]) -> list[str]:
    """The languages comments on these sites were written in."""
    query = select(CommentRow.language).where(CommentRow.site_id.in_(sites)).distinct().order_by(CommentRow.language)
    return [language for language in session.scalars(query) if language]


def author_history(session: Session, row: CommentRow) -> dict[str, int]:
    """How this author's comments on the site fared: approved and removed counts (this one excluded)."""
    same_author = (
        (CommentRow.author_email == row.author_email)
        if row.author_email
        else (CommentRow.author_name == row.author_name)
    )
    approved = or_(CommentRow.status == "approved", CommentRow.label == Label.HAM.value)
    removed = or_(CommentRow.status == "removed", CommentRow.label.in_([Label.SPAM.value, Label.OFF_TOPIC.value]))
    base = (
        select(func.count())
        .select_from(CommentRow)
        .where(CommentRow.site_id == row.site_id, same_author, CommentRow.id != row.id)
    )
    return {"approved": session.scalar(base.where(approved)) or 0, "removed": session.scalar(base.where(removed)) or 0}


def decide(
    session: Session, principal: Principal, comment_id: int, action: Action, label: Label, note: str = ""
) -> CommentRow:
    """A moderator's decision on a pending comment, or on one the model settled: approving a comment
    removed automatically restores it, removing one approved automatically takes it down (missed
    spam), and agreeing with the model labels it. Exactly one of two concurrent decisions wins; the
    other raises ``AlreadyDecided``."""
    if action is Action.QUEUE:
        raise InvalidRequest("a decision is approve or remove")
    if (action is Action.APPROVE) != (label is Label.HAM):
        raise InvalidRequest("approve goes with label ham; remove with spam or off_topic")
    row = visible(principal, comment_id, session)
    if row.status == "decided":
        raise AlreadyDecided(f"comment {comment_id} is decided already: undo that decision first")
    return _settle(session, principal, row, row.status, action, label, note)


def history(session: Session, row: CommentRow) -> list[DecisionRow]:
    """Every decision on a comment, oldest first."""
    return list(session.scalars(select(DecisionRow).where(DecisionRow.comment_id == row.id).order_by(DecisionRow.id)))


def restore(session: Session, principal: Principal, comment_id: int, note: str = "") -> CommentRow:
    """Overturn an automatic removal: the comment is approved as ham by this moderator."""
    row = visible(principal, comment_id, session)
    return _settle(session, principal, row, "removed", Action.APPROVE, Label.HAM, note)


def undo(session: Session, principal: Principal, comment_id: int) -> CommentRow:
    """Take back the human decision on a comment: it returns to where the automatic decision put
    it (pending, removed or approved), unlabelled, and the platform is told. The history keeps both
    the decision and its undoing."""
    row = visible(principal, comment_id, session)
    if row.status != "decided":
        raise AlreadyDecided(f"comment {comment_id} is {row.status}: there is no decision to undo")
    return _change(
        session, row, "decided", {"status": PRIOR_STATUS[row.action], "label": None},
        DecisionRow(comment_id=row.id, actor=principal.actor, action="undo", label=None),
        lambda site: enqueue_reopened(session, site, row, principal.actor),
    )  # fmt: skip


def _settle(
    session: Session, principal: Principal, row: CommentRow, expected: str, action: Action, label: Label, note: str
) -> CommentRow:
    """Record a human decision on a comment still in status ``expected``."""
    return _change(
        session, row, expected, {"status": "decided", "label": label.value},
        DecisionRow(comment_id=row.id, actor=principal.actor, action=action.value, label=label.value, note=note),
        lambda site: enqueue_decision(session, site, row, principal.actor, note),
    )  # fmt: skip


def _change(
    session: Session,
    row: CommentRow,
    expected: str,
    values: dict[str, object],
    decision: DecisionRow,
    tell_platform: Callable[[SiteRow], object],
) -> CommentRow:
    """Change a comment still in status ``expected`` and at the revision read, and record the
    decision: a conditional update, so of two concurrent changes exactly one wins and the other
    raises ``AlreadyDecided``. The platform is told through the outbox, in the same transaction."""
    changed = session.execute(
        update(CommentRow)
        .where(CommentRow.id == row.id, CommentRow.revision == row.revision, CommentRow.status == expected)
        .values(**values, revision=CommentRow.revision + 1)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise AlreadyDecided(f"comment {row.id} is no longer {expected}: someone changed it just now")
    session.add(decision)
    session.flush()
    session.refresh(row)
    site = session.get(SiteRow, row.site_id)
    if site is not None:
        tell_platform(site)
    return row
