"""The fast inference path computes what scikit-learn computes."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from moderation.scoring.fast import compile_columns, compile_probability, compile_tfidf, stack
from moderation.scoring.frame import comments_columns, prepare, prepare_columns
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
    for docs in (DOCS, ODD_DOCS, DOCS[2:3], DOCS):  # the second time from cached words
        fast, expected = compiled(docs), fitted.transform(docs)
        assert fast.shape == (len(docs), len(fitted.vocabulary_))
        assert np.array_equal(fast.indptr, expected.indptr)
        assert np.array_equal(fast.indices, expected.indices)
        assert np.allclose(fast.data, expected.data)


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
