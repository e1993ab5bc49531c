"""Training row weights: every source counts the same in total, whatever its size."""

from __future__ import annotations

import numpy as np
import pandas as pd

from moderation.training.weights import FULL_SOURCE_ROWS, source_weights, spam_fit_params


def test_every_source_gets_the_same_total_weight_with_mean_one():
    sources = ["sms"] * 9000 + ["seed"] * 900 + ["youtube:Psy"] * 300
    weights = source_weights(sources)
    totals = pd.Series(weights).groupby(pd.Series(sources)).sum()
    assert np.allclose(totals, totals.iloc[0])
    assert np.isclose(weights.mean(), 1.0)
    # a row of the smallest source counts 30 times a row of the largest
    assert np.isclose(weights[-1] / weights[0], 30.0)


def test_a_source_under_full_size_weighs_its_share_of_a_full_one():
    sources = ["seed"] * 1800 + ["site labels"] * 18
    weights = source_weights(sources)
    totals = pd.Series(weights).groupby(pd.Series(sources)).sum()
    assert np.isclose(totals["site labels"] / totals["seed"], 18 / FULL_SOURCE_ROWS)
    # still each label counts more than a seed comment: 1,800 / 200 times
    assert np.isclose(weights[-1] / weights[0], 1800 / FULL_SOURCE_ROWS)


def test_one_source_weighs_every_row_one_and_no_rows_no_weights():
    assert np.allclose(source_weights(["seed"] * 5), 1.0)
    assert source_weights([]).shape == (0,)


def test_spam_fit_params_weigh_the_pipelines_classifier_row_by_row():
    rows = pd.DataFrame({"source": ["a"] * 600 + ["b"] * 200, "content": ["w"] * 800})
    weights = spam_fit_params(rows)["classifier__sample_weight"]
    assert np.allclose(weights, [2 / 3] * 600 + [2.0] * 200)
