"""The table the models read: one row per comment, with its post and site context, its clean text
and its language. Training and scoring build it the same way."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from moderation.domain import Comment, Post, Site
from moderation.text.language import detect_language
from moderation.text.normalize import NormalizedText, normalize

INPUT_COLUMNS = [
    "content", "author_name", "author_email", "author_url",
    "post_title", "post_body", "post_tags", "site_topic", "site_languages",
]  # fmt: skip


def comments_frame(items: Sequence[tuple[Comment, Post, Site]]) -> pd.DataFrame:
    """Rows in ``INPUT_COLUMNS`` from comments with their posts and sites."""
    rows = [
        {
            "content": c.content,
            "author_name": c.author_name,
            "author_email": c.author_email,
            "author_url": c.author_url,
            "post_title": p.title,
            "post_body": p.body,
            "post_tags": ";".join(p.tags),
            "site_topic": s.topic,
            "site_languages": " ".join(s.languages),
        }
        for c, p, s in items
    ]
    return pd.DataFrame(rows, columns=INPUT_COLUMNS)


def prepare(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[NormalizedText]]:
    """Add the clean text and the language (as the site would see it) to a frame of inputs.

    Returns the prepared frame and each row's normalisation, which maps clean text back to the raw.
    """
    missing = [c for c in INPUT_COLUMNS if c not in frame.columns]
    if missing:
        raise KeyError(f"frame lacks columns {missing}")
    out = frame[INPUT_COLUMNS].fillna("").astype(str)
    normalized = [normalize(text) for text in out["content"]]
    guesses = [
        detect_language(n.text).for_site(tuple(languages.split()))
        for n, languages in zip(normalized, out["site_languages"], strict=True)
    ]
    out = out.assign(
        clean=[n.text for n in normalized],
        evasions=[sum(n.evasions.values()) for n in normalized],
        language=[g.language for g in guesses],
        language_confidence=[g.confidence for g in guesses],
        language_reliable=[g.reliable for g in guesses],
    )
    return out, normalized
