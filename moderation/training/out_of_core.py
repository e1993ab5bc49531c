"""Training on corpora larger than memory: each dataset read in chunks, the spam model fitted by
stochastic gradient descent over hashed features chunk by chunk, the off-topic model in memory on
a bounded sample of its rows. The result is a version like any other (registry, metadata, report,
promotion guard).

Memory holds one chunk of prepared rows, the two samples of comment/post rows, 9 bytes
per distinct text (``stream.SeenTexts``) and about 60 bytes per test row (labels, probabilities,
language); prepared rows and their hashed counts are spilled to a work folder between passes.
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy import sparse
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.frozen import FrozenEstimator

from moderation.errors import DatasetError, PromotionRefused
from moderation.promotion import PromotionRule
from moderation.registry import Registry
from moderation.scoring.bundle import ModelBundle
from moderation.scoring.frame import INPUT_COLUMNS, prepare
from moderation.scoring.pipelines import build_hashed_spam_pipeline, build_off_topic_pipeline
from moderation.training.assemble import PREPARE_CHUNK, has_context, joined, off_topic_rows, swapped_pairs
from moderation.training.compare import measured
from moderation.training.evaluate import evaluate_predictions, predict, task_rows
from moderation.training.formats import read_format, resolve_spec
from moderation.training.report import MAX_EXPLAINED, write_report
from moderation.training.spill import Spill, stacked
from moderation.training.stream import Reservoir, SeenTexts, keyed, without
from moderation.training.train import (
    Progress,
    Stages,
    TrainingResult,
    champion_of,
    choose_remove_thresholds,
    dataset_record,
    new_version_id,
    peak_memory_mb,
    promote_through_guard,
    version_metadata,
)

CALIBRATION_SHARE = 0.1  # of the training rows at most, set aside to calibrate on
SLIM_COLUMNS = ["source", "label", "language", "dataset_language", "split"]


@dataclass(frozen=True)
class StreamSettings:
    """How a corpus is streamed: rows per chunk, passes of SGD over the training chunks, rows kept
    aside to calibrate the spam probability, and the most comment/post rows the off-topic model
    (and, separately, the swapped pairs drawn from the seed corpus) is fitted on."""

    chunk_rows: int = 50_000
    epochs: int = 20
    calibration_rows: int = 10_000
    context_rows: int = 50_000
    n_jobs: int = 2


def _featurise(piece: pd.DataFrame, first_steps: list[tuple[str, Any, Any]]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Prepared rows of one piece, and the first (stateless) step of each feature block applied to
    its training rows: hashed term counts and raw comment signals."""
    rows = joined(piece, prepare(piece[INPUT_COLUMNS])[0])
    train = rows.loc[rows["split"] == "train"]
    return rows, {name: step.transform(train[columns] if isinstance(columns, str) else train)
                  for name, step, columns in first_steps}  # fmt: skip


def _blocks(features: ColumnTransformer) -> list[tuple[str, Any, Any]]:
    """The fitted feature blocks (each a Pipeline) with their input columns, in output order."""
    return [(name, t, columns) for name, t, columns in features.transformers_ if t != "drop"]


def prepare_rows(
    frame: pd.DataFrame, first_steps: list[tuple[str, Any, Any]], parallel: Parallel
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """``_featurise`` over one chunk, in pieces spread over the worker processes."""
    pieces = [frame.iloc[i : i + PREPARE_CHUNK] for i in range(0, len(frame), PREPARE_CHUNK)]
    done = parallel(delayed(_featurise)(piece, first_steps) for piece in pieces)
    rows = pd.concat([d[0] for d in done], ignore_index=True)
    return rows, {name: stacked([d[1][name] for d in done]) for name, _, _ in first_steps}


class FirstPass:
    """Reads every dataset once, chunk by chunk: drops repeated texts, prepares rows, spills them,
    and gathers what fitting needs: document frequencies of hashed terms, signal means and
    variances, and the off-topic and seed samples."""

    def __init__(self, settings: StreamSettings, spill: Spill, seed: int) -> None:
        self.settings = settings
        self.spill = spill
        self.seen = SeenTexts()
        self.features: ColumnTransformer | None = None
        self.frequencies: dict[str, np.ndarray] = {}
        self.documents = 0
        self.scaler: Any = None  # the signals' scale step, unfitted, from the pipeline (see _add)
        self.context = Reservoir(settings.context_rows, seed + 1)
        self.seed_rows = Reservoir(settings.context_rows, seed + 2)
        self.labels: dict[int, dict[str, int]] = {}
        self.most_prepared = 0  # the largest number of prepared rows held at once

    def read(self, index: int, fmt: str, path: Path, parallel: Parallel, stages: Stages) -> None:
        counts = self.labels.setdefault(index, {})
        for number, raw in enumerate(read_format(fmt, path, self.settings.chunk_rows)):
            with stages(f"  {path.name} chunk {number + 1}: {len(raw)} rows read, prepared, hashed"):
                for label, n in raw["label"].value_counts().items():
                    counts[str(label)] = counts.get(str(label), 0) + int(n)
                rows = keyed(raw)
                rows = rows.loc[self.seen.admit(rows["key"].to_numpy(dtype=np.uint64), rows["label"])]
                if not rows.empty:
                    self._add(rows.reset_index(drop=True), parallel)

    def _add(self, frame: pd.DataFrame, parallel: Parallel) -> None:
        if self.features is None:
            self.features = build_hashed_spam_pipeline().named_steps["features"]
            template, _ = prepare_rows(frame.iloc[:20], [], parallel)
            self.features.fit(template, template["label"].eq("spam"))
            self.scaler = clone(self.features.named_transformers_["signals"].steps[-1][1])
        first_steps = [(name, t.steps[0][1], columns) for name, t, columns in _blocks(self.features)]
        rows, blocks = prepare_rows(frame, first_steps, parallel)
        self.most_prepared = max(self.most_prepared, len(rows))
        train = rows.loc[rows["split"] == "train"].reset_index(drop=True)
        if len(train):
            for name, block in blocks.items():
                if sparse.issparse(block):
                    counts = np.bincount(block.indices, minlength=block.shape[1])
                    self.frequencies[name] = self.frequencies.get(name, 0) + counts
                else:
                    self.scaler.partial_fit(block)
            self.documents += len(train)
            self.spill.add_train(blocks, train["label"].eq("spam").to_numpy(), train["key"].to_numpy(dtype=np.uint64))
            self.context.offer(off_topic_rows(train))
        self.seed_rows.offer(rows.loc[rows["source"].eq("seed")])
        test = rows.loc[rows["split"] == "test"]
        if len(test):
            self.spill.add_test(test)

    def fitted_features(self) -> ColumnTransformer:
        """The spam features with their idf and signal scaling set from the whole stream."""
        if self.features is None:
            raise DatasetError("the datasets hold no rows")
        for name, transformer, _ in _blocks(self.features):
            if name in self.frequencies:
                tfidf = transformer.named_steps["tfidf"]
                # TfidfTransformer's smoothed idf, from the stream's counts instead of one matrix's
                tfidf.idf_ = np.log((1.0 + self.documents) / (1.0 + self.frequencies[name])) + 1.0
            else:
                transformer.steps[-1] = ("scale", self.scaler)
        return self.features


def _matrix(features: ColumnTransformer, blocks: dict[str, Any]) -> sparse.csr_matrix:
    """The spam features of spilled rows: each block's remaining steps after the first."""
    parts = []
    for name, transformer, _ in _blocks(features):
        x = blocks[name]
        for _, step in transformer.steps[1:]:
            x = step.transform(x)
        parts.append(sparse.csr_matrix(x))
    return sparse.hstack(parts, format="csr")


def fit_spam(
    first: FirstPass, spill: Spill, settings: StreamSettings, conflicting: np.ndarray, seed: int, stages: Stages
) -> tuple[Any, int, int]:
    """SGD over the spilled training rows for ``epochs`` passes, in batches of about ``chunk_rows``
    rows that each mix every chunk (position ranges, in a new order each pass), class weights from
    the label counts; then a sigmoid fitted on the rows of the lowest positions, set aside (about
    ``calibration_rows``, at most ``CALIBRATION_SHARE``), never fitted on. Returns the calibrated
    pipeline, the number of rows fitted on and the number calibrated on."""
    features = first.fitted_features()
    names = [name for name, _, _ in _blocks(features)]
    aside = min(settings.calibration_rows / max(spill.train_rows, 1), CALIBRATION_SHARE)
    _, spam, keys = spill.rows(aside, 1.0, [])
    spam = spam[~np.isin(keys, conflicting)]
    counts = np.bincount(spam.astype(int), minlength=2)
    if counts.min() < 2:
        raise DatasetError("the training split needs spam and ham comments")
    weights = {False: counts.sum() / (2 * counts[0]), True: counts.sum() / (2 * counts[1])}
    classifier = clone(build_hashed_spam_pipeline().named_steps["classifier"]).set_params(class_weight=weights)
    batches = max(1, int(np.ceil(counts.sum() / settings.chunk_rows)))
    edges = np.linspace(aside, 1.0, batches + 1)
    rng = np.random.default_rng(seed)
    for epoch in range(settings.epochs):
        with stages(f"fit spam, pass {epoch + 1} of {settings.epochs} in {batches} mixed batches"):
            for batch in rng.permutation(batches):
                blocks, spam, keys = spill.rows(edges[batch], edges[batch + 1], names)
                fitted = ~np.isin(keys, conflicting)
                if fitted.any():
                    x = _matrix(features, blocks)
                    classifier.partial_fit(x[fitted], spam[fitted], classes=np.array([False, True]))
    blocks, held, keys = spill.rows(0.0, aside, names)
    kept = ~np.isin(keys, conflicting)
    held = held[kept]
    if min(held.sum(), (~held).sum()) < 3:
        raise DatasetError("too few spam or ham rows set aside to calibrate on")
    with stages(f"calibrate spam on {len(held)} rows set aside"):
        calibrated = CalibratedClassifierCV(FrozenEstimator(classifier), method="sigmoid", ensemble=False)
        calibrated.fit(_matrix(features, blocks)[kept], held)
    pipeline = build_hashed_spam_pipeline()
    pipeline.steps[:] = [("features", features), ("classifier", calibrated)]
    return pipeline, int(counts.sum()), len(held)


@dataclass
class TestPass:
    """Both models' (and the current version's) probabilities on every test row, with only what
    the metrics need of each row, and the first mistakes whole (for the report's reasons)."""

    slim: list[pd.DataFrame]
    probabilities: dict[str, list[np.ndarray]]
    champion: dict[str, list[np.ndarray]]
    mistakes: list[tuple[pd.DataFrame, dict[str, np.ndarray]]]
    explained: dict[str, int]

    def add(self, rows: pd.DataFrame, bundle: ModelBundle, champion: ModelBundle | None) -> None:
        if rows.empty:
            return
        rows = rows.reset_index(drop=True)
        found = predict(bundle, rows)
        for task, p in found.items():
            self.probabilities[task].append(p)
        if champion is not None:
            for task, p in predict(champion, rows).items():
                self.champion[task].append(p)
        wrong = np.zeros(len(rows), dtype=bool)
        for task in found:
            mask = task_rows(rows, task).to_numpy()
            missed = np.flatnonzero(mask & ((found[task] >= 0.5) != rows["label"].eq(task).to_numpy()))
            missed = missed[: max(0, MAX_EXPLAINED - self.explained[task])]
            self.explained[task] += len(missed)
            wrong[missed] = True
        if wrong.any():
            self.mistakes.append((rows.loc[wrong], {task: p[wrong] for task, p in found.items()}))
        slim = rows[SLIM_COLUMNS].assign(context=has_context(rows))
        self.slim.append(slim.astype({c: "category" for c in SLIM_COLUMNS}))

    def table(self) -> pd.DataFrame:
        columns = {c: pd.api.types.union_categoricals([s[c] for s in self.slim]) for c in SLIM_COLUMNS}
        return pd.DataFrame(columns).assign(context=np.concatenate([s["context"].to_numpy() for s in self.slim]))


def _joined(parts: dict[str, list[np.ndarray]]) -> dict[str, np.ndarray]:
    return {task: np.concatenate(p) if p else np.empty(0) for task, p in parts.items()}


def train_out_of_core(
    datasets: list[str],
    models_dir: Path,
    settings: StreamSettings | None = None,
    promote: bool = False,
    seed: int = 0,
    progress: Progress | None = None,
    force: bool = False,
    rule: PromotionRule | None = None,
    work_dir: Path | None = None,
) -> TrainingResult:
    """``train`` for corpora of any size (see the module's docstring); ``work_dir`` holds the
    spilled chunks (a temporary folder, removed afterwards, by default)."""
    if not datasets:
        raise DatasetError("no datasets to train on")
    settings = settings or StreamSettings()
    resolved = [resolve_spec(spec) for spec in datasets]
    with tempfile.TemporaryDirectory(prefix="moderation-ooc-", dir=work_dir) as folder:
        return _train(resolved, models_dir, settings, promote, seed, Stages(progress), force, rule, Path(folder))


def _train(
    resolved: list[tuple[str, Path]], models_dir: Path, settings: StreamSettings, promote: bool, seed: int,
    stages: Stages, force: bool, rule: PromotionRule | None, folder: Path,
) -> TrainingResult:  # fmt: skip
    spill = Spill(folder, seed)
    first = FirstPass(settings, spill, seed)
    with stages("read, prepare and hash in chunks"), Parallel(n_jobs=settings.n_jobs) as parallel:
        for index, (fmt, path) in enumerate(resolved):
            first.read(index, fmt, path, parallel, stages)
    conflicting = first.seen.conflicting()
    seeded = without(first.seed_rows.sample(), conflicting)
    swapped = swapped_pairs(seeded, seed) if len(seeded) else pd.DataFrame(columns=["split"])
    off_topic = without(first.context.sample(), conflicting)
    off_topic = pd.concat([off_topic, swapped.loc[swapped["split"] == "train"]], ignore_index=True)
    if off_topic.empty or off_topic["label"].eq("off_topic").sum() < 2:
        raise DatasetError("the training split needs off-topic comments with posts")
    spam, fitted_rows, calibrated_on = fit_spam(first, spill, settings, conflicting, seed, stages)
    with stages(f"fit off-topic on {len(off_topic)} comment/post rows"):
        off = build_off_topic_pipeline().fit(off_topic, off_topic["label"].eq("off_topic"))
    bundle = ModelBundle(spam=spam, off_topic=off)
    registry = Registry(models_dir)
    champion, refused = None, ""
    if promote and registry.has_current():
        try:
            champion = champion_of(registry, force)
        except PromotionRefused as exc:
            refused = str(exc)
    tested = TestPass([], {"spam": [], "off_topic": []}, {"spam": [], "off_topic": []}, [], {"spam": 0, "off_topic": 0})
    with stages(f"evaluate on {spill.test_chunks} test chunks"):
        for rows in spill.test():
            tested.add(without(rows, conflicting), bundle, champion[1] if champion else None)
        tested.add(swapped.loc[swapped["split"] == "test"], bundle, champion[1] if champion else None)
        test, probabilities = tested.table(), _joined(tested.probabilities)
        metrics = evaluate_predictions(test, probabilities)
        choose_remove_thresholds(bundle, test, probabilities)
    created = datetime.now(UTC)
    version_id = new_version_id(created)
    metadata = version_metadata(
        created,
        [dataset_record(fmt, path, first.labels.get(i, {})) for i, (fmt, path) in enumerate(resolved)],
        {"combined": len(first.seen) - len(conflicting), "train_spam": fitted_rows, "train_off_topic": len(off_topic)},
        test, seed, metrics, bundle, stages.timings,
        out_of_core={
            **asdict(settings),
            "repeated_texts_dropped": first.seen.dropped,
            "conflicting_texts_dropped": len(conflicting),
            "calibration_rows_set_aside": calibrated_on,
            "off_topic_rows_offered": first.context.offered,
            "most_prepared_rows_held": first.most_prepared,
        },
    )  # fmt: skip
    with stages("save"):
        saved = registry.save(version_id, bundle, metadata)
        mistakes = (
            pd.concat([m[0] for m in tested.mistakes], ignore_index=True),
            {t: np.concatenate([m[1][t] for m in tested.mistakes]) for t in ("spam", "off_topic")},
        ) if tested.mistakes else (test.iloc[:0], {t: np.empty(0) for t in ("spam", "off_topic")})  # fmt: skip
        write_report(saved.path, saved.metadata, test, probabilities, bundle, mistakes)
    promoted = False
    if not refused and (not registry.has_current() or promote):
        with stages("promote"):
            try:
                promote_through_guard(
                    registry, saved.version, measured(bundle, test, probabilities),
                    (champion[0], measured(champion[1], test, _joined(tested.champion))) if champion else None,
                    ", ".join(str(path) for _, path in resolved) + " (test split)", rule, force,
                )  # fmt: skip
                promoted = True
            except PromotionRefused as exc:
                refused = str(exc)
    return TrainingResult(saved, promoted, metrics, stages.timings, peak_memory_mb(), refused)
