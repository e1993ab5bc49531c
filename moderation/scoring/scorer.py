"""The one public scoring API: a comment, its post and its site in; scores and reasons out."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn import config_context
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer

from moderation.domain import Comment, Post, Reason, Scores, Site
from moderation.errors import InvalidComment
from moderation.registry import Registry
from moderation.scoring.bundle import ModelBundle
from moderation.scoring.explain import (
    LinearExplainer,
    off_topic_reasons,
    spam_reasons,
    spam_spans,
    word_weights,
)
from moderation.scoring.frame import comments_frame, prepare
from moderation.text.language import SHORT_TEXT

MAX_CONTENT_CHARS = 65536


class Scorer:
    """Scores comments with one loaded model version. Never trains; safe to share between threads."""

    def __init__(self, bundle: ModelBundle, version: str = "") -> None:
        self.bundle = bundle
        self.version = version
        self._spam = LinearExplainer(bundle.spam)
        self._off_topic = LinearExplainer(bundle.off_topic)

    @classmethod
    def load(cls, models_dir: Path, version: str | None = None) -> Scorer:
        """The scorer for a verified version from a registry folder (the current one by default)."""
        bundle, checked = Registry(models_dir).load(version)
        return cls(bundle, checked.version)

    def score(self, comment: Comment, post: Post | None = None, site: Site | None = None) -> Scores:
        """Spam and off-topic probabilities of one comment, with the reasons behind them."""
        return self.score_many([(comment, post or Post(), site or Site())])[0]

    def score_many(self, items: Sequence[tuple[Comment, Post, Site]], explain: bool = True) -> list[Scores]:
        """Score a batch; ``explain=False`` skips reasons and spans (probabilities only)."""
        for comment, _, _ in items:
            if not isinstance(comment.content, str) or not comment.content.strip():
                raise InvalidComment("a comment needs non-empty text content")
            if len(comment.content) > MAX_CONTENT_CHARS:
                raise InvalidComment(f"comment content is over {MAX_CONTENT_CHARS} characters")
        if not items:
            return []
        frame, normalized = prepare(comments_frame(items))
        with config_context(assume_finite=True, skip_parameter_validation=True):
            spam_x = transform_columns(self.bundle.spam.named_steps["features"], frame)
            spam_p = calibrated_probability(self.bundle.spam.named_steps["classifier"], spam_x)
            off_x = transform_columns(self.bundle.off_topic.named_steps["features"], frame)
            off_p = calibrated_probability(self.bundle.off_topic.named_steps["classifier"], off_x)
        results = []
        for i, row in enumerate(frame.itertuples(index=False)):
            language_reasons = self._language_reasons(row.language, row.language_reliable, row.site_languages)
            spam_why: tuple[Reason, ...] = ()
            off_why: tuple[Reason, ...] = ()
            spans: tuple = ()
            if explain:
                spam_c = self._spam.contributions(spam_x[i])
                words = word_weights(spam_c, row.clean)
                context = {"language": row.language, "site_languages": row.site_languages}
                spam_why = spam_reasons(spam_c, words, row.clean, context)
                spans = spam_spans(words, normalized[i])
                off_why = off_topic_reasons(self._off_topic.contributions(off_x[i]))
            results.append(
                Scores(
                    spam=round(float(spam_p[i]), 4),
                    off_topic=round(float(off_p[i]), 4),
                    language=row.language,
                    language_confidence=float(row.language_confidence),
                    spam_reasons=spam_why,
                    off_topic_reasons=off_why,
                    language_reasons=language_reasons,
                    spans=spans,
                    model_version=self.version,
                )
            )
        return results

    @staticmethod
    def _language_reasons(language: str, reliable: bool, site_languages: str) -> tuple[Reason, ...]:
        reasons = []
        if site_languages and language not in site_languages.split():
            reasons.append(
                Reason(
                    "language", f"language {language}, site uses {site_languages.replace(' ', ', ')}", 0.0, "language"
                )
            )
        if not reliable:
            reasons.append(
                Reason(
                    "language_short_text",
                    f"under {SHORT_TEXT} letters: the language guess is unreliable",
                    0.0,
                    "language",
                )
            )
        return tuple(reasons)


def calibrated_probability(classifier: CalibratedClassifierCV, x: sparse.csr_matrix) -> np.ndarray:
    """``classifier.predict_proba(x)[:, 1]`` for a calibrated linear model fitted with
    ``ensemble=False``: the linear decision, then the fitted sigmoid, without the checks around."""
    inner = classifier.calibrated_classifiers_[0]
    decision = np.asarray(x @ inner.estimator.coef_.ravel()).ravel() + inner.estimator.intercept_[0]
    return np.asarray(inner.calibrators[0].predict(decision))


def transform_columns(features: ColumnTransformer, frame: pd.DataFrame) -> sparse.csr_matrix:
    """What ``features.transform(frame)`` returns, without its per-call dispatch and validation,
    which cost more than the transforms themselves on one comment (BENCHMARKS.md)."""
    # Our own transformers pick their columns from the whole frame; copying a column subset per
    # call costs more than they do.
    parts = [
        transformer.transform(frame if isinstance(columns, list) else frame[columns])
        for _, transformer, columns in features.transformers_
        if transformer != "drop"
    ]
    return sparse.hstack([sparse.csr_matrix(p) for p in parts], format="csr")
