"""Bounded state of streamed training: repeated and conflicting texts across chunk boundaries,
the split of streamed rows, and samples of a fixed size."""

from __future__ import annotations

import numpy as np
import pandas as pd

from moderation.training.assemble import combine
from moderation.training.corpus import canonical
from moderation.training.stream import Reservoir, SeenTexts, keyed, without


def rows(*pairs: tuple[str, str]) -> pd.DataFrame:
    return canonical(pd.DataFrame({"content": [t for t, _ in pairs], "label": [label for _, label in pairs]}))


def streamed(chunks: list[pd.DataFrame]) -> pd.DataFrame:
    """What streaming keeps of the chunks: first occurrences, then conflicting texts dropped."""
    seen, kept = SeenTexts(), []
    for chunk in chunks:
        chunk = keyed(chunk)
        kept.append(chunk.loc[seen.admit(chunk["key"].to_numpy(dtype=np.uint64), chunk["label"])])
    return without(pd.concat(kept, ignore_index=True), seen.conflicting())


def test_streamed_rows_keep_the_split_of_whole_reading():
    frame = rows(*[(f"comment number {i}", "ham") for i in range(300)])
    assert keyed(frame)["split"].tolist() == combine([frame])["split"].tolist()


def test_repeated_and_conflicting_texts_across_chunks_are_dropped_as_in_whole_reading():
    chunks = [
        rows(("Buy pills now", "spam"), ("nice post", "ham"), ("Great read!", "ham")),
        rows(("buy  PILLS now!", "spam"), ("Nice post.", "spam"), ("new words", "ham")),  # a repeat, a conflict
        rows(("great read", "ham"), ("new words", "ham"), ("NEW WORDS", "off_topic")),  # conflict inside a chunk
    ]
    whole = combine(chunks)
    kept = streamed(chunks)
    assert sorted(kept["content"]) == sorted(whole["content"]) == ["Buy pills now", "Great read!"]
    assert kept["split"].tolist() == whole.set_index("content").loc[kept["content"], "split"].tolist()


def test_streamed_dedup_equals_whole_dedup_on_many_chunks():
    rng = np.random.default_rng(0)
    texts = [f"text {int(i)}" for i in rng.integers(0, 400, size=3000)]
    labels = ["spam" if int(t.split()[1]) % 7 == 0 and rng.random() < 0.9 else "ham" for t in texts]
    frame = rows(*zip(texts, labels, strict=True))
    chunks = [frame.iloc[i : i + 128].reset_index(drop=True) for i in range(0, len(frame), 128)]
    whole, kept = combine([frame]), streamed(chunks)
    assert kept["content"].tolist() == whole["content"].tolist()
    assert kept["label"].tolist() == whole["label"].tolist()


def test_seen_texts_take_nine_bytes_per_distinct_text():
    seen = SeenTexts()
    for start in range(0, 5000, 1000):
        frame = keyed(rows(*[(f"text {i}", "ham") for i in range(start, start + 1000)]))
        seen.admit(frame["key"].to_numpy(dtype=np.uint64), frame["label"])
    assert len(seen) == 5000
    assert seen.keys.nbytes + seen.labels.nbytes == 9 * 5000


def test_reservoir_holds_at_most_its_capacity_and_samples_every_chunk():
    reservoir = Reservoir(capacity=100, seed=0)
    for start in range(0, 10_000, 700):
        reservoir.offer(pd.DataFrame({"n": np.arange(start, min(start + 700, 10_000))}))
        assert len(reservoir.sample()) <= 100
    sample = reservoir.sample()["n"]
    assert len(sample) == 100 == sample.nunique()
    assert reservoir.offered == 10_000
    assert 3500 < sample.mean() < 6500  # not the first or last rows only


def test_reservoir_is_reproducible_with_its_seed():
    def draw() -> list[int]:
        reservoir = Reservoir(capacity=20, seed=3)
        for start in range(0, 1000, 100):
            reservoir.offer(pd.DataFrame({"n": np.arange(start, start + 100)}))
        return sorted(reservoir.sample()["n"].tolist())

    assert draw() == draw()
