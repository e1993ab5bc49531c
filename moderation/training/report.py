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

from moderation.domain import Comment, Post, Site
from moderation.scoring.bundle import ModelBundle
from moderation.scoring.scorer import Scorer
from moderation.training.evaluate import TASKS, judged

WEAK_F1 = 0.8
FEW = 10  # positives in a slice below which its F1 says little
MAX_EXPLAINED = 500  # mistakes explained per task, so a large test split does not slow the report


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


def _labels(counts: dict[str, int]) -> str:
    return ", ".join(f"{label} {n}" for label, n in counts.items()) or "–"


def weaknesses(metrics: dict[str, Any]) -> list[str]:
    """Bullets naming the languages and datasets where a task's F1 (at 0.5) is under
    ``WEAK_F1``, and those with too few positives in the test split to tell."""
    lines = []
    for task in TASKS:
        if task not in metrics:
            continue
        for group, what in (("by_language", "language"), ("by_source", "dataset")):
            slices = metrics[task][group].items()
            weak = [f"{k} (F1 {m['f1']:.2f})" for k, m in sorted(slices) if m["positives"] >= FEW and m["f1"] < WEAK_F1]
            few = [f"{k} ({m['positives']})" for k, m in sorted(slices) if m["positives"] < FEW]
            if weak:
                lines.append(f"- {task}, {what}: F1 under {WEAK_F1} in {', '.join(weak)}.")
            if few:
                named = ", ".join(few)
                lines.append(f"- {task}, {what}: under {FEW} positives in the test split, not measured: {named}.")
    return lines or [f"- No language or dataset under F1 {WEAK_F1}, each with at least {FEW} positives."]


def mistakes_by_reason(
    bundle: ModelBundle, prepared: pd.DataFrame, probabilities: dict[str, np.ndarray]
) -> dict[tuple[str, str, str], int]:
    """The test split's mistakes at 0.5, counted by task, kind (false positive or negative) and the
    code of the reason that pushed most towards the mistake (the strongest explanation of it)."""
    scorer = Scorer(bundle)
    counts: dict[tuple[str, str, str], int] = {}
    for task, rows, truth, scores in judged(prepared, probabilities):
        wrong = np.flatnonzero((scores >= 0.5) != truth)[:MAX_EXPLAINED]
        if not len(wrong):
            continue
        picked = rows.iloc[wrong]
        items = [
            (Comment(r.content, r.author_name, r.author_email, r.author_url),
             Post(r.post_title, r.post_body, tuple(t for t in r.post_tags.split(";") if t), r.post_url),
             Site(tuple(r.site_languages.split()), r.site_topic))
            for r in picked.itertuples()
        ]  # fmt: skip
        for positive, result in zip(~truth[wrong], scorer.score_many(items), strict=True):
            reasons = result.spam_reasons if task == "spam" else result.off_topic_reasons
            toward = [r for r in reasons if (r.weight > 0) == bool(positive)]
            code = max(toward, key=lambda r: abs(r.weight)).code if toward else "(none)"
            key = (task, "false positive" if positive else "false negative", code)
            counts[key] = counts.get(key, 0) + 1
    return counts


def mistakes_table(counts: dict[tuple[str, str, str], int]) -> list[str]:
    """Markdown lines: the mistakes per task and kind, by strongest reason, most frequent first."""
    if not counts:
        return ["No mistakes at 0.5 on the test split."]
    lines = [
        "Mistakes on the test split at 0.5, by the reason that pushed most towards them:",
        "",
        "| task | mistake | strongest reason | comments |",
        "|---|---|---|---|",
    ]
    for (task, kind, code), n in sorted(counts.items(), key=lambda item: (item[0][:2], -item[1])):
        lines.append(f"| {task} | {kind} | {code} | {n} |")
    return lines


def _table(metrics: dict[str, dict[str, Any]], heading: str) -> list[str]:
    lines = [f"| {heading} | rows | positives | precision | recall | F1 | ROC-AUC |", "|---|---|---|---|---|---|---|"]
    for name, m in sorted(metrics.items()):
        auc = "–" if m["roc_auc"] is None else f"{m['roc_auc']:.3f}"
        cells = [name, m["rows"], m["positives"], f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", auc]
        lines.append("| " + " | ".join(map(str, cells)) + " |")
    return lines


def write_report(
    folder: Path,
    metadata: dict[str, Any],
    prepared: pd.DataFrame,
    probabilities: dict[str, np.ndarray],
    bundle: ModelBundle | None = None,
    mistakes: tuple[pd.DataFrame, dict[str, np.ndarray]] | None = None,
) -> Path:
    """Write ``report.md`` and its plots into a version folder; returns the report's path. The
    mistakes are explained from ``prepared``, or from ``mistakes`` (whole rows with their
    probabilities) when ``prepared`` holds only what the metrics need."""
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
        "| dataset | format | rows | labels | sha256 |",
        "|---|---|---|---|---|",
        *[
            f"| {d['path']} | {d['format']} | {d['rows']} | {_labels(d.get('labels', {}))} | {d['sha256'][:12]}… |"
            for d in metadata["datasets"]
        ],
        "",
        f"Split rule: {metadata.get('split_rule', '')}. Only the train split was fitted on.",
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
        lines += ["", f"## {task}", "", *_table({"all": metrics[task]["all"]}, "slice"), ""]
        lines += [*_table(metrics[task]["by_source"], "dataset"), "", *_table(metrics[task]["by_language"], "language")]
    lines += ["", "## Where it is weak", "", *weaknesses(metrics)]
    if bundle is not None:
        lines += ["", *mistakes_table(mistakes_by_reason(bundle, *(mistakes or (prepared, probabilities))))]
    lines += ["", "## Plots", "", *[f"![{p}]({p})" for p in plots], ""]
    path = folder / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
