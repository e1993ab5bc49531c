"""Learning curves of the retraining loop.

1. Quality against the number of human labels from a new site: the spam model trained on data/ plus
   the first N labelled comments of a public set's train split (standing in for moderators' labels),
   measured on that set's test split (never trained on); mean, min and max over 3 orders in which
   the labels arrive. Spam only: the public sets have no posts.
2. Training time and peak memory against corpus size: data/ repeated k times, each copy's texts made
   distinct by a suffix (synthetic repetition: the words are the seed corpus's, so the quality
   figures of such runs mean nothing), one full `train()` per size in a fresh process.

    python bench/learning_curve.py [--shared ../shared/data] [--part labels|size|all] [--repeats 1 2 4 8]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from common import ROOT, VIDEOS

from moderation.training.assemble import combine, prepare_all
from moderation.training.evaluate import binary_metrics
from moderation.training.formats import load_dataset
from moderation.training.weights import fit_spam

LABEL_COUNTS = (0, 50, 100, 200, 400, 800)
REPEATS = (1, 2, 4, 8)
ORDERS = 3


def new_sites(shared: Path) -> dict[str, pd.DataFrame]:
    """Labelled comments of two sites the seed corpus does not know: English YouTube comments, and
    Russian Telegram messages (a seeded sample of 4,000)."""
    youtube = combine([load_dataset(str(shared / "youtube_spam" / f"{v}.csv")) for v in VIDEOS])
    telegram = load_dataset(str(shared / "ru_telegram_spam" / "telegram_spam_ru.csv"))
    telegram = combine([telegram.sample(n=4000, random_state=0)])
    return {"youtube (en)": youtube, "telegram (ru)": telegram}


def label_curve(shared: Path) -> list[dict[str, Any]]:
    seed = prepare_all(combine([load_dataset(f"seed:{ROOT / 'data'}")]))
    seed_train = seed.loc[seed["split"] == "train"]
    results = []
    for name, frame in new_sites(shared).items():
        prepared = prepare_all(frame)
        test = prepared.loc[prepared["split"] == "test"]
        train = prepared.loc[prepared["split"] == "train"]
        truth = test["label"].eq("spam").to_numpy()
        for n in [c for c in LABEL_COUNTS if c < len(train)] + [len(train)]:
            runs = []
            for order in range(ORDERS):  # which labels arrive first changes small-N results a lot
                rows = pd.concat([seed_train, train.sample(frac=1.0, random_state=order).iloc[:n]], ignore_index=True)
                model = fit_spam(rows)
                runs.append(binary_metrics(truth, model.predict_proba(test)[:, 1]))
            summary = {
                key: [round(float(np.mean([r[key] for r in runs])), 3), min(r[key] for r in runs), max(r[key] for r in runs)]
                for key in ("precision", "recall", "f1", "roc_auc")
            }  # fmt: skip
            results.append(
                {"site": name, "labels": n, "test_rows": len(test), "positives": int(truth.sum()), **summary}
            )
            print(json.dumps(results[-1]), flush=True)
    return results


def one_size(repeats: int) -> dict[str, Any]:
    """One training run on data/ repeated ``repeats`` times (run in a fresh process)."""
    from moderation.training.corpus import load_seed
    from moderation.training.train import train

    seed = load_seed(ROOT / "data")
    copies = [seed.assign(content=seed["content"] + ("" if k == 0 else f" [{k}]")) for k in range(repeats)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "repeated.csv"
        pd.concat(copies, ignore_index=True).to_csv(path, index=False)
        started = time.perf_counter()
        result = train([f"canonical:{path}"], Path(folder) / "models")
        wall = time.perf_counter() - started
        return {
            "repeats": repeats, "rows": len(seed) * repeats, "train_spam_rows": result.version.metadata["rows"]["train_spam"],
            "wall_s": round(wall, 1), "timings_s": result.timings, "peak_memory_mb": result.peak_memory_mb,
        }  # fmt: skip


def size_curve(repeats_list: tuple[int, ...] = REPEATS) -> list[dict[str, Any]]:
    results = []
    for repeats in repeats_list:
        out = subprocess.run(
            [sys.executable, __file__, "--one-size", str(repeats)], capture_output=True, text=True, check=True
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(results[-1]), flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--part", choices=["labels", "size", "all"], default="all")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "learning_curve.json")
    parser.add_argument("--one-size", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--repeats", type=int, nargs="+", default=list(REPEATS),
        help="copies of data/ per size run (4: ~10k comments, 41: ~100k, 414: ~1M)",
    )  # fmt: skip
    args = parser.parse_args()
    if args.one_size:
        print(json.dumps(one_size(args.one_size)))
        return
    report: dict[str, Any] = {"measured_at": datetime.now(UTC).isoformat(timespec="seconds")}
    if args.part in ("labels", "all"):
        report["labels"] = label_curve(args.shared)
    if args.part in ("size", "all"):
        report["size"] = size_curve(tuple(args.repeats))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"written {args.out}")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
