"""The values the scoring engine speaks in: comments, posts, sites, labels and scores."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Label(StrEnum):
    """What a human (or a dataset) says a comment is."""

    HAM = "ham"
    SPAM = "spam"
    OFF_TOPIC = "off_topic"


class Action(StrEnum):
    """What the service does with a comment."""

    APPROVE = "approve"
    QUEUE = "queue"
    REMOVE = "remove"


@dataclass(frozen=True)
class Comment:
    """One blog comment as the author typed it into the form."""

    content: str
    author_name: str = ""
    author_email: str = ""
    author_url: str = ""


@dataclass(frozen=True)
class Post:
    """The post a comment was left on."""

    title: str = ""
    body: str = ""
    tags: tuple[str, ...] = ()
    url: str = ""  # its address: links back to it are not counted as the comment's links


@dataclass(frozen=True)
class Site:
    """The blog: the languages it writes in and a sentence about its subject."""

    languages: tuple[str, ...] = ()
    topic: str = ""


@dataclass(frozen=True)
class Reason:
    """One signal behind a score: a machine code, a sentence for people, its weight, and the task
    (``spam``, ``off_topic`` or ``language``) it speaks to.

    Weights are contributions to the log-odds of the task's calibrated probability (positive pushes
    towards spam or off-topic); language reasons are informational and weigh 0.
    """

    code: str
    text: str
    weight: float
    task: str = "spam"


@dataclass(frozen=True)
class Span:
    """Characters ``content[start:end]`` that pushed the spam score by ``weight``."""

    start: int
    end: int
    weight: float


@dataclass(frozen=True)
class Scores:
    """Everything the scorer says about one comment."""

    spam: float
    off_topic: float
    language: str
    language_confidence: float
    spam_reasons: tuple[Reason, ...] = ()
    off_topic_reasons: tuple[Reason, ...] = ()
    language_reasons: tuple[Reason, ...] = ()
    spans: tuple[Span, ...] = ()
    model_version: str = ""
    language_reliable: bool = True
    clean_text: str = ""  # the normalised text the models read; the policy reads it too

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """All reasons, the language notes first, then spam and off-topic ones by weight."""
        ranked = sorted(self.spam_reasons + self.off_topic_reasons, key=lambda r: -abs(r.weight))
        return self.language_reasons + tuple(ranked)
