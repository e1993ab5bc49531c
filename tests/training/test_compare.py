"""Two versions on the same evaluation sets: test splits, and holdouts measured whole."""

from __future__ import annotations

import pandas as pd
import pytest

from moderation.errors import DatasetError
from moderation.promotion import PromotionRule, violations
from moderation.registry import Registry
from moderation.training.compare import evaluation_sets, head_to_head
from moderation.training.corpus import split_of

ROWS = [
    ("Köp billiga klockor på www.replica-klockor.example nu, 70% rabatt!", "spam"),
    ("Låna 50 000 kr utan UC idag på www.snabblan.example", "spam"),
    ("Bra skrivet om hur företag ska möta kritik i sociala medier.", "ham"),
    ("Vi svarar alla kunder på Facebook inom en timme, det har lönat sig.", "ham"),
    ("Någon som vet när simhallen öppnar igen efter renoveringen?", "off_topic"),
]


def holdout_csv(tmp_path) -> str:
    frame = pd.DataFrame(
        [{"content": text, "label": label, "post_title": "Sociala medier och företagens ansvar", "site_languages": "sv",
          "site_topic": "Sociala medier och kommunikation för företag", "source": "moderated:blog"} for text, label in ROWS]
    )  # fmt: skip
    path = tmp_path / "recent.csv"
    frame.to_csv(path, index=False)
    return str(path)


def test_a_holdout_is_measured_whole_and_a_dataset_on_its_test_split(tmp_path, seed_dir):
    spec = holdout_csv(tmp_path)
    seed_set, holdout = evaluation_sets([f"seed:{seed_dir}"], [spec])
    assert holdout.name == f"{spec} (holdout)" and len(holdout.rows) == len(ROWS)
    assert set(seed_set.rows["split"]) == {"test"} and seed_set.name == f"seed:{seed_dir} (test split)"
    assert 350 < (~seed_set.rows["source"].str.endswith(":swapped")).sum() < 600
    assert any(split_of(text) == "train" for text, _ in ROWS), "holdout rows of either split are kept"


def test_a_version_against_itself_differs_in_nothing(tmp_path, models_dir):
    bundle, checked = Registry(models_dir).load()
    [holdout] = evaluation_sets([], [holdout_csv(tmp_path)])
    comparison = head_to_head((checked.version, bundle), (checked.version, bundle), [holdout])
    pair = comparison.sets[holdout.name]
    assert pair["champion"] == pair["challenger"]
    assert pair["champion"]["spam"]["all"]["positives"] == 2
    assert pair["champion"]["spam"]["at_remove"]["threshold"] == bundle.spam_thresholds.remove_at
    assert violations(comparison, PromotionRule(max_f1_drop=0, max_precision_drop=0, min_positives=1)) == []


def test_an_empty_evaluation_file_is_refused_by_name(tmp_path):
    path = tmp_path / "empty.csv"
    pd.DataFrame(columns=["content", "label"]).to_csv(path, index=False)
    with pytest.raises(DatasetError, match="no labelled rows"):
        evaluation_sets([], [str(path)])
