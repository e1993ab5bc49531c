"""How stored values look on the moderator page: scores in words, highlighted text, safe links."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from moderation.notes import LANGUAGE_NAMES

# Characters that change how text around them is shown without being seen themselves: bidirectional
# overrides and isolates, zero-width characters. A moderator sees them as visible markers.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
TASK_WORDS = {"spam": "spam", "off_topic": "off-topic"}


@dataclass(frozen=True)
class Segment:
    """A piece of a comment: plain ``text``, a ``mark`` that pushed the spam score (``weight``), or an
    invisible ``control`` character shown by its code point."""

    text: str
    kind: str = "text"
    weight: float = 0.0


def score_words(task: str, probability: float) -> str:
    """A score as a moderator says it: "likely spam, 0.93"."""
    what = TASK_WORDS.get(task, task)
    if probability >= 0.9:
        words = f"almost certainly {what}"
    elif probability >= 0.7:
        words = f"likely {what}"
    elif probability >= 0.4:
        words = f"possibly {what}"
    else:
        words = f"unlikely {what}"
    return f"{words}, {probability:.2f}"


def risk_level(probability: float) -> str:
    """A CSS class for a score: high, medium or low."""
    return "high" if probability >= 0.7 else "medium" if probability >= 0.4 else "low"


def segments(content: str, spans: list[dict[str, Any]]) -> list[Segment]:
    """The comment cut into plain and highlighted pieces (``spans`` index the raw content), with
    invisible control characters made visible."""
    pieces: list[Segment] = []
    cursor = 0
    for span in sorted(spans, key=lambda s: (s["start"], s["end"])):
        start, end = max(int(span["start"]), cursor), min(int(span["end"]), len(content))
        if start >= end:
            continue
        pieces += _visible(content[cursor:start], "text")
        pieces += _visible(content[start:end], "mark", float(span.get("weight", 0.0)))
        cursor = end
    pieces += _visible(content[cursor:], "text")
    return pieces


def _visible(text: str, kind: str, weight: float = 0.0) -> list[Segment]:
    found: list[Segment] = []
    cursor = 0
    for match in INVISIBLE.finditer(text):
        if match.start() > cursor:
            found.append(Segment(text[cursor : match.start()], kind, weight))
        found.append(Segment(f"U+{ord(match.group()):04X}", "control"))
        cursor = match.end()
    if cursor < len(text):
        found.append(Segment(text[cursor:], kind, weight))
    return found


def safe_href(url: str | None) -> str | None:
    """``url`` if a browser may follow it from this page (http or https with a host), else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def language_name(code: str) -> str:
    name = LANGUAGE_NAMES["en"].get(code)
    return f"{name} ({code})" if name else code or "unknown"


def ago(moment: datetime | None, now: datetime | None = None) -> str:
    """How long ago, in the largest sensible unit: "4 min ago", "3 h ago", "2 days ago"."""
    if moment is None:
        return ""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    seconds = max(0, int(((now or datetime.now(UTC)) - moment).total_seconds()))
    for unit, size in (("day", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if unit == 'day' and count > 1 else ''} ago"
    return "just now"
