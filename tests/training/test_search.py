"""Hyper-parameter search by cross-validation on joblib's local backends."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from moderation.errors import DatasetError
from moderation.training.search import as_params, search

GRID = {"classifier__estimator__alpha": [1e-3, 5e-6]}


def test_a_grid_is_ranked_by_cross_validated_f1_the_same_on_processes_and_threads(seed_dir):
    on_processes = search([f"seed:{seed_dir}"], "spam", GRID, folds=2, backend_name="loky", n_jobs=2)
    on_threads = search([f"seed:{seed_dir}"], "spam", GRID, folds=2, backend_name="threading", n_jobs=2)
    assert [c.params for c in on_processes] == [c.params for c in on_threads]
    assert [c.mean_f1 for c in on_processes] == [c.mean_f1 for c in on_threads]
    assert {c.params["classifier__estimator__alpha"] for c in on_processes} == {1e-3, 5e-6}
    assert on_processes[0].mean_f1 >= on_processes[1].mean_f1 and 0.5 < on_processes[0].mean_f1 <= 1
    assert on_processes[0].mean_f1 > on_processes[1].mean_f1, "heavy regularisation should cost F1 here"


def test_json_pairs_become_tuples_and_an_unknown_task_is_refused(seed_dir):
    assert as_params({"features__word__ngram_range": [[1, 1], [1, 2]]}) == {
        "features__word__ngram_range": [(1, 1), (1, 2)]
    }
    with pytest.raises(DatasetError, match="task must be one of"):
        search([f"seed:{seed_dir}"], "toxicity", GRID)


def test_the_search_command_prints_the_ranking_as_json():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "moderation"), "search", "--task", "off_topic", "--folds", "2",
         "--backend", "threading", "--grid", '{"classifier__estimator__C": [0.01, 1.0]}'],
        capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2], timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    ranking = json.loads(result.stdout)
    assert [c["params"]["classifier__estimator__C"] for c in ranking] in ([0.01, 1.0], [1.0, 0.01])
    assert ranking[0]["mean_f1"] >= ranking[1]["mean_f1"] and "2-fold cross-validation on threading" in result.stderr
    bad = subprocess.run(
        [str(Path(sys.executable).parent / "moderation"), "search", "--grid", "{nope"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert bad.returncode == 2 and "--grid is not JSON" in bad.stderr
