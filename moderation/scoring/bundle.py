"""What a trained model version holds: both pipelines and the thresholds chosen for them."""

from __future__ import annotations

from dataclasses import dataclass, field

from sklearn.pipeline import Pipeline


@dataclass
class Thresholds:
    """Score levels at which a comment should be queued for a human or removed outright."""

    queue_at: float = 0.5
    remove_at: float = 0.95


@dataclass
class ModelBundle:
    """The artifact saved as ``model.joblib`` in a model version folder."""

    spam: Pipeline
    off_topic: Pipeline
    spam_thresholds: Thresholds = field(default_factory=Thresholds)
    off_topic_thresholds: Thresholds = field(default_factory=Thresholds)
