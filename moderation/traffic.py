"""Recent comments in the store, scored again by a model version: what its scores would do to
each site's approve/queue/remove rates, and to the comments people labelled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.domain import Action, Comment, Label, Post, Site
from moderation.intake import policy_of
from moderation.labels import human_labels
from moderation.policy import SitePolicy, decide
from moderation.scoring.scorer import Scorer
from moderation.store.tables import CommentRow, SiteRow

BATCH = 500


@dataclass(frozen=True)
class Traffic:
    """Stored comments as the scorer reads them, each with its site's policy and its human label
    ("" when nobody labelled it)."""

    items: list[tuple[Comment, Post, Site]]
    contents: list[str]
    policies: list[SitePolicy]
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.items)


def recent_traffic(session: Session, since: datetime, site: str | None = None) -> Traffic:
    """Comments received at or after ``since`` (on ``site``)."""
    query = (
        select(CommentRow, SiteRow)
        .join(SiteRow, SiteRow.id == CommentRow.site_id)
        .where(CommentRow.received_at >= since.astimezone(UTC))
        .order_by(CommentRow.id)
    )
    if site is not None:
        query = query.where(CommentRow.site_id == site)
    labelled = {label.comment.id: label.decision.label or "" for label in human_labels(session, site=site)}
    items, contents, policies, labels = [], [], [], []
    for row, site_row in session.execute(query):
        items.append((
            Comment(row.content, row.author_name, row.author_email, row.author_url),
            Post(row.post_title, row.post_body, tuple(row.post_tags), row.post_url),
            Site(tuple(site_row.languages), site_row.topic),
        ))  # fmt: skip
        contents.append(row.content)
        policies.append(policy_of(site_row))
        labels.append(labelled.get(row.id, ""))
    return Traffic(items, contents, policies, np.array(labels, dtype=object))


def scores_of(scorer: Scorer, traffic: Traffic) -> tuple[np.ndarray, np.ndarray, list[Action]]:
    """Spam and off-topic scores of every comment, and the action its site's policy would take."""
    spam, off_topic, actions = [], [], []
    for start in range(0, len(traffic), BATCH):
        batch = scorer.score_many(traffic.items[start : start + BATCH], explain=False)
        for offset, scores in enumerate(batch):
            i = start + offset
            spam.append(scores.spam)
            off_topic.append(scores.off_topic)
            actions.append(decide(traffic.contents[i], scores, traffic.policies[i], scores.language_reliable).action)
    return np.array(spam), np.array(off_topic), actions


def replay(scorer: Scorer, traffic: Traffic) -> dict[str, Any]:
    """Shares of approve/queue/remove, and on labelled comments: ham removed (false positives of
    automatic removal), ham held (queued or removed), spam or off-topic approved (missed)."""
    _, _, actions = scores_of(scorer, traffic)
    taken = np.array([a.value for a in actions], dtype=object)
    ham = traffic.labels == Label.HAM.value
    bad = np.isin(traffic.labels, [Label.SPAM.value, Label.OFF_TOPIC.value])

    def share(mask: np.ndarray, within: np.ndarray | None = None) -> float | None:
        base = within if within is not None else np.ones(len(taken), dtype=bool)
        return round(float(mask[base].mean()), 4) if base.any() else None

    return {
        "model": scorer.version,
        "comments": len(traffic),
        **{action.value: share(taken == action.value) for action in Action},
        "labelled_ham": int(ham.sum()),
        "ham_removed": share(taken == Action.REMOVE.value, ham),
        "ham_held": share(taken != Action.APPROVE.value, ham),
        "labelled_spam_or_off_topic": int(bad.sum()),
        "missed": share(taken == Action.APPROVE.value, bad),
    }
