"""Inference through fitted pipelines without scikit-learn's per-call dispatch and input checks.

On one comment those checks cost more than the arithmetic (BENCHMARKS.md). These functions compute
the same numbers as ``transform`` / ``predict_proba`` for the few step types our pipelines use,
and fall back to the step's own ``transform`` for any other; tests compare them with scikit-learn.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache, partial
from itertools import chain, pairwise
from operator import is_not
from typing import Any

import numpy as np
from scipy import sparse
from scipy.special import expit
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import murmurhash3_32

from moderation.table import Table

Transform = Callable[[Any], Any]


WORD_CACHE_SIZE = 1 << 15  # distinct words whose character n-grams each compiled vectorizer keeps
TERM_CACHE_SIZE = 1 << 18  # hashed terms whose column each compiled hashing vectorizer keeps (~25 MB)
# Up to this many terms in a document, counting them in a dict beats numpy's sort (its fixed cost
# per call is larger); above it the sort wins (bench/term_counting.py, BENCHMARKS.md)
FEW_TERMS = 36
COLUMN = "i"  # a term's column as array.array and numpy store it: a C int (32 bits)
COLUMN_BYTES = array(COLUMN).itemsize


def hashed_column(term: str, n_features: int) -> int:
    """The column HashingVectorizer gives ``term`` (signed 32-bit murmurhash3 of its UTF-8, seed 0)."""
    h = murmurhash3_32(term, seed=0)
    # as scikit-learn's _hashing_fast: abs(-2**31) overflows, so that one value is special-cased
    return (2147483647 - (n_features - 1)) % n_features if h == -2147483648 else abs(h) % n_features


def _term_indices(
    vectorizer: TfidfVectorizer | HashingVectorizer, lookup: Callable[[str], int | None]
) -> Callable[[str], bytes]:
    """A function giving the column (``lookup`` of the term: its vocabulary index, or its hashed
    column) of each term ``vectorizer``'s analyzer finds in a document (terms without one left
    out), as the bytes of 32-bit integers (``np.frombuffer`` reads them without a copy, and a
    batch's documents are joined as bytes, not integer by integer).

    Character n-grams inside word boundaries depend on the word alone, so they are looked up once
    per distinct word (words repeat across comments) and kept as bytes; word unigrams and bigrams
    are looked up directly. Any other analyzer goes through ``build_analyzer``.
    """
    known = partial(is_not, None)
    min_n, max_n = vectorizer.ngram_range
    if vectorizer.analyzer == "char_wb" and 1 <= min_n <= max_n:
        preprocess = vectorizer.build_preprocessor()

        @lru_cache(maxsize=WORD_CACHE_SIZE)
        def word(token: str) -> bytes:
            padded = f" {token} "
            width = len(padded)
            # as scikit-learn's _char_wb_ngrams: a word shorter than n counts once, whole
            grams = [padded[a : a + n] for n in range(min_n, min(max_n, width) + 1) for a in range(width - n + 1)]
            if width < min_n:
                grams.append(padded)
            return array(COLUMN, filter(known, map(lookup, grams))).tobytes()

        def char_wb(document: str) -> bytes:
            # str.split() splits at the white space scikit-learn's \s\s+ folds first: same words
            return b"".join(map(word, preprocess(vectorizer.decode(document)).split()))

        return char_wb
    if vectorizer.analyzer == "word" and vectorizer.get_stop_words() is None and (min_n, max_n) in ((1, 1), (1, 2)):
        preprocess = vectorizer.build_preprocessor()
        tokenize = vectorizer.build_tokenizer()

        def words(document: str) -> bytes:
            tokens = tokenize(preprocess(vectorizer.decode(document)))
            terms: Iterable[str] = tokens if max_n == 1 else chain(tokens, map(" ".join, pairwise(tokens)))
            return array(COLUMN, filter(known, map(lookup, terms))).tobytes()

        return words
    analyze = vectorizer.build_analyzer()
    return lambda document: array(COLUMN, filter(known, map(lookup, analyze(document)))).tobytes()


def compile_tfidf(vectorizer: TfidfVectorizer) -> Callable[[Sequence[str]], sparse.csr_matrix]:
    """``vectorizer.transform`` for a fitted, l2-normed TfidfVectorizer."""
    if vectorizer.norm != "l2" or vectorizer.binary or not vectorizer.use_idf:
        return vectorizer.transform
    term_indices = _term_indices(vectorizer, vectorizer.vocabulary_.get)
    return _weighted(term_indices, vectorizer.idf_, vectorizer.sublinear_tf)


def compile_hashed_tfidf(hasher: HashingVectorizer, tfidf: TfidfTransformer) -> Callable[[Sequence[str]], Any]:
    """``tfidf.transform(hasher.transform(documents))`` for counts of hashed terms (no alternate
    sign, no norm) into a fitted, l2-normed TfidfTransformer. Each term's column is hashed once and
    cached, as words repeat across comments."""
    if hasher.alternate_sign or hasher.norm is not None or hasher.binary or tfidf.norm != "l2" or not tfidf.use_idf:
        return lambda documents: tfidf.transform(hasher.transform(documents))
    return _weighted(
        _term_indices(hasher, HashedColumns(hasher.n_features).__getitem__), tfidf.idf_, tfidf.sublinear_tf
    )


class HashedColumns(dict[str, int]):
    """Term -> hashed column, computed on first use: a hit is a plain dict lookup (an lru_cache
    wrapper costs twice that, and most lookups are hits). Emptied when it reaches ``limit`` terms."""

    def __init__(self, n_features: int, limit: int = TERM_CACHE_SIZE) -> None:
        super().__init__()
        self.n_features = n_features
        self.limit = limit

    def __missing__(self, term: str) -> int:
        if len(self) >= self.limit:
            self.clear()
        column = self[term] = hashed_column(term, self.n_features)
        return column


def count_few(terms: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """The distinct columns among ``terms``, sorted, and how often each occurs: counted in a dict,
    which makes fewer calls into numpy than ``count_many`` (cheaper for a short text)."""
    counts = Counter(terms)
    columns = np.array(sorted(counts), dtype=np.int32)
    return columns, np.array([counts[c] for c in columns.tolist()], dtype=np.float64)


def count_many(terms: list[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``count_few``'s answer, sorted and counted in one numpy call (cheaper for a long text)."""
    columns, counted = np.unique(np.asarray(terms, dtype=np.int32), return_counts=True)
    return columns, counted.astype(np.float64)


def _weighted(
    term_indices: Callable[[str], bytes], idf: np.ndarray, sublinear: bool
) -> Callable[[Sequence[str]], sparse.csr_matrix]:
    """Term counts of each document, as (log) tf times idf, l2-normed, in a CSR matrix."""

    def transform(documents: Sequence[str]) -> sparse.csr_matrix:
        if len(documents) == 1:
            return one(next(iter(documents)))
        chunks = list(map(term_indices, documents))
        terms = np.frombuffer(b"".join(chunks), dtype=COLUMN)
        lengths = np.fromiter(map(len, chunks), dtype=np.int64, count=len(chunks)) // COLUMN_BYTES
        n_rows, width = len(documents), len(idf)
        # one sort for the whole batch: (row, column) keys, counted, in CSR order
        rows_of_terms = np.repeat(np.arange(n_rows, dtype=np.int64), lengths)
        keys, tf = np.unique(rows_of_terms * width + terms, return_counts=True)
        rows, columns = np.divmod(keys, width)
        weights = (np.log(tf) + 1.0 if sublinear else tf.astype(np.float64)) * idf[columns]
        norms = np.sqrt(np.bincount(rows, weights * weights, minlength=n_rows))
        weights /= np.where(norms > 0, norms, 1.0)[rows]
        indptr = np.zeros(n_rows + 1, dtype=np.int32)
        np.cumsum(np.bincount(rows, minlength=n_rows), out=indptr[1:])
        return sparse.csr_matrix((weights, columns.astype(np.int32), indptr), shape=(n_rows, width))

    def one(document: str) -> sparse.csr_matrix:
        # the same numbers for a single document (the service's case) with a fraction of the numpy
        # calls; the norm summed in order, as bincount does
        terms = np.frombuffer(term_indices(document), dtype=COLUMN)
        columns, tf = count_many(terms) if len(terms) > FEW_TERMS else count_few(terms.tolist())
        weights = (np.log(tf) + 1.0 if sublinear else tf) * idf[columns]
        norm = np.sqrt(np.bincount(np.zeros(len(weights), dtype=np.intp), weights * weights, minlength=1)[0])
        if norm > 0:
            weights /= norm
        indptr = np.array([0, len(columns)], dtype=np.int32)
        return sparse.csr_matrix((weights, columns, indptr), shape=(1, len(idf)))

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
        kinds = [type(step) for _, step in transformer.steps]
        if kinds == [HashingVectorizer, TfidfTransformer]:
            return compile_hashed_tfidf(transformer.steps[0][1], transformer.steps[1][1])
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
    slope, offset = getattr(calibrator, "a_", None), getattr(calibrator, "b_", None)
    if slope is None or offset is None:  # not the sigmoid
        calibrate: Callable[[np.ndarray], np.ndarray] = calibrator.predict
    else:  # _SigmoidCalibration.predict without its input check
        calibrate = lambda decision: expit(-(slope * decision + offset))  # noqa: E731

    def probability(blocks: list[Any]) -> np.ndarray:
        decision = np.full(blocks[0].shape[0], intercept)
        start = 0
        for block in blocks:
            width = block.shape[1]
            decision += np.asarray(block @ coef[start : start + width]).ravel()
            start += width
        return np.asarray(calibrate(decision))

    return probability
