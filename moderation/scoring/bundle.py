"""What a trained model version holds: both pipelines and the thresholds chosen for them."""

from __future__ import annotations

from dataclasses import dataclass, field

from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler


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

    def mismatched_blocks(self) -> list[str]:
        """The dense feature blocks (comment signals, post similarities) whose fitted scaler expects
        another number of columns than this code's transformer computes: a model trained before
        features were added or removed, which cannot score until retrained."""
        found = []
        for task, pipeline in (("spam", self.spam), ("off_topic", self.off_topic)):
            for name, block, _ in pipeline.named_steps["features"].transformers_:
                steps = dict(block.steps) if isinstance(block, Pipeline) else {}
                if isinstance(steps.get("scale"), StandardScaler) and len(steps) == 2:
                    computed = len(block.steps[0][1].get_feature_names_out())
                    fitted = steps["scale"].n_features_in_
                    if computed != fitted:
                        found.append(f"{task} {name}: fitted on {fitted} columns, this code computes {computed}")
        return found
