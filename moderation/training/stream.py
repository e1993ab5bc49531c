"""Bounded state for reading a corpus once, chunk by chunk: which texts were seen (with which
label), and uniform samples of rows of a fixed size."""

from __future__ import annotations

import numpy as np
import pandas as pd

from moderation.training.corpus import split_of_digest, text_digest, text_id

LABEL_CODES = {"ham": 0, "spam": 1, "off_topic": 2}


def keyed(frame: pd.DataFrame) -> pd.DataFrame:
    """Canonical rows with their ``split`` (as ``with_split`` gives it) and ``key``, the 64-bit id
    of their text (``corpus.text_id``)."""
    digests = [text_digest(t) for t in frame["content"]]
    keys = np.fromiter((text_id(d) for d in digests), dtype=np.uint64, count=len(digests))
    return frame.assign(split=[split_of_digest(d) for d in digests], key=keys)


class SeenTexts:
    """The texts read so far, as a sorted array of 64-bit text ids with the label each was first
    read with: 9 bytes per distinct text (and a copy of that while a chunk is added).

    A text is kept at its first occurrence. A later occurrence is dropped; when its label differs,
    the text is marked conflicting, and the caller drops the first occurrence too (at the end of the
    pass: ``conflicting``). This is the rule of ``assemble.combine`` over the whole stream."""

    def __init__(self) -> None:
        self.keys = np.empty(0, dtype=np.uint64)
        self.labels = np.empty(0, dtype=np.uint8)
        self._conflicts: set[int] = set()
        self.dropped = 0  # later occurrences dropped

    def admit(self, keys: np.ndarray, labels: pd.Series) -> np.ndarray:
        """Which rows of a chunk are first occurrences (a boolean mask); records them."""
        codes = labels.map(LABEL_CODES).to_numpy(dtype=np.uint8)
        at = np.searchsorted(self.keys, keys)
        seen = np.zeros(len(keys), dtype=bool)
        inside = at < len(self.keys)
        seen[inside] = self.keys[at[inside]] == keys[inside]
        self._conflict(keys[seen], codes[seen], self.labels[at[seen]])
        # first occurrences inside the chunk: the first row of each key among the unseen rows
        unseen = np.flatnonzero(~seen)
        _, first = np.unique(keys[unseen], return_index=True)
        fresh = unseen[np.sort(first)]
        repeated = np.setdiff1d(unseen, fresh)
        if len(repeated):
            owner = dict(zip(keys[fresh].tolist(), codes[fresh].tolist(), strict=True))
            firsts = np.fromiter((owner[k] for k in keys[repeated].tolist()), dtype=np.uint8, count=len(repeated))
            self._conflict(keys[repeated], codes[repeated], firsts)
        order = np.argsort(keys[fresh], kind="stable")
        positions = np.searchsorted(self.keys, keys[fresh][order])
        self.keys = np.insert(self.keys, positions, keys[fresh][order])
        self.labels = np.insert(self.labels, positions, codes[fresh][order])
        kept = np.zeros(len(keys), dtype=bool)
        kept[fresh] = True
        self.dropped += len(keys) - len(fresh)
        return kept

    def _conflict(self, keys: np.ndarray, codes: np.ndarray, first_codes: np.ndarray) -> None:
        self._conflicts.update(keys[codes != first_codes].tolist())

    def conflicting(self) -> np.ndarray:
        """The ids of texts read with more than one label, sorted."""
        return np.sort(np.fromiter(self._conflicts, dtype=np.uint64, count=len(self._conflicts)))

    def __len__(self) -> int:
        return len(self.keys)


def without(frame: pd.DataFrame, conflicting: np.ndarray) -> pd.DataFrame:
    """The rows whose text is not conflicting (see ``SeenTexts``)."""
    if not len(conflicting) or frame.empty:
        return frame
    return frame.loc[~np.isin(frame["key"].to_numpy(dtype=np.uint64), conflicting)]


class Reservoir:
    """A uniform random sample of at most ``capacity`` rows from all rows offered, in any number of
    chunks: each row draws a random priority and the ``capacity`` lowest are kept (bottom-k
    sampling), so memory holds at most ``capacity`` rows plus one chunk."""

    def __init__(self, capacity: int, seed: int) -> None:
        self.capacity = capacity
        self.rng = np.random.default_rng(seed)
        self.rows: pd.DataFrame | None = None
        self.priorities = np.empty(0)
        self.offered = 0

    def offer(self, rows: pd.DataFrame) -> None:
        """Consider ``rows`` for the sample."""
        self.offered += len(rows)
        if rows.empty or self.capacity <= 0:
            return
        priorities = np.concatenate([self.priorities, self.rng.random(len(rows))])
        both = rows if self.rows is None else pd.concat([self.rows, rows], ignore_index=True)
        if len(both) > self.capacity:
            keep = np.sort(np.argpartition(priorities, self.capacity - 1)[: self.capacity])
            both, priorities = both.iloc[keep].reset_index(drop=True), priorities[keep]
        self.rows, self.priorities = both.reset_index(drop=True), priorities

    def sample(self) -> pd.DataFrame:
        """The sampled rows."""
        return pd.DataFrame() if self.rows is None else self.rows
