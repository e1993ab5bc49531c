"""Quality benchmark: our models against a plain TF-IDF + logistic regression baseline, trained on
the same rows in the same run, per dataset and language; and YouTube leave-one-video-out.

    python bench/quality.py [--shared ../shared/data] [--out bench/results/quality.json]
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from common import ROOT, VIDEOS, load_prepared, shared_specs
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from moderation.scoring.pipelines import build_off_topic_pipeline
from moderation.training.assemble import training_tables
from moderation.training.evaluate import binary_metrics, evaluate_predictions
from moderation.training.weights import fit_spam


def baseline() -> Pipeline:
    """The floor: word TF-IDF of the raw comment text into a logistic regression."""
    features = ColumnTransformer([("text", TfidfVectorizer(sublinear_tf=True), "content")])
    return Pipeline([("features", features), ("classifier", LogisticRegression(max_iter=2000))])


def fit_baseline_spam(rows: pd.DataFrame) -> Pipeline:
    return baseline().fit(rows, rows["label"].eq("spam"))


def fit_both(train_spam: pd.DataFrame, train_off: pd.DataFrame) -> dict[str, dict[str, Any]]:
    models: dict[str, dict[str, Any]] = {"ours": {}, "baseline": {}}
    for name, fit_spam_model, build_off in (
        ("ours", fit_spam, build_off_topic_pipeline),
        ("baseline", fit_baseline_spam, baseline),
    ):
        started = time.perf_counter()
        models[name]["spam"] = fit_spam_model(train_spam)
        models[name]["off_topic"] = build_off().fit(train_off, train_off["label"].eq("off_topic"))
        models[name]["fit_s"] = round(time.perf_counter() - started, 1)
    return models


def held_out(prepared: pd.DataFrame) -> dict[str, Any]:
    tables = training_tables(prepared, seed=0)
    test = tables.test
    models = fit_both(tables.train_spam, tables.train_off_topic)
    results = {}
    for name, fitted in models.items():
        probabilities = {task: fitted[task].predict_proba(test)[:, 1] for task in ("spam", "off_topic")}
        results[name] = {"fit_s": fitted["fit_s"], "metrics": evaluate_predictions(test, probabilities)}
    return results


def leave_one_video_out(prepared: pd.DataFrame) -> dict[str, Any]:
    youtube = prepared["source"].str.startswith("youtube:")
    results: dict[str, Any] = {"ours": {}, "baseline": {}}
    for video in VIDEOS:
        held = prepared["source"].eq(f"youtube:{video}")
        train = prepared.loc[~held & (youtube | prepared["split"].eq("train"))]
        test = prepared.loc[held]
        truth = test["label"].eq("spam").to_numpy()
        for name, fit_spam_model in (("ours", fit_spam), ("baseline", fit_baseline_spam)):
            model = fit_spam_model(train)
            results[name][video] = binary_metrics(truth, model.predict_proba(test)[:, 1])
    for name in results:
        per_video = [results[name][v] for v in VIDEOS]
        results[name]["mean"] = {
            k: round(float(np.mean([m[k] for m in per_video])), 4) for k in ("precision", "recall", "f1", "roc_auc")
        }
    return results


def table(held: dict[str, Any], task: str, group: str) -> list[str]:
    lines = [
        f"| {group} | rows | ours F1 | base F1 | ours P | ours R | ours AUC | base AUC |",
        "|---|---|---|---|---|---|---|---|",
    ]
    ours, base = held["ours"]["metrics"][task], held["baseline"]["metrics"][task]
    slices = {"all": ours["all"]} | ours[group]
    for key, m in slices.items():
        b = base["all"] if key == "all" else base[group][key]
        fmt = lambda v: "–" if v is None else f"{v:.3f}"  # noqa: E731
        lines.append(
            f"| {key} | {m['rows']} | {fmt(m['f1'])} | {fmt(b['f1'])} | {fmt(m['precision'])} | {fmt(m['recall'])} | {fmt(m['roc_auc'])} | {fmt(b['roc_auc'])} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "quality.json")
    args = parser.parse_args()
    started = time.perf_counter()
    prepared = load_prepared(shared_specs(args.shared))
    held = held_out(prepared)
    lovo = leave_one_video_out(prepared)
    report = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "held_out": held, "youtube_leave_one_video_out": lovo,
              "seconds": round(time.perf_counter() - started, 1)}  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    for task in ("spam", "off_topic"):
        for group in ("by_source", "by_language"):
            print(f"\n### {task} {group} (held-out test split)\n")
            print("\n".join(table(held, task, group)))
    print("\n### YouTube leave one video out (spam)\n")
    print("| video | ours F1 | base F1 | ours AUC | base AUC |\n|---|---|---|---|---|")
    for video in [*VIDEOS, "mean"]:
        o, b = lovo["ours"][video], lovo["baseline"][video]
        print(f"| {video} | {o['f1']:.3f} | {b['f1']:.3f} | {o['roc_auc']:.3f} | {b['roc_auc']:.3f} |")
    print(
        f"\nfit seconds: ours {held['ours']['fit_s']}, baseline {held['baseline']['fit_s']}; total {report['seconds']} s"
    )


if __name__ == "__main__":
    main()
