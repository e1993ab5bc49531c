"""How close a comment is to the post it was left on and to the blog's subject."""

from __future__ import annotations

import re
from collections import OrderedDict
from itertools import repeat
from operator import mul
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer

from moderation.scoring.fast import compile_tfidf
from moderation.table import Table, column, require_columns
from moderation.text.normalize import normalize

SIMILARITY_NAMES = (
    "post_words", "title_words", "topic_words", "post_chars", "topic_chars", "post_concepts",
    "topic_concepts", "post_overlap", "topic_overlap", "best_match", "comment_words",
)  # fmt: skip
SIMILARITY_COLUMNS = ["clean", "post_title", "post_body", "post_tags", "site_topic"]
WORD = re.compile(r"[^\W\d_]{4,}", re.U)
CONTEXT_CACHE_SIZE = 2048
# From this many comments in one call, their dot products with their posts are one sparse product:
# bench/similarity_dots.py found the two ways about equal at 24 to 32 comments, the product 1.2
# times faster at 48 and over 4 times at 2,000 (BENCHMARKS.md)
BATCH_DOTS = 40


def _context_texts(title: str, body: str, tags: str, topic: str) -> tuple[str, str, str]:
    post = normalize(f"{title}\n{tags.replace(';', ' ')}\n{body}").text
    heading = normalize(f"{title} {tags.replace(';', ' ')}").text
    return post, heading, normalize(topic).text


class PostSimilarity(TransformerMixin, BaseEstimator):
    """Cosine similarities between a comment and its post (all of it, and title with tags) and the
    site's subject, over words, character n-grams and latent concepts (LSA), plus the share of the
    comment's longer words that also occur in the post and in the subject.

    The vocabularies are learnt from the comments and posts it is fitted on, in every language
    present. Post vectors are cached, since many comments share a post.
    """

    def __init__(self, char_ngrams: tuple[int, int] = (3, 5), n_concepts: int = 100, max_features: int = 50000) -> None:
        self.char_ngrams = char_ngrams
        self.n_concepts = n_concepts
        self.max_features = max_features

    def fit(self, X: Table, y: Any = None) -> PostSimilarity:
        require_columns(X, SIMILARITY_COLUMNS, "PostSimilarity")
        self.__dict__.pop("_cache", None)  # cached post vectors belong to the previous fit
        self.__dict__.pop("_compiled", None)
        contexts = dict.fromkeys(zip(*(column(X, c) for c in SIMILARITY_COLUMNS[1:]), strict=True))
        context_texts = [_context_texts(*c) for c in contexts]
        corpus = column(X, "clean") + [t for texts in context_texts for t in texts if t]
        self.words_ = TfidfVectorizer(sublinear_tf=True, min_df=2, max_features=self.max_features).fit(corpus)
        self.chars_ = TfidfVectorizer(
            analyzer="char_wb", ngram_range=self.char_ngrams, sublinear_tf=True, min_df=2,
            max_features=self.max_features,
        ).fit(corpus)  # fmt: skip
        word_matrix = self.words_.transform(corpus)
        n_concepts = max(1, min(self.n_concepts, word_matrix.shape[1] - 1, word_matrix.shape[0] - 1))
        svd = TruncatedSVD(n_components=n_concepts, random_state=0).fit(word_matrix)
        # words x concepts, C-contiguous: TruncatedSVD.transform multiplies by components_.T, which
        # numpy copies on every call (milliseconds per comment at 50k words).
        self.concepts_ = np.ascontiguousarray(svd.components_.T)
        self.n_features_in_ = len(SIMILARITY_COLUMNS)
        self.feature_names_in_ = np.asarray(SIMILARITY_COLUMNS, dtype=object)
        return self

    def transform(self, X: Table) -> np.ndarray:
        require_columns(X, SIMILARITY_COLUMNS, "PostSimilarity")
        comments = column(X, "clean")
        keys = zip(*(column(X, c) for c in SIMILARITY_COLUMNS[1:]), strict=True)
        contexts = [self._context(key) for key in keys]
        words = self._vectorize("words_", comments)
        chars = self._vectorize("chars_", comments)
        concepts = _unit_rows(np.asarray(words @ self.concepts_))
        dots = _dots_each if len(contexts) < BATCH_DOTS else _dots_batch
        post_words = dots(words, contexts, "post_words")
        title_words = dots(words, contexts, "title_words")
        topic_words = dots(words, contexts, "topic_words")
        post_chars = dots(chars, contexts, "post_chars")
        topic_chars = dots(chars, contexts, "topic_chars")
        post_concepts = np.einsum("ij,ij->i", concepts, np.vstack([c["post_concepts"] for c in contexts]))
        topic_concepts = np.einsum("ij,ij->i", concepts, np.vstack([c["topic_concepts"] for c in contexts]))
        tokens = [set(WORD.findall(text)) for text in comments]
        post_overlap = np.array([_share(t, c["post_tokens"]) for t, c in zip(tokens, contexts, strict=True)])
        topic_overlap = np.array([_share(t, c["topic_tokens"]) for t, c in zip(tokens, contexts, strict=True)])
        best = np.maximum.reduce([post_words, topic_words, post_concepts, topic_concepts, post_overlap])
        length = np.log1p([len(t) for t in tokens])
        return np.column_stack([
            post_words, title_words, topic_words, post_chars, topic_chars, post_concepts,
            topic_concepts, post_overlap, topic_overlap, best, length,
        ])  # fmt: skip

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray(SIMILARITY_NAMES, dtype=object)

    def __getstate__(self) -> dict[str, Any]:
        state: dict[str, Any] = super().__getstate__()  # type: ignore[misc]
        state.pop("_cache", None)  # per-process caches, never saved with the model
        state.pop("_compiled", None)
        return state

    def _vectorize(self, name: str, texts: list[str]) -> sparse.csr_matrix:
        compiled: dict[str, Any] = self.__dict__.setdefault("_compiled", {})
        if name not in compiled:
            compiled[name] = compile_tfidf(getattr(self, name))
        return compiled[name](texts)

    def _context(self, key: tuple[str, ...]) -> dict[str, Any]:
        cache: OrderedDict[tuple[str, ...], dict[str, Any]] = self.__dict__.setdefault("_cache", OrderedDict())
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
        post, heading, topic = _context_texts(*key)
        words = self._vectorize("words_", [post, heading, topic])
        chars = self._vectorize("chars_", [post, topic])
        concepts = _unit_rows(np.asarray(words @ self.concepts_))

        def vector(matrix: sparse.csr_matrix, i: int) -> tuple[sparse.csr_matrix, dict[int, float]]:
            # as a sparse row (for a batch's product) and as column -> weight (for a few comments)
            row = matrix[i]
            return row, dict(zip(row.indices.tolist(), row.data.tolist(), strict=True))

        value = {
            "post_words": vector(words, 0), "title_words": vector(words, 1), "topic_words": vector(words, 2),
            "post_chars": vector(chars, 0), "topic_chars": vector(chars, 1),
            "post_concepts": concepts[0], "topic_concepts": concepts[2],
            "post_tokens": set(WORD.findall(post)), "topic_tokens": set(WORD.findall(topic)),
        }  # fmt: skip
        cache[key] = value
        if len(cache) > CONTEXT_CACHE_SIZE:
            cache.popitem(last=False)
        return value


def _dots_each(matrix: sparse.csr_matrix, contexts: list[dict[str, Any]], key: str) -> np.ndarray:
    """Each row of ``matrix`` dotted with its context's ``key`` vector, one row at a time: for a
    few comments, cheaper than building ``_dots_batch``'s matrices."""
    out = np.zeros(matrix.shape[0])
    for i, context in enumerate(contexts):
        row = slice(matrix.indptr[i], matrix.indptr[i + 1])
        found = map(context[key][1].get, matrix.indices[row].tolist(), repeat(0.0))
        out[i] = sum(map(mul, matrix.data[row].tolist(), found))
    return out


def _dots_batch(matrix: sparse.csr_matrix, contexts: list[dict[str, Any]], key: str) -> np.ndarray:
    """``_dots_each``'s answer from one sparse product of the comments with the batch's distinct
    contexts (comments share posts), read off at each comment's own context."""
    slots: dict[int, int] = {}
    which = [slots.setdefault(id(context), len(slots)) for context in contexts]
    distinct = {id(context): context[key][0] for context in contexts}  # in slot order
    products = (matrix @ sparse.vstack(list(distinct.values()), format="csr").T).tocsr()
    return np.asarray(products[np.arange(len(contexts)), which]).ravel()


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def _share(tokens: set[str], context: set[str]) -> float:
    return len(tokens & context) / len(tokens) if tokens else 0.0
