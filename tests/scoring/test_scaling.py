"""The weighted scaler of the dense signal block: standardised values times a weight, with the
estimator contract Pipeline, clone and joblib rely on, and raw values still readable."""

from __future__ import annotations

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from moderation.scoring.scaling import WeightedScaler

X = np.random.default_rng(0).normal(5.0, 3.0, size=(200, 4))


def test_output_is_the_standardised_value_times_the_weight():
    standard = StandardScaler().fit_transform(X)
    assert np.allclose(WeightedScaler(weight=0.1).fit_transform(X), 0.1 * standard)
    assert np.allclose(WeightedScaler().fit_transform(X), standard)


def test_inverse_transform_reads_the_raw_values_back():
    scaler = WeightedScaler(weight=0.25).fit(X)
    assert np.allclose(scaler.transform(X) * scaler.scale_ + scaler.mean_, X)
    assert np.allclose(scaler.inverse_transform(scaler.transform(X)), X)


def test_fitting_in_chunks_equals_fitting_at_once():
    chunked = WeightedScaler(weight=0.1)
    for start in range(0, len(X), 50):
        chunked.partial_fit(X[start : start + 50])
    assert np.allclose(chunked.transform(X), WeightedScaler(weight=0.1).fit(X).transform(X))


def test_estimator_contract_clone_set_params_and_joblib(tmp_path):
    scaler = WeightedScaler(weight=0.5)
    assert clone(scaler).get_params()["weight"] == 0.5
    pipeline = Pipeline([("scale", scaler)]).set_params(scale__weight=0.2)
    assert np.allclose(pipeline.fit_transform(X), 0.2 * StandardScaler().fit_transform(X))
    joblib.dump(pipeline, tmp_path / "p.joblib")
    assert np.allclose(joblib.load(tmp_path / "p.joblib").transform(X), pipeline.transform(X))


@pytest.mark.parametrize("weight", [0.0, -1.0])
def test_a_weight_that_is_not_positive_is_refused(weight):
    with pytest.raises(ValueError, match="weight must be positive"):
        WeightedScaler(weight=weight).fit(X)
