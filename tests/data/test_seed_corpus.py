"""Data tests for the project's own corpus in data/."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from moderation.training.corpus import COMMENT_COLUMNS, LABELS, POST_COLUMNS, load_seed, split_of, text_key


def rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


@pytest.fixture(scope="module")
def posts(seed_dir: Path) -> list[dict[str, str]]:
    header, found = rows(seed_dir / "posts.csv")
    assert header == POST_COLUMNS
    return found


@pytest.fixture(scope="module")
def comments(seed_dir: Path) -> list[dict[str, str]]:
    header, found = rows(seed_dir / "comments.csv")
    assert header == COMMENT_COLUMNS
    return found


def test_posts_cover_enough_blogs_subjects_and_languages(posts):
    assert len(posts) >= 40
    assert len({p["site"] for p in posts}) >= 8
    assert len({p["site_topic"] for p in posts}) >= 8
    languages = Counter(p["language"] for p in posts)
    assert len(languages) >= 5
    assert {"sv", "en"} <= set(languages)
    assert all(p["title"].strip() and len(p["body"].split()) >= 60 for p in posts)


def test_enough_comments_and_swedish_ones(posts, comments):
    language_of = {p["id"]: p["language"] for p in posts}
    assert len(comments) >= 2000
    assert sum(language_of[c["post_id"]] == "sv" for c in comments) >= 300


def test_labels_are_the_three_known_ones_and_each_is_well_represented(comments):
    counts = Counter(c["label"] for c in comments)
    assert set(counts) == LABELS
    assert min(counts.values()) >= 0.15 * len(comments)


def test_ids_are_unique(posts, comments):
    assert len({p["id"] for p in posts}) == len(posts)
    assert len({c["id"] for c in comments}) == len(comments)


def test_every_comment_names_an_existing_post(posts, comments):
    known = {p["id"] for p in posts}
    assert [c["id"] for c in comments if c["post_id"] not in known] == []


def test_no_two_comments_share_a_text(comments):
    keys = Counter(text_key(c["content"]) for c in comments)
    assert [k for k, n in keys.items() if n > 1] == []


def test_every_post_has_all_three_labels(posts, comments):
    by_post: dict[str, set[str]] = {}
    for c in comments:
        by_post.setdefault(c["post_id"], set()).add(c["label"])
    assert all(by_post.get(p["id"]) == LABELS for p in posts)


def test_no_text_falls_in_both_splits(seed_dir):
    frame = load_seed(seed_dir).assign(key=lambda f: f["content"].map(text_key))
    splits = frame.assign(split=frame["content"].map(split_of)).groupby("key")["split"].nunique()
    assert (splits == 1).all()
    test_share = (frame["content"].map(split_of) == "test").mean()
    assert 0.12 < test_share < 0.28


def test_split_ignores_case_spacing_and_punctuation():
    assert split_of("Great post!! Thanks") == split_of("great   post, thanks")
