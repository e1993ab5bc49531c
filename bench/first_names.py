"""Does a comment's spam verdict depend on the writer's first name? The spam model fitted on the
training split, then every seed-corpus test comment scored with its own author name and again
with each of a list of ordinary first names (one or two words, several languages): how far each
comment's score moves, and how many comments change verdict at 0.5 with the name alone.

    python bench/first_names.py [--shared ../shared/data] [--out bench/results/first_names.json]

Without ``--shared`` the model is trained on data/ alone (the default model); with it, on data/
plus the shared sets of ``bench/quality.py``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from common import ROOT, load_prepared, shared_specs

from moderation.training.assemble import training_tables
from moderation.training.evaluate import binary_metrics
from moderation.training.weights import fit_spam

FIRST_NAMES = [
    "Sarah", "Tom", "Mike", "Emma", "Anna", "Erik", "Maria", "Ahmed", "Priya", "Jens", "Lucas", "Sofia",
    "Olga", "Kenji", "Fatima", "David", "Linnea", "Pierre", "Carmen", "Joost", "Sarah Miller", "Tom Berg",
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, help="also train on the shared sets under this folder")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "first_names.json")
    args = parser.parse_args()
    started = time.perf_counter()
    specs = shared_specs(args.shared) if args.shared else [f"seed:{ROOT / 'data'}"]
    tables = training_tables(load_prepared(specs), seed=0)
    model = fit_spam(tables.train_spam)
    test = tables.test
    test = test[test["source"].eq("seed")].drop_duplicates("content")
    truth = test["label"].eq("spam").to_numpy()
    scores = [model.predict_proba(test)[:, 1]]
    scores += [model.predict_proba(test.assign(author_name=name))[:, 1] for name in FIRST_NAMES]
    by_name = np.column_stack(scores)
    spread = by_name.max(axis=1) - by_name.min(axis=1)
    flips = (by_name >= 0.5).any(axis=1) & (by_name < 0.5).any(axis=1)
    report = {
        "trained_on": "data/ and the shared sets" if args.shared else "data/",
        "comments": len(test),
        "own_names": binary_metrics(truth, by_name[:, 0]),
        "spread": {"median": float(np.median(spread)), "mean": float(spread.mean()),
                   "p90": float(np.quantile(spread, 0.9))},
        "verdict_depends_on_name": {"ham": int(flips[~truth].sum()), "spam": int(flips[truth].sum())},
        "mean_score_by_name": dict(zip(FIRST_NAMES, by_name[:, 1:].mean(axis=0).round(4).tolist(), strict=True)),
        "seconds": round(time.perf_counter() - started, 1),
    }  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    own, depends, moved = report["own_names"], report["verdict_depends_on_name"], report["spread"]
    print(
        f"trained on {report['trained_on']}; {len(test)} seed test comments, own names: "
        f"F1 {own['f1']:.4f}, ROC-AUC {own['roc_auc']:.4f}"
    )
    print(
        f"score spread over {len(FIRST_NAMES)} first names and the own name: median {moved['median']:.4f}, "
        f"mean {moved['mean']:.4f}, 90th percentile {moved['p90']:.3f}"
    )
    print(f"verdicts at 0.5 that depend on the name: {sum(depends.values())} "
          f"({depends['ham']} ham, {depends['spam']} spam); {report['seconds']} s")  # fmt: skip


if __name__ == "__main__":
    main()
