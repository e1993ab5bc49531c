"""Training out of core: a corpus read in chunks gives a verified version that separates spam
from ham on held-out rows, holding at most one chunk of prepared rows at a time."""

from __future__ import annotations

import numpy as np
import pytest

from moderation.domain import Comment, Post, Site
from moderation.errors import DatasetError
from moderation.registry import Registry
from moderation.scoring.scorer import Scorer
from moderation.training.corpus import load_seed, split_of
from moderation.training.out_of_core import StreamSettings, train_out_of_core
from tests.conftest import DATA


def test_streamed_version_is_verified_current_and_reported(streamed):
    version = streamed.result.version
    registry = Registry(version.path.parent)
    _, checked = registry.load()
    assert checked.version == version.version
    assert streamed.result.promoted
    metadata = checked.metadata
    assert metadata["out_of_core"]["chunk_rows"] == 500
    assert set(metadata["thresholds"]) == {"spam", "off_topic"}
    assert 0.8 <= metadata["thresholds"]["spam"]["remove_at"] <= 0.99
    report = (version.path / "report.md").read_text(encoding="utf-8")
    assert "## spam" in report and "## off_topic" in report
    assert "Mistakes on the test split" in report or "No mistakes" in report


def test_streamed_model_scores_held_out_spam_above_ham(streamed, seed_dir):
    scorer = Scorer.load(streamed.result.version.path.parent)
    seed = load_seed(seed_dir)
    held_out = seed.loc[
        np.array([split_of(t) == "test" for t in seed["content"]]) & seed["label"].isin(["spam", "ham"])
    ]
    items = [(Comment(r.content, r.author_name, r.author_email, r.author_url), Post(r.post_title, r.post_body),
              Site(tuple(r.site_languages.split()), r.site_topic)) for r in held_out.itertuples()]  # fmt: skip
    scores = np.array([s.spam for s in scorer.score_many(items, explain=False)])
    spam = held_out["label"].eq("spam").to_numpy()
    assert scores[spam].mean() > 0.7 > 0.3 > scores[~spam].mean()
    assert streamed.result.metrics["spam"]["all"]["roc_auc"] > 0.95
    assert streamed.result.metrics["off_topic"]["all"]["roc_auc"] > 0.85


def test_streamed_trainer_holds_at_most_one_chunk_of_prepared_rows(streamed):
    chunk_rows = streamed.settings.chunk_rows
    assert len(streamed.prepared_sizes) >= 5  # 2,420 rows in chunks of 500
    assert max(streamed.prepared_sizes) <= chunk_rows
    stream = streamed.result.version.metadata["out_of_core"]
    assert stream["most_prepared_rows_held"] <= chunk_rows
    assert stream["calibration_rows_set_aside"] <= 1.2 * streamed.settings.calibration_rows  # about, by random position
    rows = streamed.result.version.metadata["rows"]
    swapped_at_most = streamed.settings.context_rows  # pairs are drawn from a sample of this size too
    assert rows["train_off_topic"] <= streamed.settings.context_rows + swapped_at_most


def test_texts_with_conflicting_labels_in_different_chunks_are_dropped(streamed):
    metadata = streamed.result.version.metadata
    assert metadata["out_of_core"]["conflicting_texts_dropped"] == len(streamed.conflicting) == 5
    seed_rows = len(load_seed(DATA))
    assert metadata["rows"]["combined"] == seed_rows - 5
    assert metadata["datasets"][0]["rows"] == seed_rows + 5


def test_streamed_training_without_off_topic_rows_is_a_clear_error(tmp_path):
    path = tmp_path / "spam.csv"
    path.write_text("text,label\n" + "".join(f"buy pills {i} now,spam\nhello friend {i},ham\n" for i in range(50)))
    with pytest.raises(DatasetError, match="off-topic"):
        train_out_of_core([str(path)], tmp_path / "models", StreamSettings(chunk_rows=30))
