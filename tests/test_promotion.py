"""The promotion guard, its history, and rollback."""

from __future__ import annotations

import json
import shutil

import pytest

from moderation.config import Settings
from moderation.errors import ModelNotFound, PromotionRefused
from moderation.promotion import PromotionLog, PromotionRule, promote, rollback, violations
from moderation.registry import Registry
from moderation.training.compare import Comparison


def task_metrics(f1: float, precision_at_remove: float | None, positives: int = 50) -> dict:
    return {
        "all": {"rows": 200, "positives": positives, "precision": f1, "recall": f1, "f1": f1, "roc_auc": 0.9},
        "at_remove": {"threshold": 0.9, "removed": 10, "wrongly_removed": 0, "precision": precision_at_remove},
    }


def comparison(old: dict, new: dict) -> Comparison:
    return Comparison("old", "new", {"recent labels (holdout)": {"champion": old, "challenger": new}})


def test_a_challenger_within_the_tolerances_passes():
    old = {"spam": task_metrics(0.95, 0.99), "off_topic": task_metrics(0.85, 0.97)}
    new = {"spam": task_metrics(0.94, 0.985), "off_topic": task_metrics(0.90, 1.0)}
    assert violations(comparison(old, new), PromotionRule(max_f1_drop=0.02, max_precision_drop=0.01)) == []


def test_a_lower_f1_or_less_precise_removal_is_named_with_its_set_and_task():
    old = {"spam": task_metrics(0.95, 0.99), "off_topic": task_metrics(0.85, 0.97)}
    new = {"spam": task_metrics(0.95, 0.95), "off_topic": task_metrics(0.80, 0.97)}
    found = violations(comparison(old, new), PromotionRule(max_f1_drop=0.02, max_precision_drop=0.01))
    assert len(found) == 2
    assert found[0].startswith("recent labels (holdout): spam precision at the remove threshold 0.950")
    assert found[1].startswith("recent labels (holdout): off_topic F1 0.800 < champion 0.850")
    assert violations(comparison(old, new), PromotionRule(max_f1_drop=0.1, max_precision_drop=0.1)) == []


def test_removing_nothing_is_not_a_precision_drop_but_too_few_positives_are_not_judged():
    old = {"spam": task_metrics(0.95, 0.99)}
    assert violations(comparison(old, {"spam": task_metrics(0.95, None)}), PromotionRule()) == []
    assert violations(
        comparison({"spam": task_metrics(0.95, None)}, {"spam": task_metrics(0.95, 0.9)}), PromotionRule()
    )
    few = {"spam": task_metrics(0.95, 0.99, positives=3)}
    assert violations(comparison(few, {"spam": task_metrics(0.1, 0.1, positives=3)}), PromotionRule()) == []


def test_the_rule_comes_from_settings_with_overrides():
    settings = Settings(promote_max_f1_drop=0.05, promote_min_positives=30)
    assert PromotionRule.from_settings(settings) == PromotionRule(0.05, 0.01, 30)
    assert PromotionRule.from_settings(settings, max_f1_drop=0.0, min_positives=None) == PromotionRule(0.0, 0.01, 30)


@pytest.fixture
def registry(tmp_path, models_dir) -> Registry:
    """A registry whose current version (``v0``, set before any history) has two copies, v1 and v2."""
    root = tmp_path / "models"
    first = Registry(models_dir).current()
    for name in ("v0", "v1", "v2"):
        shutil.copytree(models_dir / first, root / name)
    (root / "current").write_text("v0\n")
    return Registry(root)


def test_promotions_refusals_and_rollbacks_are_recorded_and_rollback_walks_back(registry):
    worse = comparison({"spam": task_metrics(0.95, 0.99)}, {"spam": task_metrics(0.5, 0.6)})
    promote(registry, "v1", None, PromotionRule(), by="anna")
    with pytest.raises(PromotionRefused, match=r"spam F1 0\.500"):
        promote(registry, "v2", worse, PromotionRule(), by="anna")
    assert registry.current() == "v1"
    forced = promote(registry, "v2", worse, PromotionRule(), by="bo", force=True)
    assert registry.current() == "v2" and forced.forced and forced.violations

    records = PromotionLog(registry.root).records()
    assert [(r["action"], r["version"], r["previous"], r["by"], r["forced"]) for r in records] == [
        ("promote", "v1", "v0", "anna", False),
        ("refuse", "v2", "v1", "anna", False),
        ("promote", "v2", "v1", "bo", True),
    ]
    assert records[1]["comparison"]["sets"]["recent labels (holdout)"]["challenger"]["spam"]["all"]["f1"] == 0.5
    assert all(r["at"] for r in records)

    assert rollback(registry, by="anna").version == "v1" and registry.current() == "v1"
    assert rollback(registry, by="anna").version == "v0" and registry.current() == "v0"
    with pytest.raises(ModelNotFound, match="no earlier promoted version"):
        rollback(registry, by="anna")
    last = json.loads((registry.root / "promotions.jsonl").read_text().splitlines()[-1])
    assert (last["action"], last["version"], last["previous"]) == ("rollback", "v0", "v1")


def test_promoting_an_unknown_current_or_changed_version_fails_before_anything_changes(registry):
    with pytest.raises(ModelNotFound):
        promote(registry, "v9", None, PromotionRule(), by="anna")
    with pytest.raises(PromotionRefused, match="current already"):
        promote(registry, "v0", None, PromotionRule(), by="anna", force=True)
    (registry.root / "v1" / "model.joblib").write_bytes(b"tampered")
    with pytest.raises(Exception, match="refusing to load a changed file"):
        promote(registry, "v1", None, PromotionRule(), by="anna", force=True)
    assert registry.current() == "v0" and PromotionLog(registry.root).records() == []
