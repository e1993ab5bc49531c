"""The human report of a model version: ``report.md`` with precision-recall curves and confusion
matrices per task, drawn on the held-out test split."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.metrics import ConfusionMatrixDisplay, PrecisionRecallDisplay

from moderation.training.evaluate import TASKS, judged


def _plots(folder: Path, prepared: pd.DataFrame, probabilities: dict[str, np.ndarray]) -> list[str]:
    files = []
    for task, rows, truth, scores in judged(prepared, probabilities):
        figure, (curve, matrix) = plt.subplots(1, 2, figsize=(11, 4.5))
        for source, idx in sorted(rows.groupby("source").indices.items()):
            if 0 < truth[idx].sum() < len(idx):
                PrecisionRecallDisplay.from_predictions(truth[idx], scores[idx], name=source, ax=curve)
        curve.set_title(f"{task}: precision-recall by dataset (test split)")
        curve.legend(fontsize=7, loc="lower left")
        ConfusionMatrixDisplay.from_predictions(
            truth, scores >= 0.5, display_labels=["not " + task, task], ax=matrix, colorbar=False
        )
        matrix.set_title(f"{task}: confusion matrix at 0.5")
        figure.tight_layout()
        name = f"{task}.png"
        figure.savefig(folder / name, dpi=90)
        plt.close(figure)
        files.append(name)
    return files


def _table(metrics: dict[str, dict[str, Any]], heading: str) -> list[str]:
    lines = [f"| {heading} | rows | positives | precision | recall | F1 | ROC-AUC |", "|---|---|---|---|---|---|---|"]
    for name, m in sorted(metrics.items()):
        auc = "–" if m["roc_auc"] is None else f"{m['roc_auc']:.3f}"
        cells = [name, m["rows"], m["positives"], f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", auc]
        lines.append("| " + " | ".join(map(str, cells)) + " |")
    return lines


def write_report(
    folder: Path, metadata: dict[str, Any], prepared: pd.DataFrame, probabilities: dict[str, np.ndarray]
) -> Path:
    """Write ``report.md`` and its plots into a version folder; returns the report's path."""
    plots = _plots(folder, prepared, probabilities)
    metrics = metadata["metrics"]
    lines = [
        f"# Model {metadata['version']}",
        "",
        f"Trained {metadata['created_at']} on {metadata['rows']['train_spam']} comments for spam and "
        f"{metadata['rows']['train_off_topic']} comment/post pairs for off-topic; measured on the held-out "
        "test split (texts never seen in training).",
        "",
        "## Training data",
        "",
        "| dataset | format | rows | sha256 |",
        "|---|---|---|---|",
        *[f"| {d['path']} | {d['format']} | {d['rows']} | {d['sha256'][:12]}… |" for d in metadata["datasets"]],
        "",
        "## Thresholds",
        "",
        *[
            f"- {task}: queue at {levels['queue_at']}, remove at {levels['remove_at']}"
            for task, levels in metadata["thresholds"].items()
        ],
    ]
    for task in TASKS:
        if task not in metrics:
            continue
        lines += ["", f"## {task}", "", *_table({"all": metrics[task]["all"]}, "rows"), ""]
        lines += [*_table(metrics[task]["by_source"], "dataset"), "", *_table(metrics[task]["by_language"], "language")]
        weak = [lang for lang, m in metrics[task]["by_language"].items() if m["positives"] and m["f1"] < 0.8]
        if weak:
            lines += ["", f"Weak (F1 under 0.8 at 0.5): {', '.join(sorted(weak))}."]
    lines += ["", "## Plots", "", *[f"![{p}]({p})" for p in plots], ""]
    path = folder / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
