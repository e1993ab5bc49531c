"""Per-site thresholds from the site's own labels."""

from __future__ import annotations

import numpy as np

from moderation.tuning import propose


def site_traffic(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """1,000 comments: 60% ham, 25% spam, 15% off-topic, scores that overlap; 300 labelled."""
    rng = np.random.default_rng(seed)
    truth = rng.choice(["ham", "spam", "off_topic"], size=1000, p=[0.6, 0.25, 0.15])
    spam = np.clip(np.where(truth == "spam", rng.normal(0.75, 0.2, 1000), rng.normal(0.25, 0.2, 1000)), 0, 1)
    off = np.clip(np.where(truth == "off_topic", rng.normal(0.7, 0.2, 1000), rng.normal(0.3, 0.2, 1000)), 0, 1)
    labels = np.where(rng.random(1000) < 0.3, truth, "").astype(object)
    return spam, off, labels


def test_the_proposal_meets_the_removal_precision_and_the_queue_share():
    spam, off, labels = site_traffic()
    proposal = propose(spam, off, labels, target_precision=0.98, target_queue_share=0.1)
    chosen = proposal.chosen
    assert chosen is not None and proposal.labelled == int((labels != "").sum()) and proposal.comments == 1000
    assert chosen.remove_precision is not None and chosen.remove_precision >= 0.98
    assert chosen.queue_share <= 0.1
    assert chosen.spam_queue_at <= chosen.spam_remove_at and chosen.off_topic_queue_at <= chosen.off_topic_remove_at
    assert chosen in proposal.tradeoff


def test_a_larger_queue_catches_more_and_a_stricter_precision_removes_less():
    spam, off, labels = site_traffic()
    tight = propose(spam, off, labels, 0.98, 0.02).chosen
    loose = propose(spam, off, labels, 0.98, 0.3).chosen
    assert tight is not None and loose is not None
    assert loose.caught > tight.caught and loose.queue_share > tight.queue_share
    lenient = propose(spam, off, labels, 0.8, 0.1).chosen
    strict = propose(spam, off, labels, 0.995, 0.1).chosen
    assert strict.spam_remove_at >= lenient.spam_remove_at and strict.remove_share <= lenient.remove_share
    shares = [o.queue_share for o in propose(spam, off, labels, 0.98, 0.1).tradeoff]
    assert shares == sorted(shares)
