"""Thresholds for one site from its own human labels: remove only where removal reaches a target
precision, and queue as much of the rest for a human as a target share of traffic allows."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from moderation.domain import Label
from moderation.training.evaluate import threshold_for_precision

GRID = tuple(round(float(x), 2) for x in np.arange(0.05, 1.0, 0.05))
BUDGETS = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3)


@dataclass(frozen=True)
class Option:
    """Thresholds and what they do on the site's comments (shares of all comments; caught, held
    and precision on the labelled ones)."""

    spam_queue_at: float
    spam_remove_at: float
    off_topic_queue_at: float
    off_topic_remove_at: float
    queue_share: float
    remove_share: float
    remove_precision: float | None  # labelled comments removed that were spam or off-topic
    caught: float | None  # labelled spam and off-topic queued or removed
    ham_held: float | None  # labelled ham queued or removed


def _remove_at(truth: np.ndarray, scores: np.ndarray, target: float) -> float:
    """The lowest threshold whose removals reach ``target`` precision on labelled rows (0.99 when none)."""
    if not truth.any():
        return 0.99
    return threshold_for_precision(truth, scores, target, floor=0.5)


def _option(
    spam: np.ndarray, off: np.ndarray, labels: np.ndarray, sq: float, sr: float, oq: float, orr: float
) -> Option:
    removed = (spam >= sr) | (off >= orr)
    held = removed | (spam >= sq) | (off >= oq)
    ham = labels == Label.HAM.value
    bad = np.isin(labels, [Label.SPAM.value, Label.OFF_TOPIC.value])
    labelled_removed = removed & (ham | bad)

    def mean(mask: np.ndarray, within: np.ndarray) -> float | None:
        return round(float(mask[within].mean()), 4) if within.any() else None

    return Option(
        sq, sr, oq, orr, queue_share=round(float((held & ~removed).mean()), 4),
        remove_share=round(float(removed.mean()), 4), remove_precision=mean(bad, labelled_removed),
        caught=mean(held, bad), ham_held=mean(held, ham),
    )  # fmt: skip


def _preference(option: Option) -> tuple[float, float, float]:
    return option.caught or 0.0, -(option.ham_held or 0.0), -option.queue_share


@dataclass(frozen=True)
class Proposal:
    """The proposed thresholds and the trade-off between queue share and what is caught."""

    chosen: Option | None
    tradeoff: list[Option]
    labelled: int
    comments: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "chosen": asdict(self.chosen) if self.chosen else None,
            "tradeoff": [asdict(o) for o in self.tradeoff],
            "labelled": self.labelled,
            "comments": self.comments,
        }


def propose(
    spam: np.ndarray, off: np.ndarray, labels: np.ndarray, target_precision: float, target_queue_share: float
) -> Proposal:
    """Remove thresholds per task that reach ``target_precision`` on the labelled comments; then the
    queue thresholds that catch the most labelled spam and off-topic comments while queueing at most
    ``target_queue_share`` of all comments (ties: fewer ham held, then a smaller queue)."""
    labelled = labels != ""
    spam_truth = labels[labelled] == Label.SPAM.value
    sr = _remove_at(spam_truth, spam[labelled], target_precision)
    not_spam = labelled & (labels != Label.SPAM.value)
    orr = _remove_at(labels[not_spam] == Label.OFF_TOPIC.value, off[not_spam], target_precision)
    # Queueing at the remove threshold queues nothing for that task: always a candidate.
    spam_queue = [q for q in GRID if q < sr] + [sr]
    off_queue = [q for q in GRID if q < orr] + [orr]
    options = [_option(spam, off, labels, sq, sr, oq, orr) for sq in spam_queue for oq in off_queue]

    def best(budget: float) -> Option | None:
        fitting = [o for o in options if o.queue_share <= budget]
        return max(fitting, key=_preference) if fitting else None

    budgets = sorted({*BUDGETS, target_queue_share})
    tradeoff = [o for o in dict.fromkeys(best(b) for b in budgets) if o is not None]
    return Proposal(best(target_queue_share), tradeoff, int(labelled.sum()), len(labels))
