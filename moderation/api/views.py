"""Stored rows as API bodies."""

from __future__ import annotations

from sqlalchemy.orm import Session

from moderation.api.schemas import AuthorHistory, DecisionOut, QueueItemOut, ReasonOut, ScoresOut
from moderation.queue import author_history
from moderation.store.tables import CommentRow


def decision_out(row: CommentRow) -> DecisionOut:
    return DecisionOut(
        comment_id=row.platform_id, site=row.site_id, action=row.answered_action,
        scores=ScoresOut(spam=row.spam, off_topic=row.off_topic), language=row.language,
        reasons=[ReasonOut(**r) for r in row.reasons], note=row.note, model_version=row.model_version,
        queue_item_id=row.id if row.status == "pending" else None,
    )  # fmt: skip


def item_out(session: Session, row: CommentRow, with_history: bool = True) -> QueueItemOut:
    return QueueItemOut(
        id=row.id, site=row.site_id, comment_id=row.platform_id, status=row.status, action=row.action,
        label=row.label, content=row.content,
        post={"id": row.post_id, "title": row.post_title, "url": row.post_url, "excerpt": row.post_body[:300]},
        author={"name": row.author_name, "email": row.author_email, "url": row.author_url, "ip": row.author_ip},
        author_history=AuthorHistory(**author_history(session, row)) if with_history else None,
        language=row.language, scores=ScoresOut(spam=row.spam, off_topic=row.off_topic),
        reasons=[ReasonOut(**r) for r in row.reasons], spans=row.spans, note=row.note,
        causes=row.causes.split(), received_at=row.received_at, model_version=row.model_version,
        revision=row.revision,
    )  # fmt: skip
