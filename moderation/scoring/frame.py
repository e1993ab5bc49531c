"""The table the models read: one row per comment, with its post and site context, its clean text
and its language. Training and scoring build it the same way (see ``moderation.table``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from moderation.domain import Comment, Post, Site
from moderation.text.language import detect_for_site
from moderation.text.normalize import NormalizedText, normalize
from moderation.text.page_links import without_page_links

INPUT_COLUMNS = [
    "content", "author_name", "author_email", "author_url",
    "post_title", "post_body", "post_tags", "post_url", "site_topic", "site_languages",
]  # fmt: skip
Columns = dict[str, list[Any]]


def comments_columns(items: Sequence[tuple[Comment, Post, Site]]) -> Columns:
    """``INPUT_COLUMNS`` as lists, from comments with their posts and sites."""
    return {
        "content": [c.content for c, _, _ in items],
        "author_name": [c.author_name for c, _, _ in items],
        "author_email": [c.author_email for c, _, _ in items],
        "author_url": [c.author_url for c, _, _ in items],
        "post_title": [p.title for _, p, _ in items],
        "post_body": [p.body for _, p, _ in items],
        "post_tags": [";".join(p.tags) for _, p, _ in items],
        "post_url": [p.url for _, p, _ in items],
        "site_topic": [s.topic for _, _, s in items],
        "site_languages": [" ".join(s.languages) for _, _, s in items],
    }


def comments_frame(items: Sequence[tuple[Comment, Post, Site]]) -> pd.DataFrame:
    """``comments_columns`` as a DataFrame."""
    return pd.DataFrame(comments_columns(items), columns=INPUT_COLUMNS)


def prepare_columns(columns: Columns) -> tuple[Columns, list[NormalizedText]]:
    """Add the clean text, its evasion count and the language (as the site would see it) to
    input columns; also return each row's normalisation, which maps clean text back to the raw.
    Links back to the comment's own post are left out of the clean text. ``clean_and_name`` is the
    clean text with the author's name on a line after it: the words the spam model reads, so a
    word weighs the same in the name as in the text ("cheap pills" as a name counts as those words
    do in comments, while a first name, rare in comments, weighs next to nothing)."""
    pairs = zip(columns["content"], columns["post_url"], strict=True)
    normalized = [without_page_links(normalize(text), url) for text, url in pairs]
    guesses = [
        detect_for_site(n.text, tuple(languages.split()))
        for n, languages in zip(normalized, columns["site_languages"], strict=True)
    ]
    prepared = {
        **columns,
        "clean": [n.text for n in normalized],
        "clean_and_name": [f"{n.text}\n{name}" for n, name in zip(normalized, columns["author_name"], strict=True)],
        "evasions": [sum(n.evasions.values()) for n in normalized],
        "language": [g.language for g in guesses],
        "language_confidence": [g.confidence for g in guesses],
        "language_reliable": [g.reliable for g in guesses],
    }
    return prepared, normalized


def prepare(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[NormalizedText]]:
    """``prepare_columns`` for a DataFrame holding ``INPUT_COLUMNS`` (empty cells become "")."""
    missing = [c for c in INPUT_COLUMNS if c not in frame.columns]
    if missing:
        raise KeyError(f"frame lacks columns {missing}")
    inputs = frame[INPUT_COLUMNS].fillna("").astype(str)
    prepared, normalized = prepare_columns({c: inputs[c].tolist() for c in INPUT_COLUMNS})
    return pd.DataFrame(prepared, index=inputs.index), normalized
