"""Shared fixtures: the seed corpus path, and one small model trained on it once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from moderation.scoring.scorer import Scorer
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
