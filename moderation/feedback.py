"""What the platform reports after the fact (missed spam, false positives), and per-site counts."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.domain import Label
from moderation.errors import NotFound
from moderation.store.tables import CommentRow, DecisionRow

PLATFORM = "platform"


def record_feedback(session: Session, site_id: str, platform_id: str, label: Label, note: str = "") -> CommentRow:
    """A label from the platform for one of its comments; kept in the history as a training label."""
    row = session.scalar(select(CommentRow).where(CommentRow.site_id == site_id, CommentRow.platform_id == platform_id))
    if row is None:
        raise NotFound(f"site {site_id!r} has sent no comment {platform_id!r}")
    session.add(DecisionRow(comment_id=row.id, actor=PLATFORM, action="feedback", label=label.value, note=note))
    session.flush()
    return row


def site_stats(session: Session, site_id: str) -> dict[str, Any]:
    """Counts per day: automatic actions, causes, human decisions, and platform feedback that says
    the filter was wrong (false positives: ham on a queued or removed comment; missed spam: spam or
    off-topic on an approved one)."""
    days: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"actions": {}, "causes": {}, "decided": 0, "false_positives": 0, "missed": 0}
    )
    day = func.date(CommentRow.received_at)
    by_action = select(day, CommentRow.action, func.count()).where(CommentRow.site_id == site_id)
    for date, action, count in session.execute(by_action.group_by(day, CommentRow.action)):
        days[str(date)]["actions"][action] = count
    for date, causes in session.execute(select(day, CommentRow.causes).where(CommentRow.site_id == site_id)):
        for cause in causes.split():
            days[str(date)]["causes"][cause] = days[str(date)]["causes"].get(cause, 0) + 1
    decided_day = func.date(DecisionRow.at)
    rows = session.execute(
        select(decided_day, DecisionRow.actor, DecisionRow.label, CommentRow.action)
        .join(CommentRow, CommentRow.id == DecisionRow.comment_id)
        .where(CommentRow.site_id == site_id, DecisionRow.actor != "model")
    )
    for date, actor, label, action in rows:
        entry = days[str(date)]
        if actor != PLATFORM:
            entry["decided"] += 1
        elif label == Label.HAM.value and action != "approve":
            entry["false_positives"] += 1
        elif label != Label.HAM.value and action == "approve":
            entry["missed"] += 1
    return {"site": site_id, "days": [{"date": d, **v} for d, v in sorted(days.items())]}
