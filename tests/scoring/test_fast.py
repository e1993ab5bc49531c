"""The fast inference path computes what scikit-learn computes."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer

from moderation.registry import Registry
from moderation.scoring.fast import (
    HashedColumns,
    compile_columns,
    compile_probability,
    compile_tfidf,
    compile_transformer,
    count_few,
    count_many,
    hashed_column,
    stack,
)
from moderation.scoring.frame import comments_columns, prepare, prepare_columns
from moderation.scoring.pipelines import TOKEN_PATTERN, hashed_tfidf
from moderation.training.corpus import load_seed

DOCS = ["Cheap pills at pills.example!", "tack för inlägget", "", "casino casino casino bonus", "zzz qqq"]
# white space of every kind, one-letter words, case and compatibility characters
ODD_DOCS = ["a  b\t\tc\u00a0\u2003pills\n\ncasino", "I  İ ß ﬁ casino", " x ", "\u3000", "pills.example pills.example"]


@pytest.mark.parametrize(
    "vectorizer",
    [
        TfidfVectorizer(),
        TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2)),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 1)),
        TfidfVectorizer(analyzer="char", ngram_range=(2, 3)),
        TfidfVectorizer(ngram_range=(1, 3), stop_words=["at"]),
    ],
)
def test_compiled_tfidf_equals_transform(vectorizer):
    fitted = vectorizer.fit(DOCS[:2] + DOCS[3:] + ["more pills and more casino", "a b c I"])
    compiled = compile_tfidf(fitted)
    singles = [[doc] for doc in DOCS + ODD_DOCS]  # one document has its own path
    for docs in (DOCS, ODD_DOCS, *singles, DOCS):  # the second time from cached words
        fast, expected = compiled(docs), fitted.transform(docs)
        assert fast.shape == (len(docs), len(fitted.vocabulary_))
        assert np.array_equal(fast.indptr, expected.indptr)
        assert np.array_equal(fast.indices, expected.indices)
        assert np.allclose(fast.data, expected.data)


def test_one_document_gets_the_numbers_it_gets_in_a_batch_bit_for_bit():
    fitted = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True).fit(DOCS + ODD_DOCS)
    compiled = compile_tfidf(fitted)
    docs = DOCS + ODD_DOCS + ["casino " * 40 + "pills.example bonus bonus"]
    batch = compiled(docs)
    for i, doc in enumerate(docs):
        one = compiled([doc])
        assert np.array_equal(one.indices, batch[i].indices)
        assert np.array_equal(one.data, batch[i].data)


@pytest.mark.parametrize("terms", [[], [7], [3, 1, 3, 2, 3], [9, 8, 7, 6] * 20, list(range(200, 0, -3)) * 3])
def test_counting_terms_in_a_dict_or_with_numpy_gives_the_same_columns_and_counts(terms):
    few_columns, few_counts = count_few(terms)
    many_columns, many_counts = count_many(terms)
    assert few_columns.tolist() == many_columns.tolist() == sorted(set(terms))
    assert few_counts.tolist() == many_counts.tolist() == [terms.count(c) for c in sorted(set(terms))]
    assert few_columns.dtype == many_columns.dtype and few_counts.dtype == many_counts.dtype


def test_compiled_tfidf_of_no_documents_is_empty():
    fitted = TfidfVectorizer(analyzer="char_wb").fit(DOCS)
    assert compile_tfidf(fitted)([]).shape == (0, len(fitted.vocabulary_))


def test_compiled_pipelines_equal_scikit_learn(scorer, seed_dir):
    rows = load_seed(seed_dir).sample(60, random_state=1)
    frame, _ = prepare(rows)
    table, _ = prepare_columns({c: frame[c].tolist() for c in comments_columns([])})
    for pipeline in (scorer.bundle.spam, scorer.bundle.off_topic):
        features, classifier = pipeline.named_steps["features"], pipeline.named_steps["classifier"]
        blocks = compile_columns(features)(table)
        assert np.allclose(stack(blocks).toarray(), features.transform(frame).toarray())
        assert np.allclose(compile_probability(classifier)(blocks), pipeline.predict_proba(frame)[:, 1])


@pytest.mark.parametrize(
    "hashing",
    [
        {"n_features": 2**10},
        {"ngram_range": (1, 2), "token_pattern": TOKEN_PATTERN, "n_features": 2**12},
        {"analyzer": "char_wb", "ngram_range": (2, 5), "n_features": 2**8},  # collisions on purpose
        {"analyzer": "char", "ngram_range": (2, 3)},
    ],
)
def test_compiled_hashed_tfidf_equals_transform(hashing, monkeypatch):
    import moderation.scoring.fast as fast_module

    hashed = []  # the compiled path hashes terms itself; scikit-learn's fallback would not
    monkeypatch.setattr(fast_module, "hashed_column", lambda term, n: hashed.append(term) or hashed_column(term, n))
    pipeline = hashed_tfidf(**hashing).fit(DOCS[:2] + DOCS[3:] + ["more pills and more casino", "a b c I"])
    compiled = compile_transformer(pipeline)
    singles = [[doc] for doc in DOCS + ODD_DOCS]  # one document has its own path
    for docs in (DOCS, ODD_DOCS, *singles, DOCS):  # the second time from cached words
        fast, expected = compiled(docs), pipeline.transform(docs)
        assert fast.shape == expected.shape
        assert np.array_equal(fast.indptr, expected.indptr)
        assert np.array_equal(fast.indices, expected.indices)
        assert np.allclose(fast.data, expected.data)
    assert hashed, "the compiled path was not taken"


def test_hashed_column_is_the_column_hashing_vectorizer_gives():
    hasher = HashingVectorizer(analyzer=lambda text: [text], alternate_sign=False, norm=None, n_features=2**20)
    for term in ["pills", "casino bonus", " ca", "snabbkredit-direkt.example", "ß", "日本", "x" * 40]:
        assert hasher.transform([term]).indices.tolist() == [hashed_column(term, 2**20)]


def test_compiled_streamed_pipelines_equal_scikit_learn(streamed, seed_dir):
    bundle, _ = Registry(streamed.result.version.path.parent).load()
    rows = load_seed(seed_dir).sample(60, random_state=1)
    frame, _ = prepare(rows)
    table, _ = prepare_columns({c: frame[c].tolist() for c in comments_columns([])})
    for pipeline in (bundle.spam, bundle.off_topic):
        features, classifier = pipeline.named_steps["features"], pipeline.named_steps["classifier"]
        blocks = compile_columns(features)(table)
        assert np.allclose(stack(blocks).toarray(), features.transform(frame).toarray())
        assert np.allclose(compile_probability(classifier)(blocks), pipeline.predict_proba(frame)[:, 1])


def test_hashed_column_cache_stays_bounded():
    columns = HashedColumns(2**20, limit=3)
    for term in ["a", "b", "c", "d", "e"]:
        assert columns[term] == hashed_column(term, 2**20)
        assert len(columns) <= 3
