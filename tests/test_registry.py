"""Model versions are verified before joblib (a pickle loader) ever sees them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from moderation.errors import ModelIntegrityError, ModelNotFound
from moderation.registry import Registry


@pytest.fixture
def registry_copy(models_dir: Path, tmp_path: Path) -> Registry:
    shutil.copytree(models_dir, tmp_path / "models")
    return Registry(tmp_path / "models")


def test_trained_version_is_current_and_verifies(trained, models_dir):
    registry = Registry(models_dir)
    assert registry.current() == trained.version.version
    checked = registry.verify(trained.version.version)
    for key in ("created_at", "libraries", "datasets", "rows", "metrics", "thresholds", "artifact_sha256"):
        assert key in checked.metadata
    assert checked.metadata["datasets"][0]["rows"] >= 2000
    assert len(checked.metadata["datasets"][0]["sha256"]) > 20
    assert (checked.path / "report.md").read_text().startswith(f"# Model {checked.version}")
    assert (checked.path / "spam.png").stat().st_size > 0
    assert (checked.path / "off_topic.png").stat().st_size > 0


def test_tampered_artifact_is_refused(registry_copy):
    version = registry_copy.current()
    with (registry_copy.root / version / "model.joblib").open("ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(ModelIntegrityError, match="sha256"):
        registry_copy.load(version)


def test_other_scikit_learn_version_is_refused(registry_copy):
    version = registry_copy.current()
    path = registry_copy.root / version / "metadata.json"
    metadata = json.loads(path.read_text())
    metadata["libraries"]["scikit-learn"] = "0.1"
    path.write_text(json.dumps(metadata))
    with pytest.raises(ModelIntegrityError, match=r"scikit-learn 0\.1"):
        registry_copy.load(version)


def test_missing_artifact_is_refused(registry_copy):
    version = registry_copy.current()
    (registry_copy.root / version / "model.joblib").unlink()
    with pytest.raises(ModelIntegrityError, match="missing"):
        registry_copy.load(version)


def test_unknown_or_malformed_version_is_not_found(registry_copy):
    with pytest.raises(ModelNotFound):
        registry_copy.load("20000101-000000-0000")
    with pytest.raises(ModelNotFound):
        registry_copy.load("../etc")


def test_empty_registry_has_no_current(tmp_path):
    with pytest.raises(ModelNotFound, match="train"):
        Registry(tmp_path).current()


def test_a_model_fitted_on_other_comment_signals_is_refused(registry_copy, monkeypatch):
    """A version trained before a signal was added cannot score with this code: refused with a
    clear error when loaded (the service does not start on it), not a shape error mid-request."""
    import moderation.text.transformers as transformers

    monkeypatch.setattr(transformers, "SIGNAL_NAMES", (*transformers.SIGNAL_NAMES, "a_new_signal"))
    with pytest.raises(
        ModelIntegrityError, match=r"spam signals: fitted on \d+ columns, this code computes \d+.*retrain"
    ):
        registry_copy.load()
