"""The two model pipelines. One function builds each; training and tests call these."""

from __future__ import annotations

from typing import Any

from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from moderation.scoring.scaling import WeightedScaler
from moderation.scoring.similarity import SIMILARITY_COLUMNS, PostSimilarity
from moderation.text.transformers import SIGNAL_COLUMNS, CommentSignals

# Word tokens of 2+ letters or digits, and link-ish tokens kept whole (domains are strong signals).
TOKEN_PATTERN = r"(?u)(?:https?://)?[\w-]+(?:\.[\w-]+)+|\b\w\w+\b"

# The comment signals, standardised, count a tenth: with full weight the spam model fitted whole
# datasets through a few counts (many links to one domain read as ham, decorated text as spam) and
# carried that to other videos' comments; at 0.1 held-out YouTube ROC-AUC rose and SGD seeds agreed
# more (BENCHMARKS.md).
SIGNAL_WEIGHT = 0.1


def _calibrated(classifier: LogisticRegression | SGDClassifier, folds: int = 3) -> CalibratedClassifierCV:
    # ensemble=False: one linear model fitted on all rows (its weights explain the score), with a
    # sigmoid fitted on cross-validated decisions on top, so the probability is calibrated.
    # Shuffled folds: training rows come grouped by dataset, and unshuffled folds would each see a
    # different mix of datasets, which skews the out-of-fold decisions the sigmoid is fitted on.
    folds_split = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    return CalibratedClassifierCV(classifier, method="sigmoid", cv=folds_split, ensemble=False, n_jobs=2)


def build_spam_pipeline(**params: Any) -> Pipeline:
    """Word n-grams of the clean text and the author's name, character n-grams of the clean text,
    and comment signals, into a calibrated logistic regression. ``params`` go to ``set_params``.

    The name's words are read with the text's (``clean_and_name``), not as a block of their own:
    there, with few rows each, personal names took weights of their own (a ham comment signed
    "Sarah" scored 0.44, signed "Tom" 0.02), and 50 of the seed corpus' 481 test comments changed
    verdict with the writer's first name; read as words of the text, 3 (``bench/first_names.py``)."""
    features = ColumnTransformer(
        [
            ("word", TfidfVectorizer(token_pattern=TOKEN_PATTERN, ngram_range=(1, 2), min_df=2,
                                     sublinear_tf=True, max_features=200_000), "clean_and_name"),
            ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=3,
                                     sublinear_tf=True, max_features=300_000), "clean"),
            ("signals", Pipeline([("extract", CommentSignals()), ("scale", WeightedScaler(weight=SIGNAL_WEIGHT))]),
             SIGNAL_COLUMNS),
        ]
    )  # fmt: skip
    # Logistic loss by stochastic gradient descent: the same model as a logistic regression, fitted
    # in seconds instead of minutes on ~50k comments x ~400k n-grams (BENCHMARKS.md). The weights
    # are averaged over every update of 30 passes (averaged SGD): the last steps' noise no longer
    # decides them, and comments of a video the model never saw scored better (leave-one-video-out
    # F1 +0.02-0.03 over two SGD seeds). A fixed 30 passes rather than stopping when the loss
    # settles (13 passes): the early, undertrained weights then weigh less in the average, and the
    # big datasets' own test rows lost less (BENCHMARKS.md).
    classifier = SGDClassifier(
        loss="log_loss", alpha=5e-6, average=True, max_iter=30, tol=None, class_weight="balanced", random_state=0
    )
    pipeline = Pipeline([("features", features), ("classifier", _calibrated(classifier))])
    return pipeline.set_params(**params)


def hashed_tfidf(**hashing: Any) -> Pipeline:
    """Counts of hashed terms (no vocabulary to hold: any number of comments, in chunks) into
    sublinear tf times idf, l2-normed: a TfidfVectorizer with a fixed number of columns. Its idf is
    set from document frequencies counted over a whole stream (see ``training.out_of_core``)."""
    return Pipeline([
        ("hash", HashingVectorizer(alternate_sign=False, norm=None, **hashing)),
        ("tfidf", TfidfTransformer(sublinear_tf=True)),
    ])  # fmt: skip


def build_hashed_spam_pipeline(**params: Any) -> Pipeline:
    """The spam pipeline for training out of core: the same features as ``build_spam_pipeline``
    with hashed terms instead of vocabularies, into logistic loss by SGD fitted chunk by chunk
    (``partial_fit``). Training replaces the classifier by its calibrated, frozen self."""
    features = ColumnTransformer(
        [
            ("word", hashed_tfidf(token_pattern=TOKEN_PATTERN, ngram_range=(1, 2), n_features=2**20), "clean_and_name"),
            ("char", hashed_tfidf(analyzer="char_wb", ngram_range=(2, 5), n_features=2**21), "clean"),
            ("signals", Pipeline([("extract", CommentSignals()), ("scale", WeightedScaler(weight=SIGNAL_WEIGHT))]),
             SIGNAL_COLUMNS),
        ]
    )  # fmt: skip
    classifier = SGDClassifier(loss="log_loss", alpha=1e-5, random_state=0)
    return Pipeline([("features", features), ("classifier", classifier)]).set_params(**params)


def build_off_topic_pipeline(**params: Any) -> Pipeline:
    """Similarities between the comment and its post and site subject, plus the comment's own words
    and character n-grams (for the phrases that mark chatter, ads and thanks in any language), into
    a calibrated logistic regression. ``params`` go to ``set_params``."""
    features = ColumnTransformer(
        [
            ("similarity", Pipeline([("measure", PostSimilarity()), ("scale", StandardScaler())]),
             SIMILARITY_COLUMNS),
            ("word", TfidfVectorizer(token_pattern=TOKEN_PATTERN, min_df=2, sublinear_tf=True,
                                     max_features=50_000), "clean"),
            # character 2- and 3-grams of the comment: word endings and short words (thanks, greetings,
            # chatter) in any inflection; with them the forum pairs (SemEval) and the seed corpus
            # ranked better, 20 Newsgroups a little worse (BENCHMARKS.md)
            ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), min_df=3, sublinear_tf=True,
                                     max_features=100_000), "clean"),
        ]
    )  # fmt: skip
    classifier = LogisticRegression(C=1.0, max_iter=1000, solver="liblinear", class_weight="balanced")
    pipeline = Pipeline([("features", features), ("classifier", _calibrated(classifier))])
    return pipeline.set_params(**params)
