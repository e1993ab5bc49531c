"""Loaders that turn public labelled datasets into the canonical schema, and format detection.

A dataset is named as ``PATH`` (format detected from its contents) or ``FORMAT:PATH``.
"""

from __future__ import annotations

import csv
import gzip
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from moderation.errors import DatasetError
from moderation.training.corpus import CANONICAL_COLUMNS, canonical, load_seed, seed_chunks

Loader = Callable[[Path], pd.DataFrame]
TEXT_COLUMNS = ("text", "message", "comments", "comment", "teks", "content", "sms")
LABEL_COLUMNS = ("label", "labels", "class")
SPAM_VALUES = {"1", "2", "spam", "true", "yes"}  # Indonesian SMS: 1 fraud, 2 promotion
HAM_VALUES = {"0", "ham", "false", "no"}
LANGUAGE_HINTS = {"ru_telegram": "ru", "id_sms": "id", "id_youtube": "id", "vi_spam": "vi", "sms_spam_uci": "en"}


def _spam_or_ham(values: pd.Series, path: Path) -> pd.Series:
    lowered = values.astype(str).str.strip().str.lower()
    unknown = sorted(set(lowered) - SPAM_VALUES - HAM_VALUES)
    if unknown:
        raise DatasetError(f"{path}: label values {unknown[:5]} are neither spam nor ham")
    return lowered.map(lambda v: "spam" if v in SPAM_VALUES else "ham")


def _language_hint(path: Path) -> str:
    return next((lang for hint, lang in LANGUAGE_HINTS.items() if hint in str(path)), "")


# The YouTube Spam Collection's five videos, by the number its files begin with (Youtube01-Psy.csv):
# the ids its authors name them by. A comment linking to the video it is under is not link spam.
YOUTUBE_VIDEO_IDS = {
    "Youtube01": "9bZkp7q19f0", "Youtube02": "CevxZvSJLk8", "Youtube03": "KQ6zr6kCPj8",
    "Youtube04": "uelHwf8o7_U", "Youtube05": "pRpeEdMmmQ0",
}  # fmt: skip


def youtube_video_url(path: Path) -> str:
    """The address of the video a collection file's comments were left under ("" if unknown)."""
    video = YOUTUBE_VIDEO_IDS.get(path.stem.split("-")[0])
    return f"https://www.youtube.com/watch?v={video}" if video else ""


def _youtube(raw: pd.DataFrame, path: Path, start: int) -> pd.DataFrame:
    return canonical(pd.DataFrame({
        "id": "yt-" + raw["COMMENT_ID"], "source": f"youtube:{path.stem}", "site_languages": "en",
        "post_url": youtube_video_url(path),
        "language": "en", "author_name": raw["AUTHOR"], "content": raw["CONTENT"].str.rstrip("\ufeff"),
        "label": _spam_or_ham(raw["CLASS"], path),
    }))  # fmt: skip


def _sms(raw: pd.DataFrame, path: Path, start: int) -> pd.DataFrame:
    return canonical(pd.DataFrame({
        "id": [f"sms-{start + i}" for i in range(len(raw))], "source": f"sms:{path.stem}", "site_languages": "en",
        "language": "en", "content": raw["text"].to_numpy(), "label": _spam_or_ham(raw["label"], path).to_numpy(),
    }))  # fmt: skip


def _sms_translated(raw: pd.DataFrame, path: Path, start: int) -> pd.DataFrame:
    frames = []
    for column in [c for c in raw.columns if c.startswith("text_")]:
        language = column.removeprefix("text_")
        frames.append(pd.DataFrame({
            "id": [f"smsmt-{language}-{start + i}" for i in range(len(raw))], "source": f"sms_mt:{language}",
            "site_languages": language, "language": language, "content": raw[column].to_numpy(),
            "label": _spam_or_ham(raw["labels"], path).to_numpy(),
        }))  # fmt: skip
    return canonical(pd.concat(frames, ignore_index=True))


def _label_text(raw: pd.DataFrame, path: Path, start: int) -> pd.DataFrame:
    by_lower = {c.lower(): c for c in raw.columns}
    text = next((by_lower[c] for c in TEXT_COLUMNS if c in by_lower), None)
    label = next((by_lower[c] for c in LABEL_COLUMNS if c in by_lower), None)
    if text is None or label is None:
        raise DatasetError(f"{path}: no text and label columns among {list(raw.columns)}")
    language = _language_hint(path)
    return canonical(pd.DataFrame({
        "id": [f"{path.stem}-{start + i}" for i in range(len(raw))], "source": f"{path.parent.name}:{path.stem}",
        "site_languages": language, "language": language, "content": raw[text].to_numpy(),
        "label": _spam_or_ham(raw[label], path).to_numpy(),
    }))  # fmt: skip


def _canonical(raw: pd.DataFrame, path: Path, start: int) -> pd.DataFrame:
    return canonical(raw.assign(source=raw.get("source", path.stem)))


@dataclass(frozen=True)
class CsvFormat:
    """A format read by ``pandas.read_csv`` (whole or in chunks) and turned into canonical rows,
    chunk by chunk: ``convert(raw rows, path, number of raw rows before them)``."""

    read: dict[str, Any]
    convert: Callable[[pd.DataFrame, Path, int], pd.DataFrame]

    def load(self, path: Path) -> pd.DataFrame:
        return self.convert(pd.read_csv(path, **self.read), path, 0)

    def chunks(self, path: Path, rows: int) -> Iterator[pd.DataFrame]:
        start = 0
        with pd.read_csv(path, chunksize=rows, **self.read) as reader:
            for raw in reader:
                yield self.convert(raw, path, start)
                start += len(raw)


TEXT_CSV = {"dtype": str, "keep_default_na": False}
CSV_FORMATS = {
    "youtube": CsvFormat(TEXT_CSV, _youtube),
    "sms": CsvFormat(
        {"sep": "\t", "header": None, "names": ["label", "text"], "quoting": csv.QUOTE_NONE, "dtype": str}, _sms
    ),
    "sms_translated": CsvFormat(TEXT_CSV, _sms_translated),
    "label_text": CsvFormat(TEXT_CSV, _label_text),
    "canonical": CsvFormat(TEXT_CSV, _canonical),
}


def load_youtube(path: Path) -> pd.DataFrame:
    """YouTube Spam Collection CSV (COMMENT_ID, AUTHOR, DATE, CONTENT, CLASS). DATE is left out and
    a trailing U+FEFF stripped: both leak the label."""
    return CSV_FORMATS["youtube"].load(path)


def load_sms(path: Path) -> pd.DataFrame:
    """SMS Spam Collection TSV (label TAB text, no header, no quoting)."""
    return CSV_FORMATS["sms"].load(path)


def load_sms_translated(path: Path) -> pd.DataFrame:
    """The SMS collection machine-translated (labels, text, text_hi, text_de, text_fr): the
    translations only, since the English text is the SMS collection itself."""
    return CSV_FORMATS["sms_translated"].load(path)


def load_label_text(path: Path) -> pd.DataFrame:
    """Any CSV with one text column and one spam/ham label column (Russian Telegram, Indonesian SMS
    and YouTube, ViSpamReviews, ...)."""
    return CSV_FORMATS["label_text"].load(path)


def load_semeval(path: Path) -> pd.DataFrame:
    """SemEval-2016 Task 3 (Qatar Living) XML: each thread's question is the post, its comments are
    ``ham`` when Good and ``off_topic`` when Bad; PotentiallyUseful and repeated threads are left out."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise DatasetError(f"{path}: not valid XML: {exc}") from exc
    rows = []
    for thread in root.iter("Thread"):
        if thread.get("SubtaskA_Skip_Because_Same_As_RelQuestion_ID"):
            continue
        question = thread.find("RelQuestion")
        if question is None:
            continue
        title = question.findtext("RelQSubject", "")
        body = question.findtext("RelQBody", "")
        for comment in thread.iter("RelComment"):
            relevance = comment.get("RELC_RELEVANCE2RELQ")
            if relevance not in ("Good", "Bad"):
                continue
            rows.append({
                "id": comment.get("RELC_ID", ""), "source": "semeval2016", "site": "qatarliving",
                "post_id": question.get("RELQ_ID", ""), "post_title": title, "post_body": body,
                "post_tags": question.get("RELQ_CATEGORY", ""),
                "site_topic": "Qatar Living: a forum where people living in Qatar ask each other for advice.",
                "site_languages": "en", "language": "en", "author_name": comment.get("RELC_USERNAME", ""),
                "content": comment.findtext("RelCText", ""), "created_at": comment.get("RELC_DATE", ""),
                "label": "ham" if relevance == "Good" else "off_topic",
            })  # fmt: skip
    if not rows:
        raise DatasetError(f"{path}: no labelled comments found")
    return canonical(pd.DataFrame(rows, columns=CANONICAL_COLUMNS)).drop_duplicates("content")


NEWSGROUP_HEADER = re.compile(r"\A(?:[\w-]+:.*\n)+\n", re.M)
QUOTE_LINE = re.compile(
    r"^(?:\s*\w{0,4}>.*|\s*[|:].*|.*\b(?:writes|wrote|said):\s*|\s*in article <.*)$\n?", re.M | re.I
)
SIGNATURE = re.compile(r"\n--+\s*\n[\s\S]*\Z")


def clean_newsgroup_text(text: str) -> str:
    """A Usenet post without headers, quoted lines and signature (they name the group)."""
    text = NEWSGROUP_HEADER.sub("", text.replace("\r\n", "\n"), count=1)
    text = SIGNATURE.sub("", QUOTE_LINE.sub("", text))
    return re.sub(r"\s+", " ", text).strip()


def load_newsgroups(path: Path, posts: int = 1500, seed: int = 0) -> pd.DataFrame:
    """Post/comment pairs from 20 Newsgroups: a post is the opening of one message; its ``ham``
    comment is the opening of another message of the same group, its ``off_topic`` comment one from
    a group of another hierarchy (comp, rec, sci, talk, ...)."""
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as handle:
        raw = pd.read_csv(handle, dtype=str, keep_default_na=False)
    raw = raw.assign(text=raw["text"].map(clean_newsgroup_text))
    raw = raw.loc[raw["text"].str.len().between(200, 20000)].reset_index(drop=True)
    rng = np.random.default_rng(seed)
    hierarchy = raw["group"].str.split(".").str[0]
    by_group = {g: np.flatnonzero(raw["group"].to_numpy() == g) for g in raw["group"].unique()}
    rows = []
    for i in rng.choice(len(raw), size=min(posts, len(raw)), replace=False):
        group = raw.at[i, "group"]
        same = by_group[group][by_group[group] != i]
        other = np.flatnonzero(hierarchy.to_numpy() != hierarchy[i])
        post = raw.at[i, "text"][:1500]
        for label, j in (("ham", rng.choice(same)), ("off_topic", rng.choice(other))):
            rows.append({
                "id": f"20ng-{raw.at[i, 'doc_id']}-{raw.at[j, 'doc_id']}", "source": "20newsgroups",
                "site": group, "post_id": raw.at[i, "doc_id"], "post_title": "", "post_body": post,
                "site_topic": f"Usenet discussion group {group}", "site_languages": "en", "language": "en",
                "content": raw.at[j, "text"][:400], "label": label,
            })  # fmt: skip
    return canonical(pd.DataFrame(rows, columns=CANONICAL_COLUMNS))


def load_canonical(path: Path) -> pd.DataFrame:
    """A CSV in the canonical schema (columns missing from it are left empty)."""
    return CSV_FORMATS["canonical"].load(path)


FORMATS: dict[str, Loader] = {
    "seed": load_seed,
    "canonical": load_canonical,
    "youtube": load_youtube,
    "sms": load_sms,
    "sms_translated": load_sms_translated,
    "label_text": load_label_text,
    "semeval": load_semeval,
    "newsgroups": load_newsgroups,
}


def detect_format(path: Path) -> str:
    """The format of a file or folder, from its contents."""
    if path.is_dir():
        if (path / "posts.csv").exists() and (path / "comments.csv").exists():
            return "seed"
        raise DatasetError(f"{path} is a folder without posts.csv and comments.csv; name its files instead")
    if path.suffix == ".xml":
        return "semeval"
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8", errors="replace") as handle:  # type: ignore[operator]
            first = handle.readline().strip().lstrip("\ufeff")
    except OSError as exc:
        raise DatasetError(f"cannot read {path}: {exc}") from exc
    header = [c.strip().lower() for c in first.split(",")]
    if first.startswith("<?xml"):
        return "semeval"
    if header[:2] == ["doc_id", "group"]:
        return "newsgroups"
    if header[:2] == ["comment_id", "author"]:
        return "youtube"
    if re.match(r"^(ham|spam)\t", first):
        return "sms"
    if "text_hi" in header or "text_de" in header:
        return "sms_translated"
    if "content" in header and "label" in header:
        return "canonical"
    if any(c in header for c in TEXT_COLUMNS) and any(c in header for c in LABEL_COLUMNS):
        return "label_text"
    raise DatasetError(f"{path}: format not recognised from its first line {first[:80]!r}; name it as FORMAT:PATH")


def resolve_spec(spec: str) -> tuple[str, Path]:
    """The format and path a dataset spec (``PATH`` or ``FORMAT:PATH``) names; the format is
    detected from the contents when not named."""
    name, sep, rest = spec.partition(":")
    fmt, path = (name, Path(rest)) if sep and name in FORMATS else ("", Path(spec))
    if not path.exists():
        raise DatasetError(f"no such dataset: {path}")
    return fmt or detect_format(path), path


def load_format(fmt: str, path: Path) -> pd.DataFrame:
    """Load ``path`` with the loader of ``fmt`` into the canonical schema."""
    try:
        return FORMATS[fmt](path)
    except (KeyError, ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{path} as {fmt}: {exc}") from exc


def load_dataset(spec: str) -> pd.DataFrame:
    """Load ``PATH`` or ``FORMAT:PATH`` into the canonical schema."""
    return load_format(*resolve_spec(spec))


def read_format(fmt: str, path: Path, chunk_rows: int) -> Iterator[pd.DataFrame]:
    """``path`` in the canonical schema, in chunks of the rows of at most ``chunk_rows`` raw lines
    (fewer canonical rows when lines are empty; the translated SMS set gives one row per
    translation). The CSV formats and the seed corpus's comments are read chunk by chunk; SemEval
    XML and 20 Newsgroups are read whole (small, and the newsgroup pairs are drawn across the whole
    file), then handed over in chunks."""
    try:
        if fmt in CSV_FORMATS:
            yield from CSV_FORMATS[fmt].chunks(path, chunk_rows)
        elif fmt == "seed":
            yield from seed_chunks(path, chunk_rows)
        else:
            whole = load_format(fmt, path)
            for start in range(0, len(whole), chunk_rows):
                yield whole.iloc[start : start + chunk_rows].reset_index(drop=True)
    except (KeyError, ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{path} as {fmt}: {exc}") from exc
