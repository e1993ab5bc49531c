"""The tables our transformers read: a pandas DataFrame (training) or a dict of equal-length
lists (scoring, where building a DataFrame per comment costs more than the models)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

Table = pd.DataFrame | Mapping[str, Sequence[Any]]


def column(table: Table, name: str) -> list[Any]:
    """One column as a list."""
    values = table[name]
    return values.tolist() if isinstance(values, pd.Series) else list(values)


def require_columns(table: Table, names: Sequence[str], who: str) -> None:
    """Raise ``ValueError`` naming the columns ``who`` needs and the table lacks."""
    present = table.columns if isinstance(table, pd.DataFrame) else table.keys()
    missing = [c for c in names if c not in present]
    if missing:
        raise ValueError(f"{who} needs a prepared frame; missing columns {missing}")
