"""Shared pieces of the benchmarks: which public datasets, and loading them once."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from moderation.domain import Comment, Post, Site
from moderation.training.assemble import combine, prepare_all
from moderation.training.formats import load_dataset

ROOT = Path(__file__).resolve().parent.parent
VIDEOS = ["Youtube01-Psy", "Youtube02-KatyPerry", "Youtube03-LMFAO"]


def shared_specs(shared: Path) -> list[str]:
    """data/ plus the shared YouTube, SMS, other-language spam and off-topic pair sets."""
    return [
        f"seed:{ROOT / 'data'}",
        *[str(shared / "youtube_spam" / f"{v}.csv") for v in VIDEOS],
        str(shared / "sms_spam_uci" / "SMSSpamCollection"),
        str(shared / "multilingual_sms_spam_mt" / "data-en-hi-de-fr.csv"),
        str(shared / "ru_telegram_spam" / "telegram_spam_ru.csv"),
        str(shared / "id_sms_spam" / "dataset_sms_spam_v1.csv"),
        str(shared / "id_youtube_gambling_spam" / "online_gambling_yt_comments_train.csv"),
        str(shared / "vi_spam_reviews" / "dataset" / "train.csv"),
        str(shared / "semeval2016_task3_cqa_ql" / "SemEval2016-Task3-CQA-QL-dev.xml"),
        str(shared / "20newsgroups" / "20news-bydate-train.csv.gz"),
    ]


def load_prepared(specs: list[str]) -> pd.DataFrame:
    """All datasets combined, split and prepared (clean text and language)."""
    return prepare_all(combine([load_dataset(spec) for spec in specs]))


def seed_items(seed: pd.DataFrame) -> list[tuple[Comment, Post, Site]]:
    """Seed corpus rows (``load_seed``) as the scorer takes them: each comment under its post and site."""
    return [
        (Comment(r.content, r.author_name, r.author_email, r.author_url),
         Post(r.post_title, r.post_body, tuple(r.post_tags.split(";")), r.post_url),
         Site((r.site_languages,), r.site_topic))
        for r in seed.itertuples()
    ]  # fmt: skip
