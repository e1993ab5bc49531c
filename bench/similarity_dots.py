"""A comment's dot products with its post and the blog's subject: row by row (``_dots_each``)
against one sparse product with the batch's distinct posts (``_dots_batch``), by batch size. Where
they cross sets ``moderation.scoring.similarity.BATCH_DOTS``.

    taskset -c 0 python bench/similarity_dots.py

``PostSimilarity`` as the off-topic and spam pipelines build it, fitted here on the seed corpus;
the seed comments in a shuffled order (so a batch holds comments of many posts, the harder case
for the product), cut into consecutive batches of each size. Each cell is the median over those
batches of the time for all five products (post, title and subject words; post and subject
characters), in microseconds a batch.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from common import ROOT, seed_items

from moderation.scoring.frame import comments_frame, prepare
from moderation.scoring.similarity import (
    BATCH_DOTS,
    SIMILARITY_COLUMNS,
    PostSimilarity,
    _dots_batch,
    _dots_each,
)
from moderation.table import column
from moderation.training.corpus import load_seed

SIZES = (1, 4, 8, 16, 24, 32, 48, 64, 256, 2000)
COMMENTS = 2000
KEYS = (("words", "post_words"), ("words", "title_words"), ("words", "topic_words"),
        ("chars", "post_chars"), ("chars", "topic_chars"))  # fmt: skip


def main() -> None:
    seed = load_seed(ROOT / "data").sample(frac=1.0, random_state=0)
    items = seed_items(seed)
    table, _ = prepare(comments_frame(items))
    similarity = PostSimilarity().fit(table)
    rows = table.iloc[:COMMENTS]
    contexts = [
        similarity._context(key) for key in zip(*(column(rows, c) for c in SIMILARITY_COLUMNS[1:]), strict=True)
    ]
    matrices = {
        "words": similarity._vectorize("words_", column(rows, "clean")),
        "chars": similarity._vectorize("chars_", column(rows, "clean")),
    }
    for matrix, key in KEYS:  # the same numbers either way
        each, batch = _dots_each(matrices[matrix], contexts, key), _dots_batch(matrices[matrix], contexts, key)
        assert np.allclose(each, batch, rtol=1e-12, atol=1e-15), key

    def timed(dots: Callable[[Any, list[dict[str, Any]], str], np.ndarray], size: int) -> float:
        times = []
        for start in range(0, COMMENTS - size + 1, size):
            cut = {name: m[start : start + size] for name, m in matrices.items()}
            part = contexts[start : start + size]
            started = time.perf_counter()
            for matrix, key in KEYS:
                dots(cut[matrix], part, key)
            times.append(time.perf_counter() - started)
        return statistics.median(times) * 1e6

    print(f"BATCH_DOTS = {BATCH_DOTS}\n\n| comments | row by row µs | one product µs | row by row / product |")
    print("|---|---|---|---|")
    for size in SIZES:
        each, batch = timed(_dots_each, size), timed(_dots_batch, size)
        print(f"| {size} | {each:,.0f} | {batch:,.0f} | {each / batch:.2f} |")


if __name__ == "__main__":
    main()
