"""Standardising a dense feature block with a weight on it."""

from __future__ import annotations

from typing import Any

from sklearn.preprocessing import StandardScaler


class WeightedScaler(StandardScaler):
    """``StandardScaler`` whose output is multiplied by ``weight``.

    A weight below 1 makes a regularised linear model pay more for leaning on these columns: our
    few dense comment signals (link counts, length, evasions…) otherwise let it fit whole datasets
    through them, and carry that to comments where the counts mean something else (BENCHMARKS.md).
    The weight is folded into ``scale_`` (the standard deviation divided by ``weight``), so
    ``transform``, ``inverse_transform`` and anything reading ``mean_`` and ``scale_`` stay right.
    """

    def __init__(
        self, *, copy: bool = True, with_mean: bool = True, with_std: bool = True, weight: float = 1.0
    ) -> None:
        super().__init__(copy=copy, with_mean=with_mean, with_std=with_std)
        self.weight = weight

    def partial_fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> WeightedScaler:
        # StandardScaler.fit calls partial_fit too; scale_ is recomputed from var_ on every call.
        if not self.weight > 0:
            raise ValueError(f"WeightedScaler weight must be positive, not {self.weight!r}")
        super().partial_fit(X, y, sample_weight)
        self.scale_ = self.scale_ / self.weight if self.scale_ is not None else None
        return self
