"""The one public scoring API: a comment, its post and its site in; scores and reasons out."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from moderation.domain import Comment, Post, Reason, Scores, Site, Span
from moderation.errors import InvalidComment
from moderation.registry import Registry
from moderation.scoring.bundle import ModelBundle
from moderation.scoring.explain import (
    LinearExplainer,
    off_topic_reasons,
    spam_reasons,
    spam_spans,
    word_weights,
)
from moderation.scoring.fast import compile_columns, compile_probability
from moderation.scoring.frame import comments_columns, prepare_columns
from moderation.text.language import SHORT_TEXT

MAX_CONTENT_CHARS = 65536


class Scorer:
    """Scores comments with one loaded model version. Never trains; safe to share between threads."""

    def __init__(self, bundle: ModelBundle, version: str = "") -> None:
        self.bundle = bundle
        self.version = version
        self._spam = LinearExplainer(bundle.spam)
        self._off_topic = LinearExplainer(bundle.off_topic)
        self._spam_features = compile_columns(bundle.spam.named_steps["features"])
        self._spam_probability = compile_probability(bundle.spam.named_steps["classifier"])
        self._off_topic_features = compile_columns(bundle.off_topic.named_steps["features"])
        self._off_topic_probability = compile_probability(bundle.off_topic.named_steps["classifier"])

    @classmethod
    def load(cls, models_dir: Path, version: str | None = None) -> Scorer:
        """The scorer for a verified version from a registry folder (the current one by default)."""
        bundle, checked = Registry(models_dir).load(version)
        return cls(bundle, checked.version)

    def score(self, comment: Comment, post: Post | None = None, site: Site | None = None) -> Scores:
        """Spam and off-topic probabilities of one comment, with the reasons behind them."""
        return self.score_many([(comment, post or Post(), site or Site())])[0]

    def score_many(self, items: Sequence[tuple[Comment, Post, Site]], explain: bool = True) -> list[Scores]:
        """Score a batch; ``explain=False`` skips reasons and spans (probabilities only)."""
        for comment, _, _ in items:
            if not isinstance(comment.content, str) or not comment.content.strip():
                raise InvalidComment("a comment needs non-empty text content")
            if len(comment.content) > MAX_CONTENT_CHARS:
                raise InvalidComment(f"comment content is over {MAX_CONTENT_CHARS} characters")
        if not items:
            return []
        table, normalized = prepare_columns(comments_columns(items))
        spam_blocks = self._spam_features(table)
        spam_p = self._spam_probability(spam_blocks)
        off_blocks = self._off_topic_features(table)
        off_p = self._off_topic_probability(off_blocks)
        results = []
        for i, clean in enumerate(table["clean"]):
            language, site_languages = table["language"][i], table["site_languages"][i]
            language_reasons = self._language_reasons(language, table["language_reliable"][i], site_languages)
            spam_why: tuple[Reason, ...] = ()
            off_why: tuple[Reason, ...] = ()
            spans: tuple[Span, ...] = ()
            if explain:
                spam_c = self._spam.contributions(spam_blocks, i, table)
                words = word_weights(spam_c, clean)
                context = {
                    "language": language,
                    "site_languages": site_languages,
                    "author_name": table["author_name"][i],
                }
                spam_why = spam_reasons(spam_c, words, clean, context)
                spans = spam_spans(words, spam_c, normalized[i])
                off_c = self._off_topic.contributions(off_blocks, i, table)
                off_why = off_topic_reasons(off_c, word_weights(off_c, clean))
            results.append(
                Scores(
                    spam=round(float(spam_p[i]), 4),
                    off_topic=round(float(off_p[i]), 4),
                    language=language,
                    language_confidence=float(table["language_confidence"][i]),
                    spam_reasons=spam_why,
                    off_topic_reasons=off_why,
                    language_reasons=language_reasons,
                    spans=spans,
                    model_version=self.version,
                    language_reliable=bool(table["language_reliable"][i]),
                    clean_text=clean,
                )
            )
        return results

    @staticmethod
    def _language_reasons(language: str, reliable: bool, site_languages: str) -> tuple[Reason, ...]:
        reasons = []
        if site_languages and language not in site_languages.split():
            reasons.append(
                Reason(
                    "language", f"language {language}, site uses {site_languages.replace(' ', ', ')}", 0.0, "language"
                )
            )
        if not reliable:
            reasons.append(
                Reason(
                    "language_short_text",
                    f"under {SHORT_TEXT} letters: the language guess is unreliable",
                    0.0,
                    "language",
                )
            )
        return tuple(reasons)
