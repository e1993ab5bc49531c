"""How much each training row counts when the spam model is fitted, and that fit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from moderation.scoring.pipelines import build_spam_pipeline

FULL_SOURCE_ROWS = 200  # a source of fewer rows weighs as that share of a full source


def source_weights(sources: Sequence[str] | pd.Series) -> np.ndarray:
    """Row weights giving every training source (a dataset file, or one video's comments) the same
    total weight, with a mean of 1; a source of fewer than ``FULL_SOURCE_ROWS`` rows counts its
    rows as a share of that (18 rows: 9% of a full source).

    Without them the largest sets (thousands of SMS, Telegram messages or product reviews) decide
    what the spam model learns, and a blog's few hundred comments, or one video's, hardly count;
    weighted, the held-out YouTube videos scored better (BENCHMARKS.md). Without the floor, a
    site's first 18 moderator labels weighed as much as the whole seed corpus, each a hundred
    seed comments, and the model retrained on them lost 0.07 of spam F1 on the seed test split."""
    series = pd.Series(np.asarray(sources, dtype=object))
    if series.empty:
        return np.ones(0)
    counted = np.maximum(series.map(series.value_counts()).to_numpy(dtype=float), FULL_SOURCE_ROWS)
    per_row = 1.0 / counted
    return per_row * (len(series) / per_row.sum())


def spam_fit_params(rows: pd.DataFrame) -> dict[str, np.ndarray]:
    """Keyword arguments for a spam pipeline's ``fit`` on ``rows``: the classifier's sample weights."""
    return {"classifier__sample_weight": source_weights(rows["source"])}


def fit_spam(rows: pd.DataFrame, **params: Any) -> Pipeline:
    """The spam pipeline (``params`` to ``set_params``) fitted on ``rows``, sources weighted."""
    return build_spam_pipeline(**params).fit(rows, rows["label"].eq("spam"), **spam_fit_params(rows))
