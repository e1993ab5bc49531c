"""Metrics of a model on labelled, prepared rows: per task, per dataset and per language."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
from sklearn import config_context
from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score

from moderation.scoring.bundle import ModelBundle
from moderation.training.assemble import has_context

TASKS = ("spam", "off_topic")


def predict(bundle: ModelBundle, prepared: pd.DataFrame) -> dict[str, np.ndarray]:
    """Both probabilities for every prepared row."""
    with config_context(assume_finite=True):
        return {
            "spam": bundle.spam.predict_proba(prepared)[:, 1],
            "off_topic": bundle.off_topic.predict_proba(prepared)[:, 1],
        }


def task_rows(prepared: pd.DataFrame, task: str) -> pd.Series:
    """Which rows a task is judged on: for spam every comment (swapped pairs repeat one, so not
    them); for off-topic, non-spam comments with a post or subject, swapped pairs included."""
    if task == "spam":
        return ~prepared["source"].str.endswith(":swapped")
    return has_context(prepared) & prepared["label"].ne("spam")


def binary_metrics(truth: np.ndarray, probability: np.ndarray, threshold: float = 0.5) -> dict[str, Any]:
    """Precision, recall, F1 at ``threshold`` and ROC-AUC (None when one class is absent)."""
    predicted = probability >= threshold
    both = len(set(truth.tolist())) == 2
    return {
        "rows": len(truth),
        "positives": int(truth.sum()),
        "precision": round(float(precision_score(truth, predicted, zero_division=0)), 4),
        "recall": round(float(recall_score(truth, predicted, zero_division=0)), 4),
        "f1": round(float(f1_score(truth, predicted, zero_division=0)), 4),
        "roc_auc": round(float(roc_auc_score(truth, probability)), 4) if both else None,
    }


def evaluate(bundle: ModelBundle, prepared: pd.DataFrame, threshold: float = 0.5) -> dict[str, Any]:
    """``{task: {"all": m, "by_source": {..}, "by_language": {..}}}`` on the given rows."""
    probabilities = predict(bundle, prepared)
    return evaluate_predictions(prepared, probabilities, threshold)


def judged(
    prepared: pd.DataFrame, probabilities: dict[str, np.ndarray]
) -> Iterator[tuple[str, pd.DataFrame, np.ndarray, np.ndarray]]:
    """For each task with rows to judge: the task, its rows, the truth and the scores."""
    for task in TASKS:
        mask = task_rows(prepared, task).to_numpy()
        if mask.any():
            rows = prepared.loc[mask]
            yield task, rows, (rows["label"] == task).to_numpy(), probabilities[task][mask]


def evaluate_predictions(
    prepared: pd.DataFrame, probabilities: dict[str, np.ndarray], threshold: float = 0.5
) -> dict[str, Any]:
    """Metrics from precomputed probabilities (see ``evaluate``)."""
    report: dict[str, Any] = {}
    for task, rows, truth, scores in judged(prepared, probabilities):
        declared = rows.get("dataset_language", pd.Series("", index=rows.index))
        language = declared.where(declared != "", rows["language"])
        report[task] = {
            "all": binary_metrics(truth, scores, threshold),
            "by_source": {
                source: binary_metrics(truth[idx], scores[idx], threshold)
                for source, idx in rows.groupby("source").indices.items()
            },
            "by_language": {
                lang: binary_metrics(truth[idx], scores[idx], threshold)
                for lang, idx in rows.groupby(language).indices.items()
            },
        }
    return report


def threshold_for_precision(truth: np.ndarray, probability: np.ndarray, target: float, floor: float) -> float:
    """The lowest score at which automatic action reaches ``target`` precision (at least ``floor``)."""
    order = np.argsort(-probability)
    hits = np.cumsum(truth[order])
    precision = hits / np.arange(1, len(order) + 1)
    reaching = np.flatnonzero(precision >= target)
    if len(reaching) == 0 or not truth.any():
        return 0.99
    return float(max(floor, round(float(probability[order][reaching[-1]]), 3)))
