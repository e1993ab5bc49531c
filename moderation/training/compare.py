"""Two model versions measured on the same evaluation sets: the champion in use and a challenger.

An evaluation set is either a dataset's test split (texts no version trained on, by the split
rule) or a holdout file measured whole: recent human labels kept out of every training run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from moderation.errors import DatasetError
from moderation.scoring.bundle import ModelBundle
from moderation.training.assemble import combine, prepare_all, with_swapped
from moderation.training.evaluate import evaluate_predictions, judged, predict
from moderation.training.formats import load_dataset


@dataclass(frozen=True)
class EvaluationSet:
    """Prepared, labelled rows under a name that says where they come from."""

    name: str
    rows: pd.DataFrame


def evaluation_sets(datasets: list[str], holdouts: list[str] | None = None) -> list[EvaluationSet]:
    """The test split of each dataset, and each holdout file whole."""
    sets = []
    for spec in datasets:
        rows = with_swapped(prepare_all(_loaded(spec)), seed=0)
        sets.append(EvaluationSet(f"{spec} (test split)", rows.loc[rows["split"] == "test"].reset_index(drop=True)))
    for spec in holdouts or []:
        sets.append(EvaluationSet(f"{spec} (holdout)", prepare_all(_loaded(spec))))
    return sets


def _loaded(spec: str) -> pd.DataFrame:
    frame = combine([load_dataset(spec)])
    if frame.empty:
        raise DatasetError(f"{spec}: no labelled rows to evaluate on")
    return frame


def at_remove(truth: np.ndarray, scores: np.ndarray, remove_at: float) -> dict[str, Any]:
    """What automatic removal at ``remove_at`` does: how many are removed, and how many of those
    rightly (precision; None when nothing is removed, so nothing is removed wrongly)."""
    removed = scores >= remove_at
    hits = int(truth[removed].sum())
    count = int(removed.sum())
    return {
        "threshold": remove_at,
        "removed": count,
        "wrongly_removed": count - hits,
        "precision": round(hits / count, 4) if count else None,
        "recall": round(hits / int(truth.sum()), 4) if truth.any() else None,
    }


def measure(bundle: ModelBundle, rows: pd.DataFrame) -> dict[str, Any]:
    """``evaluate`` metrics per task (at 0.5), plus ``at_remove`` at the version's own thresholds."""
    if rows.empty:
        return {}
    return measured(bundle, rows, predict(bundle, rows))


def measured(bundle: ModelBundle, rows: pd.DataFrame, probabilities: dict[str, np.ndarray]) -> dict[str, Any]:
    """``measure`` from the version's probabilities on ``rows``, computed beforehand."""
    metrics = evaluate_predictions(rows, probabilities)
    thresholds = {"spam": bundle.spam_thresholds.remove_at, "off_topic": bundle.off_topic_thresholds.remove_at}
    for task, _, truth, scores in judged(rows, probabilities):
        metrics[task]["at_remove"] = at_remove(truth, scores, thresholds[task])
    return metrics


@dataclass(frozen=True)
class Comparison:
    """Both versions' metrics on every evaluation set: ``{set name: {"champion": m, "challenger": m}}``."""

    champion: str
    challenger: str
    sets: dict[str, dict[str, dict[str, Any]]]

    def as_dict(self) -> dict[str, Any]:
        return {"champion": self.champion, "challenger": self.challenger, "sets": self.sets}


def head_to_head(
    champion: tuple[str, ModelBundle], challenger: tuple[str, ModelBundle], sets: list[EvaluationSet]
) -> Comparison:
    """Measure both versions on each set."""
    results = {
        each.name: {"champion": measure(champion[1], each.rows), "challenger": measure(challenger[1], each.rows)}
        for each in sets
    }
    return Comparison(champion[0], challenger[0], results)
