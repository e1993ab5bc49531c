"""The canonical corpus schema: one row per labelled comment, with its post and site inline.

Every dataset the data team trains on, ours or public, is turned into this table by a loader.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from moderation.domain import Label
from moderation.errors import DatasetError

CANONICAL_COLUMNS = [
    "id", "source", "site", "post_id", "post_title", "post_body", "post_tags", "post_url", "site_topic",
    "site_languages", "language", "author_name", "author_email", "author_url", "content",
    "created_at", "label",
]  # fmt: skip
POST_COLUMNS = ["id", "site", "language", "title", "body", "tags", "site_topic"]
COMMENT_COLUMNS = ["id", "post_id", "author_name", "author_email", "author_url", "content", "created_at", "label"]
LABELS = frozenset(label.value for label in Label)
TEST_SHARE = 0.2


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with exactly the canonical columns (missing ones empty), as strings, and checked."""
    out = frame.reindex(columns=CANONICAL_COLUMNS, fill_value="")
    out = out.astype(object).where(out.notna(), "").astype(str)
    bad = sorted(set(out["label"]) - LABELS)
    if bad:
        raise DatasetError(f"labels must be one of {sorted(LABELS)}; found {bad[:5]}")
    empty = out["content"].str.strip() == ""
    return out.loc[~empty].reset_index(drop=True)


def text_key(text: str) -> str:
    """The form under which two comments count as the same text (case, spacing, punctuation folded)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\W_]+", " ", folded).strip()


def text_digest(text: str) -> bytes:
    """sha256 of the text key: its first 4 bytes decide the split, the next 8 name the text."""
    return hashlib.sha256(text_key(text).encode("utf-8")).digest()


def split_of_digest(digest: bytes) -> str:
    """The split a ``text_digest`` falls on (see ``split_of``)."""
    return "test" if int.from_bytes(digest[:4], "big") / 2**32 < TEST_SHARE else "train"


def text_id(digest: bytes) -> int:
    """A 64-bit number naming a text (its key), from its ``text_digest``: equal texts get equal ids,
    and two different texts among ten million share one with odds of about 3 in a million."""
    return int.from_bytes(digest[4:12], "big")


def split_of(text: str) -> str:
    """``test`` for about one text in five, ``train`` otherwise, decided by a hash of the text key,
    so the same text always falls on the same side whichever dataset or post it comes with."""
    return split_of_digest(text_digest(text))


def with_split(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with a ``split`` column (see ``split_of``)."""
    return frame.assign(split=[split_of(t) for t in frame["content"]])


def _read_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DatasetError(f"cannot read {path}: {exc}") from exc
    if list(frame.columns) != columns:
        raise DatasetError(f"{path}: columns {list(frame.columns)}, expected {columns}")
    return frame


def _seed_rows(folder: Path, comments: pd.DataFrame, posts: pd.DataFrame) -> pd.DataFrame:
    unknown = sorted(set(comments["post_id"]) - set(posts["post_id"]))
    if unknown:
        raise DatasetError(f"{folder}/comments.csv names posts that posts.csv lacks: {unknown[:5]}")
    joined = comments.merge(posts, on="post_id", how="left", validate="many_to_one")
    return canonical(joined.assign(source="seed"))


def _seed_posts(folder: Path) -> pd.DataFrame:
    posts = _read_csv(folder / "posts.csv", POST_COLUMNS)
    return posts.rename(
        columns={"id": "post_id", "title": "post_title", "body": "post_body", "tags": "post_tags"}
    ).assign(site_languages=lambda p: p["language"])


def load_seed(folder: Path) -> pd.DataFrame:
    """The project's own corpus: ``posts.csv`` and ``comments.csv`` joined into canonical rows."""
    return _seed_rows(folder, _read_csv(folder / "comments.csv", COMMENT_COLUMNS), _seed_posts(folder))


def seed_chunks(folder: Path, chunk_rows: int) -> Iterator[pd.DataFrame]:
    """``load_seed`` in chunks: the posts read whole, the comments ``chunk_rows`` at a time."""
    posts = _seed_posts(folder)
    try:
        with pd.read_csv(folder / "comments.csv", dtype=str, keep_default_na=False, chunksize=chunk_rows) as reader:
            for comments in reader:
                if list(comments.columns) != COMMENT_COLUMNS:
                    raise DatasetError(
                        f"{folder}/comments.csv: columns {list(comments.columns)}, expected {COMMENT_COLUMNS}"
                    )
                yield _seed_rows(folder, comments, posts)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DatasetError(f"cannot read {folder}/comments.csv: {exc}") from exc
