"""Counting one document's terms: a dict (``count_few``) against numpy's sort (``count_many``), by
the number of terms. Where they cross sets ``moderation.scoring.fast.FEW_TERMS``.

    taskset -c 0 python bench/term_counting.py

Terms are the columns of the seed comments' character 2- to 5-grams inside word boundaries (as
the spam model's largest block, here fitted on the raw seed text, every n-gram kept), in reading
order, cut to each length. Medians of 15 repeats of 2,000 calls, microseconds a call.
"""

from __future__ import annotations

import statistics
import timeit
from functools import partial
from itertools import chain, islice

from common import ROOT
from sklearn.feature_extraction.text import TfidfVectorizer

from moderation.scoring.fast import FEW_TERMS, count_few, count_many
from moderation.training.corpus import load_seed

LENGTHS = (8, 16, 32, 36, 40, 48, 64, 96, 128, 256, 512)


def main() -> None:
    texts = load_seed(ROOT / "data")["content"].tolist()
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True).fit(texts)
    analyze, vocabulary = vectorizer.build_analyzer(), vectorizer.vocabulary_
    # the seed corpus' n-grams in reading order: real repeats within a stretch of text
    stream = [vocabulary[gram] for gram in chain.from_iterable(map(analyze, texts)) if gram in vocabulary]
    print(f"FEW_TERMS = {FEW_TERMS}\n\n| terms | dict µs | numpy µs | dict / numpy |\n|---|---|---|---|")
    for length in LENGTHS:
        terms = list(islice(stream, 1000, 1000 + length))
        few = count_few(terms)
        many = count_many(terms)
        assert few[0].tolist() == many[0].tolist() and few[1].tolist() == many[1].tolist()
        medians = [
            statistics.median(timeit.repeat(partial(fn, terms), number=2000, repeat=15)) / 2000 * 1e6
            for fn in (count_few, count_many)
        ]
        print(f"| {length} | {medians[0]:.1f} | {medians[1]:.1f} | {medians[0] / medians[1]:.2f} |")


if __name__ == "__main__":
    main()
