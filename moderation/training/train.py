"""A training run: load datasets, fit both pipelines on the train split, measure on the test split,
and save a verified model version with its metadata and report."""

from __future__ import annotations

import platform
import resource
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib
import langdetect
import numpy as np
import pandas as pd
import scipy
import sklearn

from moderation.errors import DatasetError, ModelIntegrityError, PromotionRefused
from moderation.promotion import PromotionRule, current_user
from moderation.promotion import promote as promote_version
from moderation.registry import ModelVersion, Registry, sha256_file
from moderation.scoring.bundle import ModelBundle
from moderation.scoring.pipelines import build_off_topic_pipeline
from moderation.training.assemble import combine, prepare_all, training_tables
from moderation.training.compare import Comparison, measure, measured
from moderation.training.evaluate import (
    evaluate_predictions,
    judged,
    predict,
    task_rows,
    threshold_for_precision,
)
from moderation.training.formats import load_format, resolve_spec
from moderation.training.report import write_report
from moderation.training.weights import fit_spam

REMOVE_PRECISION = 0.98  # automatic removal must be right this often on the test split
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class TrainingResult:
    """What a run produced."""

    version: ModelVersion
    promoted: bool
    metrics: dict[str, Any]
    timings: dict[str, float]
    peak_memory_mb: float
    refused: str = ""  # why a --promote was refused by the guard


def dataset_record(fmt: str, path: Path, label_counts: dict[str, int]) -> dict[str, Any]:
    """What metadata says of one dataset: path, format, rows, rows per label and sha256."""
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    digest = sha256_file(files[0]) if len(files) == 1 else ",".join(sha256_file(f)[:16] for f in files)
    labels = {str(k): int(v) for k, v in sorted(label_counts.items())}
    return {"path": str(path), "format": fmt, "rows": sum(labels.values()), "labels": labels, "sha256": digest}


class Stages:
    """Times the stages of a run into ``timings`` and reports each to ``progress`` when it ends."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.timings: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.timings[name] = round(time.perf_counter() - started, 2)
        if self.progress:
            self.progress(name, self.timings[name])


def libraries() -> dict[str, str]:
    """Versions of the libraries a model version was trained with."""
    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "pandas": pd.__version__,
        "joblib": joblib.__version__,
        "langdetect": getattr(langdetect, "__version__", "1.0.9"),
    }


def choose_remove_thresholds(bundle: ModelBundle, test: pd.DataFrame, probabilities: dict[str, np.ndarray]) -> None:
    """Set each task's remove threshold to the lowest score removing with ``REMOVE_PRECISION`` on
    the test split (never below 0.8)."""
    chosen = {"spam": bundle.spam_thresholds, "off_topic": bundle.off_topic_thresholds}
    for task, _, truth, scores in judged(test, probabilities):
        chosen[task].remove_at = threshold_for_precision(truth, scores, REMOVE_PRECISION, floor=0.8)


def version_metadata(
    created: datetime, datasets: list[dict[str, Any]], rows: dict[str, int], test: pd.DataFrame, seed: int,
    metrics: dict[str, Any], bundle: ModelBundle, timings: dict[str, float], **extra: Any,
) -> dict[str, Any]:  # fmt: skip
    """``metadata.json`` of a new version, whichever trainer fitted it (``extra``: its own details)."""
    return {
        "created_at": created.isoformat(timespec="seconds"),
        "libraries": libraries(),
        "datasets": datasets,
        "rows": {
            **rows,
            "test": len(test),
            "test_spam_rows": int(task_rows(test, "spam").sum()),
            "test_off_topic_rows": int(task_rows(test, "off_topic").sum()),
        },
        "split_rule": "sha256 of the folded text; about 20% test (moderation.training.corpus.split_of)",
        "seed": seed,
        **extra,
        "metrics": metrics,
        "thresholds": {
            "spam": vars(bundle.spam_thresholds).copy(),
            "off_topic": vars(bundle.off_topic_thresholds).copy(),
        },
        "timings_s": timings,
    }


def new_version_id(now: datetime) -> str:
    """A sortable, unique-enough version id: UTC time plus a random suffix."""
    return f"{now:%Y%m%d-%H%M%S}-{np.random.default_rng().integers(16**4):04x}"


def peak_memory_mb() -> float:
    """Peak resident memory of this process and its finished children, in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round((own + children) / 1024, 1)


def train(
    datasets: list[str],
    models_dir: Path,
    promote: bool = False,
    seed: int = 0,
    progress: Progress | None = None,
    spam_params: dict[str, Any] | None = None,
    off_topic_params: dict[str, Any] | None = None,
    force: bool = False,
    rule: PromotionRule | None = None,
) -> TrainingResult:
    """Train a new version from ``datasets`` (specs as for ``load_dataset``) into ``models_dir``.

    It becomes current when no version is current yet, or when ``promote`` is true and it is not
    worse than the current version on this run's test split by ``rule`` (or ``force``).
    """
    if not datasets:
        raise DatasetError("no datasets to train on")
    stage = Stages(progress)
    timings = stage.timings
    with stage("load"):
        resolved = [resolve_spec(spec) for spec in datasets]
        loaded = [(fmt, path, load_format(fmt, path)) for fmt, path in resolved]
        frame = combine([f for _, _, f in loaded])
    with stage("prepare (normalise, detect language)"):
        tables = training_tables(prepare_all(frame), seed)
    train_spam, train_off, test = tables.train_spam, tables.train_off_topic, tables.test
    if train_spam["label"].eq("spam").sum() < 2 or train_off["label"].eq("off_topic").sum() < 2:
        raise DatasetError("the training split needs spam, ham and off-topic comments with posts")
    with stage("fit spam"):
        spam = fit_spam(train_spam, **(spam_params or {}))
    with stage("fit off-topic"):
        off = build_off_topic_pipeline(**(off_topic_params or {})).fit(train_off, train_off["label"].eq("off_topic"))
    bundle = ModelBundle(spam=spam, off_topic=off)
    with stage("evaluate"):
        probabilities = predict(bundle, test)
        metrics = evaluate_predictions(test, probabilities)
        choose_remove_thresholds(bundle, test, probabilities)
    created = datetime.now(UTC)
    version_id = new_version_id(created)
    metadata = version_metadata(
        created, [dataset_record(fmt, path, f["label"].value_counts().to_dict()) for fmt, path, f in loaded],
        {"combined": len(frame), "train_spam": len(train_spam), "train_off_topic": len(train_off)},
        test, seed, metrics, bundle, timings,
    )  # fmt: skip
    registry = Registry(models_dir)
    with stage("save"):
        saved = registry.save(version_id, bundle, metadata)
        write_report(saved.path, saved.metadata, test, probabilities, bundle)
    promoted, refused = False, ""
    if not registry.has_current() or promote:
        with stage("promote"):
            try:
                champion = champion_of(registry, force)
                promote_through_guard(
                    registry, saved.version, measured(bundle, test, probabilities),
                    (champion[0], measure(champion[1], test)) if champion else None,
                    ", ".join(datasets) + " (test split)", rule, force,
                )  # fmt: skip
                promoted = True
            except PromotionRefused as exc:
                refused = str(exc)
    return TrainingResult(saved, promoted, metrics, timings, peak_memory_mb(), refused)


def promote_through_guard(
    registry: Registry, version: str, challenger: dict[str, Any], champion: tuple[str, dict[str, Any]] | None,
    set_name: str, rule: PromotionRule | None, force: bool,
) -> None:  # fmt: skip
    """Make ``version`` current if the guard finds it no worse than the champion (its version and
    metrics) on one evaluation set, both measured by ``compare.measured``; PromotionRefused if not."""
    comparison = None
    if champion is not None:
        comparison = Comparison(champion[0], version, {set_name: {"champion": champion[1], "challenger": challenger}})
    promote_version(registry, version, comparison, rule or PromotionRule(), current_user(), force)


def champion_of(registry: Registry, force: bool) -> tuple[str, ModelBundle] | None:
    """The current version and its model, to compare a new one with; None when there is none, or
    when it cannot be loaded and ``force`` is given (PromotionRefused without ``force``)."""
    if not registry.has_current():
        return None
    try:
        champion, checked = registry.load()
    except ModelIntegrityError as exc:
        if not force:
            message = f"the current version cannot be loaded to compare with ({exc}); use --force"
            raise PromotionRefused(message) from exc
        return None
    return checked.version, champion
