"""The estimator contract for our own transformers: what Pipeline, clone and joblib rely on."""

from __future__ import annotations

import inspect

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from moderation.domain import Comment, Post, Site
from moderation.scoring.frame import comments_frame, prepare
from moderation.scoring.similarity import BATCH_DOTS, SIMILARITY_NAMES, PostSimilarity
from moderation.text.transformers import SIGNAL_NAMES, CommentSignals

POST = Post("Sourdough bread at home", "How to feed a sourdough starter and bake a crusty loaf.", ("bread", "baking"))
OTHER = Post("Index funds", "Why low-cost index funds beat most active managers.", ("money",))
SITE = Site(("en",), "A blog about baking bread and cakes")


def frame() -> pd.DataFrame:
    items = [
        (Comment("My sourdough starter needs feeding twice a day, is that normal?"), POST, SITE),
        (Comment("Great loaf, the crust looks perfect."), POST, SITE),
        (Comment("Buy cheap pills at http://pills.example now!!!", "cheap pills 24"), POST, SITE),
        (Comment("Index funds are boring but they work for me."), OTHER, SITE),
        (Comment("Anyone selling a used bike in town?"), POST, SITE),
        (Comment("Low fees matter more than picking winners."), OTHER, SITE),
    ]
    return prepare(comments_frame(items))[0]


TRANSFORMERS = [
    (CommentSignals(), {"log_counts": False}, SIGNAL_NAMES),
    (PostSimilarity(n_concepts=3, max_features=500), {"n_concepts": 2}, SIMILARITY_NAMES),
]


@pytest.mark.parametrize(("transformer", "params", "names"), TRANSFORMERS)
def test_init_stores_parameters_unchanged(transformer, params, names):
    given = {name: object() for name in inspect.signature(type(transformer).__init__).parameters if name != "self"}
    built = type(transformer)(**given)
    assert all(getattr(built, name) is value for name, value in given.items())
    assert built.get_params() == given


@pytest.mark.parametrize(("transformer", "params", "names"), TRANSFORMERS)
def test_fit_returns_self_and_names_every_output(transformer, params, names):
    X = frame()
    fitted = clone(transformer)
    assert fitted.fit(X) is fitted
    out = fitted.transform(X)
    assert out.shape == (len(X), len(names))
    assert list(fitted.get_feature_names_out()) == list(names)
    assert np.isfinite(out).all()


@pytest.mark.parametrize(("transformer", "params", "names"), TRANSFORMERS)
def test_clone_is_unfitted_with_same_params(transformer, params, names):
    fitted = clone(transformer).fit(frame())
    copy = clone(fitted)
    assert copy.get_params() == fitted.get_params()
    assert not [k for k in vars(copy) if k.endswith("_") and not k.startswith("_")]


@pytest.mark.parametrize(("transformer", "params", "names"), TRANSFORMERS)
def test_set_params_through_a_pipeline_changes_the_output(transformer, params, names):
    X = frame()
    pipeline = Pipeline([("step", clone(transformer)), ("scale", StandardScaler())])
    before = pipeline.fit_transform(X)
    pipeline.set_params(**{f"step__{k}": v for k, v in params.items()})
    assert all(pipeline.get_params()[f"step__{k}"] == v for k, v in params.items())
    assert not np.allclose(before, pipeline.fit_transform(X))


@pytest.mark.parametrize(("transformer", "params", "names"), TRANSFORMERS)
def test_joblib_round_trip_gives_the_same_output(transformer, params, names, tmp_path):
    X = frame()
    fitted = clone(transformer).fit(X)
    expected = fitted.transform(X)
    joblib.dump(fitted, tmp_path / "t.joblib")
    assert np.allclose(joblib.load(tmp_path / "t.joblib").transform(X), expected)


@pytest.mark.parametrize(("transformer", "params", "names"), TRANSFORMERS)
def test_rejects_an_unprepared_frame(transformer, params, names):
    with pytest.raises(ValueError, match="prepared frame"):
        clone(transformer).fit(pd.DataFrame({"content": ["hello"]}))


def test_similarity_is_higher_for_the_comment_about_the_post():
    X = frame()
    similarity = PostSimilarity(n_concepts=3, max_features=500).fit(X)
    out = similarity.transform(X)
    best = list(SIMILARITY_NAMES).index("best_match")
    on_topic, off_topic = out[0, best], out[4, best]
    assert on_topic > off_topic


def test_similarity_of_a_comment_is_the_same_alone_and_in_a_large_batch():
    # A large batch takes its dot products with the posts as one sparse product, a small one row by row
    X = frame()
    similarity = PostSimilarity(n_concepts=3, max_features=500).fit(X)
    large = pd.concat([X] * (BATCH_DOTS // len(X) + 1), ignore_index=True)
    assert len(large) >= BATCH_DOTS
    alone = np.vstack([similarity.transform(large.iloc[[i]]) for i in range(len(large))])
    np.testing.assert_allclose(similarity.transform(large), alone, rtol=1e-12, atol=1e-15)


def test_a_like_if_line_under_a_comment_counts_as_a_call_to_action():
    items = [
        (Comment(text), POST, SITE) for text in ("Great crust\nlike if you agree", "Great crust like if you agree")
    ]
    signals = CommentSignals(log_counts=False).fit_transform(prepare(comments_frame(items))[0])
    calls = signals[:, SIGNAL_NAMES.index("calls_to_action")]
    assert calls.tolist() == [1.0, 0.0]
