"""Training row weights: every source counts the same in total, whatever its size."""

from __future__ import annotations

import numpy as np
import pandas as pd

from moderation.training.weights import source_weights, spam_fit_params


def test_every_source_gets_the_same_total_weight_with_mean_one():
    sources = ["sms"] * 900 + ["seed"] * 90 + ["youtube:Psy"] * 10
    weights = source_weights(sources)
    totals = pd.Series(weights).groupby(pd.Series(sources)).sum()
    assert np.allclose(totals, totals.iloc[0])
    assert np.isclose(weights.mean(), 1.0)
    # a row of the smallest source counts 90 times a row of the largest
    assert np.isclose(weights[-1] / weights[0], 90.0)


def test_one_source_weighs_every_row_one_and_no_rows_no_weights():
    assert np.allclose(source_weights(["seed"] * 5), 1.0)
    assert source_weights([]).shape == (0,)


def test_spam_fit_params_weigh_the_pipelines_classifier_row_by_row():
    rows = pd.DataFrame({"source": ["a", "a", "a", "b"], "content": ["w", "x", "y", "z"]})
    params = spam_fit_params(rows)
    assert list(params) == ["classifier__sample_weight"]
    assert np.allclose(params["classifier__sample_weight"], [2 / 3, 2 / 3, 2 / 3, 2.0])
