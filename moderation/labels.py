"""Human labels collected by the service, as training rows in the canonical corpus schema.

A label is a moderator's decision, a restored removal or the platform's feedback: anything a
person said about a comment. The model's own decisions are never labels. When people disagree, the
latest word wins; a label given before the comment was edited speaks of the old text and is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.store.tables import CommentRow, DecisionRow, SiteRow
from moderation.training.corpus import CANONICAL_COLUMNS, split_of, text_key

MODEL_ACTOR = "model"
# Beside the canonical columns: who gave the label and when, what the model had done, and the
# split the text falls in (``split_of``), so a frozen slice of recent labels can be kept apart.
EXTRA_COLUMNS = ["labelled_by", "labelled_at", "model_action", "split"]
LABEL_COLUMNS = CANONICAL_COLUMNS + EXTRA_COLUMNS


@dataclass(frozen=True)
class HumanLabel:
    """The label that stands for one comment."""

    comment: CommentRow
    site: SiteRow
    decision: DecisionRow


def human_labels(session: Session, since: datetime | None = None, site: str | None = None) -> list[HumanLabel]:
    """The standing human label of every comment labelled at or after ``since`` (on ``site``),
    oldest label first."""
    query = (
        select(CommentRow, SiteRow, DecisionRow)
        .join(SiteRow, SiteRow.id == CommentRow.site_id)
        .join(DecisionRow, DecisionRow.comment_id == CommentRow.id)
        .order_by(CommentRow.id, DecisionRow.id)
    )
    if site is not None:
        query = query.where(CommentRow.site_id == site)
    if since is not None:
        labelled_since = select(DecisionRow.comment_id).where(
            DecisionRow.at >= _aware(since).astimezone(UTC), DecisionRow.actor != MODEL_ACTOR
        )
        query = query.where(CommentRow.id.in_(labelled_since))
    standing: dict[int, HumanLabel] = {}
    for comment, site_row, decision in session.execute(query):
        if decision.actor == MODEL_ACTOR:
            # A model decision after a human one means the comment was edited and scored again.
            standing.pop(comment.id, None)
        elif decision.label:
            standing[comment.id] = HumanLabel(comment, site_row, decision)
    labels = [label for label in standing.values() if since is None or _aware(label.decision.at) >= _aware(since)]
    return sorted(labels, key=lambda label: (_aware(label.decision.at), label.decision.id))


def _aware(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back; everything stored is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def label_row(label: HumanLabel) -> dict[str, str]:
    """One label as a canonical corpus row plus ``EXTRA_COLUMNS``."""
    comment, site = label.comment, label.site
    created = comment.created_at or comment.received_at
    return {
        "id": f"{site.id}:{comment.platform_id}", "source": f"moderated:{site.id}", "site": site.id,
        "post_id": comment.post_id, "post_title": comment.post_title, "post_body": comment.post_body,
        "post_tags": ";".join(comment.post_tags), "post_url": comment.post_url, "site_topic": site.topic,
        "site_languages": " ".join(site.languages), "language": comment.language,
        "author_name": comment.author_name, "author_email": comment.author_email,
        "author_url": comment.author_url, "content": comment.content,
        "created_at": _aware(created).isoformat(timespec="seconds"), "label": label.decision.label or "",
        "labelled_by": label.decision.actor, "labelled_at": _aware(label.decision.at).isoformat(timespec="seconds"),
        "model_action": comment.action, "split": split_of(comment.content),
    }  # fmt: skip


def export_labels(session: Session, since: datetime | None = None, site: str | None = None) -> pd.DataFrame:
    """Human labels as a table in the corpus schema: one row per text (the same text posted twice
    keeps its most recent label), oldest label first."""
    rows = [label_row(label) for label in human_labels(session, since, site)]
    frame = pd.DataFrame(rows, columns=LABEL_COLUMNS)
    keys = frame["content"].map(text_key)
    return frame.loc[~keys.duplicated(keep="last")].reset_index(drop=True)
