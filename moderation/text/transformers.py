"""scikit-learn transformers over prepared comment frames (see ``moderation.scoring.frame``)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from moderation.table import Table, column, require_columns
from moderation.text.promotion import calls_to_action, self_promotions
from moderation.text.signals import ANCHOR, BBCODE_URL, author_signals, find_emails, find_links, find_phones

SIGNAL_NAMES = (
    "links", "link_domains", "emails", "phones", "html_anchors", "evasions", "author_url",
    "author_url_in_text", "author_name_words", "author_name_digits", "author_name_link",
    "author_name_lower", "uppercase_share", "digit_share", "exclamations", "length",
    "language_mismatch", "language_unreliable", "self_promotion", "calls_to_action",
)  # fmt: skip
SIGNAL_COLUMNS = [
    "content", "clean", "evasions", "author_name", "author_url", "language",
    "language_confidence", "language_reliable", "site_languages",
]  # fmt: skip


class CommentSignals(TransformerMixin, BaseEstimator):
    """Counts and flags from the comment's links, contact details, markup, evasion tricks, author
    fields and language, and its self-promotion and calls to action. Counts are log-scaled
    (``log1p``) when ``log_counts`` is true.

    ``mismatch_confidence`` is how sure langdetect must be, on a text long enough to trust, before a
    language the site does not use counts as a mismatch.
    """

    def __init__(self, log_counts: bool = True, mismatch_confidence: float = 0.9) -> None:
        self.log_counts = log_counts
        self.mismatch_confidence = mismatch_confidence

    def fit(self, X: Table, y: Any = None) -> CommentSignals:
        require_columns(X, SIGNAL_COLUMNS, "CommentSignals")
        self.n_features_in_ = len(SIGNAL_COLUMNS)
        self.feature_names_in_ = np.asarray(SIGNAL_COLUMNS, dtype=object)
        return self

    def transform(self, X: Table) -> np.ndarray:
        require_columns(X, SIGNAL_COLUMNS, "CommentSignals")
        rows = [self._row(*r) for r in zip(*(column(X, c) for c in SIGNAL_COLUMNS), strict=True)]
        return np.asarray(rows, dtype=float).reshape(len(rows), len(SIGNAL_NAMES))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray(SIGNAL_NAMES, dtype=object)

    def _count(self, n: float) -> float:
        return math.log1p(n) if self.log_counts else float(n)

    def _row(
        self, raw: str, clean: str, evasions: int, author_name: str, author_url: str, language: str,
        language_confidence: float, language_reliable: bool, site_languages: str,
    ) -> list[float]:  # fmt: skip
        links = find_links(clean)
        domains = {link.domain for link in links}
        author = author_signals(str(author_name), str(author_url))
        letters = list(filter(str.isalpha, raw))
        languages = str(site_languages).split()
        mismatch = bool(
            languages
            and language not in languages
            and language_reliable
            and language_confidence >= self.mismatch_confidence
        )
        return [
            self._count(len(links)),
            self._count(len(domains)),
            self._count(len(find_emails(clean))),
            self._count(len(find_phones(clean))),
            self._count(len(ANCHOR.findall(raw)) + len(BBCODE_URL.findall(raw))),
            self._count(float(evasions)),
            float(author.has_url),
            float(bool(author.url_domain) and author.url_domain in domains),
            self._count(author.name_words),
            float(author.name_has_digits),
            float(author.name_looks_like_link),
            float(author.name_all_lower),
            sum(map(str.isupper, letters)) / len(letters) if letters else 0.0,
            sum(map(str.isdigit, raw)) / len(raw) if raw else 0.0,
            self._count(raw.count("!")),
            self._count(len(raw)),
            float(mismatch),
            float(not language_reliable),
            self._count(len(self_promotions(clean))),
            self._count(len(calls_to_action(clean, raw))),
        ]
