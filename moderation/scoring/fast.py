"""Inference through fitted pipelines without scikit-learn's per-call dispatch and input checks.

On one comment those checks cost more than the arithmetic (BENCHMARKS.md). These functions compute
the same numbers as ``transform`` / ``predict_proba`` for the few step types our pipelines use,
and fall back to the step's own ``transform`` for any other; tests compare them with scikit-learn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from moderation.table import Table

Transform = Callable[[Any], Any]


def compile_tfidf(vectorizer: TfidfVectorizer) -> Callable[[Sequence[str]], sparse.csr_matrix]:
    """``vectorizer.transform`` for a fitted, l2-normed TfidfVectorizer."""
    if vectorizer.norm != "l2" or vectorizer.binary or not vectorizer.use_idf:
        return vectorizer.transform
    analyze = vectorizer.build_analyzer()
    vocabulary = vectorizer.vocabulary_
    idf = vectorizer.idf_
    sublinear = vectorizer.sublinear_tf

    def transform(documents: Sequence[str]) -> sparse.csr_matrix:
        indptr = [0]
        indices: list[np.ndarray] = []
        values: list[np.ndarray] = []
        for document in documents:
            counts: dict[int, int] = {}
            for term in analyze(document):
                index = vocabulary.get(term)
                if index is not None:
                    counts[index] = counts.get(index, 0) + 1
            columns = np.fromiter(sorted(counts), dtype=np.int32, count=len(counts))
            tf = np.fromiter((counts[c] for c in columns.tolist()), dtype=np.float64, count=len(counts))
            weights = (np.log(tf) + 1.0 if sublinear else tf) * idf[columns]
            norm = np.sqrt(weights @ weights)
            indices.append(columns)
            values.append(weights / norm if norm > 0 else weights)
            indptr.append(indptr[-1] + len(columns))
        shape = (len(indptr) - 1, len(idf))
        if not indices:
            return sparse.csr_matrix(shape)
        return sparse.csr_matrix((np.concatenate(values), np.concatenate(indices), np.asarray(indptr)), shape=shape)

    return transform


def compile_transformer(transformer: Any) -> Transform:
    """A function computing ``transformer.transform`` (fitted) with less overhead."""
    if isinstance(transformer, TfidfVectorizer):
        return compile_tfidf(transformer)
    if isinstance(transformer, StandardScaler):
        mean = transformer.mean_ if transformer.with_mean else 0.0
        scale = transformer.scale_ if transformer.with_std else 1.0
        return lambda x: (np.asarray(x, dtype=np.float64) - mean) / scale
    if isinstance(transformer, Pipeline):
        steps = [compile_transformer(step) for _, step in transformer.steps if step != "passthrough"]

        def chained(x: Any) -> Any:
            for step in steps:
                x = step(x)
            return x

        return chained
    return transformer.transform


def compile_columns(features: ColumnTransformer) -> Callable[[Table], list[Any]]:
    """``features.transform`` for a fitted ColumnTransformer whose columns are named, as the list
    of its blocks (sparse or dense), in output order; ``stack`` joins them."""
    parts: list[tuple[Transform, str | None]] = []
    for _, transformer, columns in features.transformers_:
        if transformer == "drop":
            continue
        # A single named column is handed over as a sequence; a list of columns means one of our
        # own transformers, which picks its columns from the whole table itself.
        parts.append((compile_transformer(transformer), columns if isinstance(columns, str) else None))
    return lambda table: [fn(table[name] if name else table) for fn, name in parts]


def stack(blocks: list[Any]) -> sparse.csr_matrix:
    """The blocks of ``compile_columns`` as one sparse matrix, as ``transform`` returns it."""
    return sparse.hstack([sparse.csr_matrix(b) for b in blocks], format="csr")


def compile_probability(classifier: CalibratedClassifierCV) -> Callable[[list[Any]], np.ndarray]:
    """``classifier.predict_proba(stack(blocks))[:, 1]`` for a calibrated linear model fitted with
    ``ensemble=False``: the linear decision, block by block, then the fitted sigmoid."""
    inner = classifier.calibrated_classifiers_[0]
    coef = inner.estimator.coef_.ravel()
    intercept = float(inner.estimator.intercept_[0])
    calibrator = inner.calibrators[0]

    def probability(blocks: list[Any]) -> np.ndarray:
        decision = np.full(blocks[0].shape[0], intercept)
        start = 0
        for block in blocks:
            width = block.shape[1]
            decision += np.asarray(block @ coef[start : start + width]).ravel()
            start += width
        return np.asarray(calibrator.predict(decision))

    return probability
