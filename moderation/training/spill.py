"""The work folder of out-of-core training between its passes (see ``Spill``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse


def stacked(parts: list[Any]) -> Any:
    """Row blocks stacked: sparse matrices as one CSR matrix, arrays as one array."""
    return sparse.vstack(parts, format="csr") if sparse.issparse(parts[0]) else np.vstack(parts)


class Spill:
    """The work folder between passes. Each chunk's training rows are stored (``train-N/``, one
    ``.npy`` per array: first-step features, labels, text ids) ordered by a random position in
    [0, 1) drawn per row, so the rows of any position range are a contiguous slice of every chunk,
    read from each file alone: a batch of one range mixes all datasets. Prepared test rows are
    pickled per chunk (``test-N.pkl``)."""

    def __init__(self, folder: Path, seed: int) -> None:
        self.folder = folder
        self.rng = np.random.default_rng(seed)
        self.widths: dict[str, int] = {}  # columns of each sparse block
        self.train_chunks = 0
        self.train_rows = 0
        self.test_chunks = 0

    def add_train(self, blocks: dict[str, Any], spam: np.ndarray, keys: np.ndarray) -> None:
        positions = self.rng.random(len(spam))
        order = np.argsort(positions)
        arrays: dict[str, np.ndarray] = {"position": positions[order], "spam": spam[order], "keys": keys[order]}
        for name, block in blocks.items():
            if sparse.issparse(block):
                block = sparse.csr_matrix(block)[order]
                self.widths[name] = block.shape[1]
                arrays |= {f"{name}.data": block.data.astype(np.float32), f"{name}.indices": block.indices,
                           f"{name}.indptr": block.indptr.astype(np.int64)}  # fmt: skip
            else:
                arrays[name] = np.asarray(block)[order]
        folder = self.folder / f"train-{self.train_chunks}"
        folder.mkdir()
        for name, array in arrays.items():
            np.save(folder / f"{name}.npy", array)
        self.train_chunks += 1
        self.train_rows += len(spam)

    def rows(self, low: float, high: float, names: list[str]) -> tuple[dict[str, Any], np.ndarray, np.ndarray]:
        """The first-step features (of the blocks named), spam labels and text ids of the training
        rows of every chunk whose position is in [low, high)."""
        parts: dict[str, list[Any]] = {name: [] for name in [*names, "spam", "keys"]}
        for chunk in range(self.train_chunks):
            folder = self.folder / f"train-{chunk}"
            a, b = np.searchsorted(read_rows(folder / "position.npy"), [low, high])
            if a == b:
                continue
            for name in parts:
                if name not in self.widths:
                    parts[name].append(read_rows(folder / f"{name}.npy", a, b))
                    continue
                indptr = read_rows(folder / f"{name}.indptr.npy", a, b + 1)
                data = read_rows(folder / f"{name}.data.npy", indptr[0], indptr[-1]).astype(np.float64)
                indices = read_rows(folder / f"{name}.indices.npy", indptr[0], indptr[-1])
                parts[name].append(
                    sparse.csr_matrix((data, indices, indptr - indptr[0]), shape=(b - a, self.widths[name]))
                )
        spam = np.concatenate(parts.pop("spam")) if parts["keys"] else np.empty(0, dtype=bool)
        keys = np.concatenate(parts.pop("keys")) if parts["keys"] else np.empty(0, dtype=np.uint64)
        return {name: stacked(found) for name, found in parts.items() if found}, spam, keys

    def add_test(self, rows: pd.DataFrame) -> None:
        rows.to_pickle(self.folder / f"test-{self.test_chunks}.pkl")
        self.test_chunks += 1

    def test(self) -> Iterator[pd.DataFrame]:
        for chunk in range(self.test_chunks):
            yield pd.read_pickle(self.folder / f"test-{chunk}.pkl")


def read_rows(path: Path, start: int = 0, stop: int | None = None) -> np.ndarray:
    """Rows ``start:stop`` of an array saved by ``np.save``, read from the file alone (no memory
    map: mapped files would count against a cap on address space)."""
    with path.open("rb") as handle:
        version = np.lib.format.read_magic(handle)
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, _, dtype = read_header(handle)
        stop = shape[0] if stop is None else stop
        width = int(np.prod(shape[1:]))
        handle.seek(int(start) * width * dtype.itemsize, 1)
        return np.fromfile(handle, dtype=dtype, count=(int(stop) - int(start)) * width).reshape(-1, *shape[1:])
