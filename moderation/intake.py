"""A new (or edited) comment from a platform: score it, decide, and record it with its history."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Insert, bindparam, insert, literal, null, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from moderation.domain import Action, Comment, Post, Reason, Scores, Site, Span
from moderation.policy import SitePolicy, Verdict, decide
from moderation.scoring.scorer import Scorer
from moderation.sites import secret_nonces
from moderation.store.tables import CommentRow, DecisionRow, SiteRow, utcnow

COMMENTS, DECISIONS = CommentRow.__table__, DecisionRow.__table__
INSERT_DECISION = insert(DECISIONS)
# A new comment's INSERT, by database: a comment stored already (a repeat, or the same comment
# arriving twice at once) inserts nothing and returns no id, in the same round trip that stores a new one.
INSERT_COMMENT: dict[str, Insert] = {
    name: dialect.insert(COMMENTS).on_conflict_do_nothing(index_elements=["site_id", "platform_id"])
    .returning(COMMENTS.c.id)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}  # fmt: skip
# On PostgreSQL, the new comment and its automatic decision in one statement (one round trip): the
# decision is inserted from the comment's INSERT ... RETURNING, so a repeat inserts neither.
_COMMENT_BINDS = {c.name: bindparam(c.name, type_=c.type) for c in COMMENTS.c if not c.primary_key}
_NEW = INSERT_COMMENT["postgresql"].values(_COMMENT_BINDS).cte("new")
INSERT_COMMENT_AND_DECISION = (
    insert(DECISIONS)
    .from_select(
        ["comment_id", "actor", "action", "label", "note", "spam", "off_topic", "model_version", "at"],
        select(
            _NEW.c.id, literal("model", DECISIONS.c.actor.type), _COMMENT_BINDS["action"], null(),
            _COMMENT_BINDS["note"], _COMMENT_BINDS["spam"], _COMMENT_BINDS["off_topic"],
            _COMMENT_BINDS["model_version"], _COMMENT_BINDS["received_at"],
        ),
    )
    .returning(DECISIONS.c.comment_id)
)  # fmt: skip
FIND_ID = select(COMMENTS.c.id).where(
    COMMENTS.c.site_id == bindparam("site_id"), COMMENTS.c.platform_id == bindparam("platform_id")
)
STATUS_OF = {Action.APPROVE: "approved", Action.QUEUE: "pending", Action.REMOVE: "removed"}
Score = Callable[[Comment, Post, Site], Scores]  # a Scorer's score, or a protocol's version of it
POST_UNKNOWN = Reason(
    "post_unknown",
    "the post's text is unknown (not sent, nor registered): off-topic judged on the blog's subject alone",
    0.0,
    "off_topic",
)


@dataclass(frozen=True)
class Incoming:
    """A comment as the platform reports it."""

    platform_id: str
    content: str
    post_id: str = ""
    post_title: str = ""
    post_body: str = ""
    post_url: str = ""
    post_tags: list[str] = field(default_factory=list)
    author_name: str = ""
    author_email: str = ""
    author_url: str = ""
    author_ip: str = ""
    author_user_agent: str = ""
    created_at: datetime | None = None
    parent_id: str | None = None
    edited: bool = False


# Incoming's fields stored as they are (dataclasses.asdict would deep-copy each one, per request)
INCOMING_COLUMNS = tuple(f.name for f in dataclasses.fields(Incoming) if f.name != "edited")


def _plain(value: Reason | Span) -> dict[str, Any]:
    return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}


def find_id(session: Session, site_id: str, platform_id: str) -> int | None:
    """The stored id of the platform's comment ``platform_id`` on a site, if any."""
    return session.scalar(FIND_ID, {"site_id": site_id, "platform_id": platform_id})


def find(session: Session, site_id: str, platform_id: str) -> CommentRow | None:
    comment_id = find_id(session, site_id, platform_id)
    return session.get(CommentRow, comment_id) if comment_id is not None else None


@dataclass(frozen=True)
class SiteConfig:
    """What taking in a comment needs of its site, read once: usable with no session, by any thread."""

    id: str
    policy: SitePolicy
    context: Site  # the site's languages and subject, as the scorer reads them
    shadow_mode: bool
    secret_nonces: tuple[str, ...]


def config_of(site: SiteRow) -> SiteConfig:
    return SiteConfig(site.id, policy_of(site), Site(tuple(site.languages), site.topic), site.shadow_mode,
                      secret_nonces(site))  # fmt: skip


def policy_of(site: SiteRow) -> SitePolicy:
    return SitePolicy(
        languages=tuple(site.languages), spam_queue_at=site.spam_queue_at, spam_remove_at=site.spam_remove_at,
        off_topic_queue_at=site.off_topic_queue_at, off_topic_remove_at=site.off_topic_remove_at,
        rules=site.rules, note_language=site.note_language,
    )  # fmt: skip


def scored(score: Score, comment: Comment, post: Post, site: Site) -> Scores:
    """The comment's scores under its post; when the platform sent no post text, the blog's subject
    stands in for the post (an empty post reads as off-topic to the model), and a reason says so."""
    if post.title.strip() or post.body.strip():
        return score(comment, post, site)
    scores = score(comment, Post("", site.topic, post.tags, post.url), site)
    return replace(scores, off_topic_reasons=(*scores.off_topic_reasons, POST_UNKNOWN))


def judge(
    score: Score, policy: SitePolicy, context: Site, shadow: bool, incoming: Incoming
) -> tuple[Scores, Verdict, Action]:
    """Scores, the policy's verdict, and what the platform is told (always approve in shadow mode)."""
    scores = scored(
        score,
        Comment(incoming.content, incoming.author_name, incoming.author_email, incoming.author_url),
        Post(incoming.post_title, incoming.post_body, tuple(incoming.post_tags), incoming.post_url),
        context,
    )
    verdict = decide(incoming.content, scores, policy, scores.language_reliable)
    return scores, verdict, Action.APPROVE if shadow else verdict.action


def receive(
    session: Session, scorer: Scorer, site: SiteConfig, incoming: Incoming, score: Score | None = None
) -> tuple[CommentRow, bool]:
    """The stored comment and whether this call scored it (false: a repeat, answered as before).
    ``score`` stands in for ``scorer.score`` when a protocol knows more than the text (Akismet's honeypot).

    The caller commits; nothing is written when scoring or deciding fails. A repeat is found by its
    INSERT inserting nothing, after scoring: one statement fewer for every new comment, the
    scoring's work more for a platform's retry.
    """
    existing_id = find_id(session, site.id, incoming.platform_id) if incoming.edited else None
    site_id = site.id
    database = session.get_bind().dialect.name
    if database == "sqlite":
        # End the read transaction, if any: in WAL mode it could not turn into a write one after
        # another writer's commit. (On PostgreSQL a transaction begun by a read, if any, is kept
        # while the comment is scored: a ROLLBACK and a BEGIN fewer round trips.)
        session.rollback()
    scores, verdict, answered = judge(score or scorer.score, site.policy, site.context, site.shadow_mode, incoming)
    fields = {
        **{name: getattr(incoming, name) for name in INCOMING_COLUMNS},
        "language": scores.language, "spam": scores.spam, "off_topic": scores.off_topic,
        "reasons": [_plain(r) for r in scores.reasons], "spans": [_plain(s) for s in scores.spans],
        "action": verdict.action.value, "answered_action": answered.value, "note": verdict.note,
        "causes": " ".join(dict.fromkeys(c.code for c in verdict.causes)),
        "status": STATUS_OF[verdict.action], "label": None, "model_version": scores.model_version,
    }  # fmt: skip
    row = session.get(CommentRow, existing_id) if existing_id is not None else None
    if row is None:  # new (or deleted while this edit was scored: stored as new)
        new = _insert_new(session, database, site_id, fields, verdict.action, scores)
        if new is None:
            return session.get_one(CommentRow, find_id(session, site_id, incoming.platform_id)), False
        return new, True
    for key, value in fields.items():
        setattr(row, key, value)
    row.revision += 1
    session.flush()
    _record_decision(session, row.id, verdict.action, scores, verdict.note)
    return row, True


def _insert_new(
    session: Session, database: str, site_id: str, fields: dict[str, Any], action: Action, scores: Scores
) -> CommentRow | None:
    """A new comment and its automatic decision as plain INSERTs, built once and cached (the ORM's
    unit of work, add and flush, cost 8% more instructions per webhook: BENCHMARKS.md): one
    statement on PostgreSQL, two on SQLite (whose WITH cannot hold an INSERT). None when the
    comment is stored already. The returned row is not attached to ``session``: it is the answer,
    read and not changed."""
    values = {"site_id": site_id, "received_at": utcnow(), "revision": 1, **fields}
    if database == "postgresql":
        if not session.in_transaction():
            # Nothing read in this request's transaction (its site came from the process's copy):
            # the one statement is a transaction of its own, no BEGIN and COMMIT round trips.
            session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        comment_id = session.execute(INSERT_COMMENT_AND_DECISION, values).scalar()
    else:
        comment_id = session.execute(INSERT_COMMENT[database], values).scalar()
        if comment_id is not None:
            _record_decision(session, comment_id, action, scores, fields["note"])
    return None if comment_id is None else CommentRow(id=comment_id, **values)


def _record_decision(session: Session, comment_id: int, action: Action, scores: Scores, note: str) -> None:
    """The model's decision on a comment, in its history."""
    session.execute(
        INSERT_DECISION,
        {
            "comment_id": comment_id, "actor": "model", "action": action.value, "label": None, "note": note,
            "spam": scores.spam, "off_topic": scores.off_topic, "model_version": scores.model_version, "at": utcnow(),
        },
    )  # fmt: skip
