"""Shared fixtures: the seed corpus path, and one small model trained on it once per session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from moderation.scoring.scorer import Scorer
from moderation.training.corpus import load_seed
from moderation.training.out_of_core import StreamSettings
from moderation.training.train import TrainingResult, train

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory) -> TrainingResult:
    """A model version trained on the seed corpus alone, in a registry of its own."""
    return train([f"seed:{DATA}"], tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="session")
def models_dir(trained: TrainingResult) -> Path:
    return trained.version.path.parent


@pytest.fixture(scope="session")
def scorer(models_dir: Path) -> Scorer:
    return Scorer.load(models_dir)


@dataclass
class Streamed:
    """A version trained out of core on the seed corpus in chunks, with what the run held."""

    result: TrainingResult
    settings: StreamSettings
    prepared_sizes: list[int]  # rows of every batch of prepared rows the trainer made
    conflicting: list[str]  # texts written twice with different labels, in different chunks


@pytest.fixture(scope="session")
def streamed(tmp_path_factory: pytest.TempPathFactory) -> Streamed:
    """The seed corpus as one canonical CSV read 500 rows at a time, with five texts repeated at
    its end under the other label."""
    from moderation.training import out_of_core

    folder = tmp_path_factory.mktemp("streamed")
    seed = load_seed(DATA)
    flipped = seed.loc[seed["label"].isin(["spam", "ham"])].head(5)
    flipped = flipped.assign(label=flipped["label"].map({"spam": "ham", "ham": "spam"}))
    pd.concat([seed, flipped], ignore_index=True).to_csv(folder / "corpus.csv", index=False)
    settings = out_of_core.StreamSettings(chunk_rows=500, epochs=3, calibration_rows=200, context_rows=600)
    sizes: list[int] = []
    counted = out_of_core.prepare_rows

    def counting(frame, *args):
        sizes.append(len(frame))
        return counted(frame, *args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(out_of_core, "prepare_rows", counting)
        result = out_of_core.train_out_of_core([f"canonical:{folder / 'corpus.csv'}"], folder / "models", settings)
    return Streamed(result, settings, sizes, flipped["content"].tolist())
