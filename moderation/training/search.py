"""Hyper-parameter search by cross-validation on the train split, on any joblib parallel backend:
local processes (``loky``, the default) or threads, or a Dask or Ray cluster."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from joblib import parallel_config
from sklearn.model_selection import GridSearchCV, StratifiedGroupKFold

from moderation.errors import DatasetError
from moderation.scoring.pipelines import build_off_topic_pipeline, build_spam_pipeline
from moderation.training.assemble import combine, prepare_all, training_tables
from moderation.training.corpus import text_key
from moderation.training.formats import load_dataset
from moderation.training.weights import spam_fit_params

BUILDERS = {"spam": build_spam_pipeline, "off_topic": build_off_topic_pipeline}


@dataclass(frozen=True)
class Candidate:
    """One point of the grid and its cross-validated F1."""

    params: dict[str, Any]
    mean_f1: float
    std_f1: float
    mean_fit_s: float


@contextmanager
def backend(name: str, n_jobs: int, address: str | None = None) -> Iterator[None]:
    """Run joblib work inside on ``name``: ``loky`` or ``threading`` here; ``dask`` (a
    ``dask.distributed`` client to ``address``, or a local cluster) or ``ray`` (``ray.init`` at
    ``address``), whose packages are not dependencies of this project."""
    if name == "dask":
        from dask.distributed import Client  # type: ignore[import-not-found]  # registers "dask"

        with Client(address) if address else Client() as _, parallel_config(backend="dask", n_jobs=n_jobs):
            yield
        return
    if name == "ray":
        import ray  # type: ignore[import-not-found]
        from ray.util.joblib import register_ray  # type: ignore[import-not-found]

        register_ray()
        ray.init(address=address, ignore_reinit_error=True)
    with parallel_config(backend=name, n_jobs=n_jobs):
        yield


def as_params(grid: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """A grid read from JSON: pairs such as ``ngram_range`` as tuples (scikit-learn wants tuples)."""
    return {key: [tuple(v) if isinstance(v, list) else v for v in values] for key, values in grid.items()}


def search(
    datasets: list[str],
    task: str,
    grid: dict[str, list[Any]],
    folds: int = 3,
    backend_name: str = "loky",
    n_jobs: int = 2,
    address: str | None = None,
    seed: int = 0,
) -> list[Candidate]:
    """Every combination of ``grid`` (``set_params`` names of the task's pipeline) fitted on the
    train split of ``datasets`` in ``folds`` folds (a text and its moved copies stay in one fold),
    best mean F1 first. The test split is not touched."""
    if task not in BUILDERS:
        raise DatasetError(f"task must be one of {sorted(BUILDERS)}, not {task!r}")
    tables = training_tables(prepare_all(combine([load_dataset(spec) for spec in datasets])), seed)
    rows = tables.train_spam if task == "spam" else tables.train_off_topic
    folds_split = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    searcher = GridSearchCV(BUILDERS[task](), as_params(grid), scoring="f1", cv=folds_split, refit=False)
    with backend(backend_name, n_jobs, address):
        weights = spam_fit_params(rows) if task == "spam" else {}
        searcher.fit(rows, rows["label"].eq(task), groups=rows["content"].map(text_key), **weights)
    results = searcher.cv_results_
    candidates = [
        Candidate(dict(params), round(float(mean), 4), round(float(std), 4), round(float(fit), 2))
        for params, mean, std, fit in zip(
            results["params"], results["mean_test_score"], results["std_test_score"], results["mean_fit_time"],
            strict=True,
        )
    ]  # fmt: skip
    return sorted(candidates, key=lambda c: -c.mean_f1)
