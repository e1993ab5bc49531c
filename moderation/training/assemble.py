"""From loaded datasets to the two training tables: one for spam, one for off-topic pairs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from moderation.scoring.frame import INPUT_COLUMNS, prepare
from moderation.training.corpus import text_key, with_split

SWAPPED_SHARE = 0.6
PREPARE_CHUNK = 4000


def combine(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Datasets stacked, each text kept once (its first labelled occurrence; a text with
    conflicting labels is dropped), with the train/test split column."""
    stacked = pd.concat(frames, ignore_index=True)
    keys = stacked["content"].map(text_key)
    conflicting = stacked.assign(key=keys).groupby("key")["label"].transform("nunique") > 1
    kept = stacked.loc[~conflicting & ~keys.duplicated()]
    return with_split(kept.reset_index(drop=True))


def has_context(frame: pd.DataFrame) -> pd.Series:
    """Rows that come with a post or a site subject (needed to judge off-topic); read from a
    ``context`` column when the rows carry one instead of their post (see ``out_of_core``)."""
    if "context" in frame.columns:
        return frame["context"].astype(bool)
    return (frame["post_body"].str.strip() != "") | (frame["post_title"].str.strip() != "")


def swapped_pairs(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    """On-topic comments moved under a post of another blog subject, labelled ``off_topic``: the
    same words must count as on-topic under one post and off-topic under another."""
    rng = np.random.default_rng(seed)
    seeded = frame.loc[frame["source"].eq("seed") & frame["label"].eq("ham")]
    posts = frame.loc[frame["source"].eq("seed")].drop_duplicates("post_id")
    post_columns = ["site", "post_id", "post_title", "post_body", "post_tags", "site_topic", "site_languages"]
    rows = []
    for _, row in seeded.sample(frac=SWAPPED_SHARE, random_state=seed).iterrows():
        others = posts.loc[(posts["site"] != row["site"]) & (posts["site_languages"] == row["site_languages"])]
        if others.empty:
            others = posts.loc[posts["site"] != row["site"]]
        other = others.iloc[int(rng.integers(len(others)))]
        moved = row.copy()
        moved[post_columns] = other[post_columns]
        moved["label"] = "off_topic"
        moved["source"] = "seed:swapped"
        moved["id"] = f"{row['id']}@{other['post_id']}"
        rows.append(moved)
    return pd.DataFrame(rows, columns=frame.columns)


def off_topic_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows the off-topic model learns from as they are: non-spam comments with context."""
    return frame.loc[has_context(frame) & frame["label"].ne("spam")]


@dataclass(frozen=True)
class TrainingTables:
    """What one training run fits and measures on."""

    train_spam: pd.DataFrame
    train_off_topic: pd.DataFrame
    test: pd.DataFrame  # every test-split row, swapped pairs included


def training_tables(prepared: pd.DataFrame, seed: int) -> TrainingTables:
    """Split a prepared frame into the spam and off-topic training tables and the test table,
    drawing the swapped pairs once for both."""
    swapped = swapped_pairs(prepared, seed)
    off_topic = pd.concat([off_topic_rows(prepared), swapped], ignore_index=True)
    both = pd.concat([prepared, swapped], ignore_index=True)
    return TrainingTables(
        train_spam=prepared.loc[prepared["split"] == "train"],
        train_off_topic=off_topic.loc[off_topic["split"] == "train"],
        test=both.loc[both["split"] == "test"].reset_index(drop=True),
    )


def with_swapped(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Every row, plus the swapped pairs of the off-topic table (for evaluating both tasks at once)."""
    return pd.concat([frame, swapped_pairs(frame, seed)], ignore_index=True)


def prepare_all(frame: pd.DataFrame, n_jobs: int = 2) -> pd.DataFrame:
    """``prepare`` over a large frame in parallel chunks; the canonical columns are kept beside, the
    dataset's own ``language`` renamed ``dataset_language`` (``language`` is the detected one)."""
    chunks = [frame.iloc[i : i + PREPARE_CHUNK] for i in range(0, len(frame), PREPARE_CHUNK)]
    prepared = Parallel(n_jobs=n_jobs if len(chunks) > 1 else 1)(
        delayed(_prepare_chunk)(chunk[INPUT_COLUMNS]) for chunk in chunks
    )
    return joined(frame, pd.concat(prepared, ignore_index=True))


def joined(frame: pd.DataFrame, added: pd.DataFrame) -> pd.DataFrame:
    """Canonical rows beside what ``prepare`` added to them (row for row)."""
    extra = [c for c in added.columns if c not in INPUT_COLUMNS]
    original = frame.reset_index(drop=True).rename(columns={"language": "dataset_language"})
    return pd.concat([original, added[extra].reset_index(drop=True)], axis=1)


def _prepare_chunk(chunk: pd.DataFrame) -> pd.DataFrame:
    return prepare(chunk)[0]
