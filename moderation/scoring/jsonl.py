"""Scoring comments given as JSON lines (the ``moderation score`` format)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import Any

from moderation.domain import Comment, Post, Scores, Site
from moderation.errors import InvalidComment
from moderation.scoring.scorer import Scorer

BATCH = 256


def _text(value: Any, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidComment(f"{where} must be a string, not {type(value).__name__}")
    return value


def _object(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidComment(f"{where} must be an object")
    return value


def parse_line(line: str) -> tuple[Any, Comment, Post, Site]:
    """The id, comment, post and site of one JSON line; ``InvalidComment`` says what is wrong."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InvalidComment(f"not valid JSON: {exc.msg} at column {exc.colno}") from exc
    if not isinstance(data, dict):
        raise InvalidComment("each line must be a JSON object")
    content = _text(data.get("content"), "content")
    if not content.strip():
        raise InvalidComment("content is missing or empty")
    post, site, author = (_object(data.get(k), k) for k in ("post", "site", "author"))
    tags = post.get("tags") or []
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",") if t.strip()]
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise InvalidComment("post.tags must be a list of strings")
    languages = site.get("languages") or ([site["language"]] if site.get("language") else [])
    if not isinstance(languages, list) or not all(isinstance(x, str) for x in languages):
        raise InvalidComment("site.languages must be a list of language codes")
    return (
        data.get("id"),
        Comment(content, _text(author.get("name"), "author.name"), _text(author.get("email"), "author.email"),
                _text(author.get("url"), "author.url")),
        Post(_text(post.get("title"), "post.title"), _text(post.get("body"), "post.body"), tuple(tags),
             _text(post.get("url"), "post.url")),
        Site(tuple(languages), _text(site.get("topic"), "site.topic")),
    )  # fmt: skip


def scores_json(identifier: Any, scores: Scores) -> dict[str, Any]:
    """The JSON object printed for one scored comment."""
    return {
        "id": identifier,
        "spam": scores.spam,
        "off_topic": scores.off_topic,
        "language": scores.language,
        "language_confidence": scores.language_confidence,
        "reasons": [asdict(r) for r in scores.reasons],
        "spans": [asdict(s) for s in scores.spans],
        "model_version": scores.model_version,
    }


def score_lines(scorer: Scorer, lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """One output object per non-blank input line, in order: scores, or ``{"line", "error"}``."""
    pending: list[tuple[int, Any, Comment, Post, Site]] = []

    def flush() -> Iterator[dict[str, Any]]:
        results = scorer.score_many([(c, p, s) for _, _, c, p, s in pending])
        for (_, identifier, *_), scores in zip(pending, results, strict=True):
            yield scores_json(identifier, scores)
        pending.clear()

    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            identifier, comment, post, site = parse_line(line)
        except InvalidComment as exc:
            yield from flush()
            yield {"line": number, "error": str(exc)}
            continue
        pending.append((number, identifier, comment, post, site))
        if len(pending) >= BATCH:
            yield from flush()
    yield from flush()
