"""The Akismet REST API (1.1 and 1.2) in our terms: a key is a site's API key tied to the site's
URL; a comment-check is a comment scored and stored like a webhook comment; submit-spam and
submit-ham are platform feedback; key-sites and usage-limit count what the site sent.

Nothing HTTP here: ``InvalidAkismetCall`` carries the reason the edge puts in
``X-akismet-debug-help``. Calls with ``is_test`` are scored and answered but never stored, so they
reach neither the queue nor the training labels.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import IntEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.domain import Action, Comment, Label, Post, Reason, Scores, Site
from moderation.errors import InvalidAkismetCall
from moderation.feedback import PLATFORM, record_feedback
from moderation.intake import Incoming, Score, SiteConfig, config_of, find, judge, receive
from moderation.posts import KnownPost, find_post
from moderation.scoring.scorer import MAX_CONTENT_CHARS, Scorer
from moderation.secrets import digest
from moderation.store.tables import CommentRow, DecisionRow, SiteRow
from moderation.text.page_links import page_key, page_path

THANKS = "Thanks for making the web a better place."
ID_PREFIX = "akismet:"
# A filled honeypot is what bots do: held as spam for a human at least, removed only when the
# model is sure as well (the site's remove threshold decides).
HONEYPOT_SPAM = 0.9
# WordPress's Akismet plugin adds a hidden textarea and forwards every form field as POST_<name>.
WORDPRESS_HONEYPOT = "ak_hp_textarea"
TRUE = {"1", "true", "yes", "on"}


class CheckResult(IntEnum):
    """What comment-check answers: ``false``, ``true``, or ``true`` with ``X-akismet-pro-tip: discard``."""

    HAM = 0
    SPAM = 1
    DISCARD = 2


ANSWERS = {Action.APPROVE: CheckResult.HAM, Action.QUEUE: CheckResult.SPAM, Action.REMOVE: CheckResult.DISCARD}


@dataclass(frozen=True)
class Checked:
    """A comment-check's answer and the stored comment (none for test calls and administrators)."""

    result: CheckResult
    row: CommentRow | None


def truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in TRUE


def require(params: Mapping[str, str], *names: str) -> None:
    for name in names:
        if not (params.get(name) or "").strip():
            raise InvalidAkismetCall(f'Empty "{name}" value')


def same_blog(site_url: str, blog: str) -> bool:
    """``blog`` names the site, leniently: scheme, ``www.``, a trailing slash and any parameters
    (``?lang=sv``) do not matter."""
    site = page_path(page_key(site_url))
    return bool(site) and site == page_path(page_key(blog))


def site_for_key(session: Session, key: str | None, blog: str | None = None) -> SiteRow:
    """The site whose API key this is, checked against ``blog`` when one is required."""
    if not (key or "").strip():
        raise InvalidAkismetCall('Empty "api_key" value')
    site = session.scalar(select(SiteRow).where(SiteRow.api_key_hash == digest((key or "").strip())))
    if site is None:
        raise InvalidAkismetCall("unknown API key: use the api_key printed by `moderation sites add`")
    if blog is None:
        return site
    if not blog.strip():
        raise InvalidAkismetCall('Empty "blog" value')
    if not site.url.strip():
        raise InvalidAkismetCall(f"site {site.id!r} has no URL: set it with `moderation sites update --url`")
    if not same_blog(site.url, blog):
        raise InvalidAkismetCall(f"this key is for {site.url}, not {blog.strip()}")
    return site


def platform_id(site_id: str, params: Mapping[str, str]) -> str:
    """A stable id for a comment Akismet sends without one, so a resend finds the stored decision."""
    parts = [site_id] + [
        params.get(name, "")
        for name in ("permalink", "comment_author", "comment_author_email", "comment_content", "comment_date_gmt")
    ]
    return ID_PREFIX + hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:40]


def honeypot(params: Mapping[str, str]) -> str | None:
    """The name of a filled honeypot field, if any (the named one, or WordPress's own)."""
    names = [params.get("honeypot_field_name", "").strip(), WORDPRESS_HONEYPOT]
    for name in filter(None, names):
        if any((params.get(key) or "").strip() for key in (name, f"POST_{name}")):
            return name
    return None


def _moment(value: str) -> datetime | None:
    """An ISO 8601 (or WordPress ``Y-m-d H:i:s``) GMT time, or none when unreadable."""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def to_incoming(site_id: str, params: Mapping[str, str], post: KnownPost | None) -> Incoming:
    """The comment an Akismet call describes, with its post when we know it."""
    return Incoming(
        platform_id=platform_id(site_id, params), content=params.get("comment_content", ""),
        post_id=post.post_id if post else "", post_title=post.title if post else "",
        post_body=post.body if post else "", post_url=params.get("permalink", "") or (post.url if post else ""),
        post_tags=list(post.tags) if post else [], author_name=params.get("comment_author", ""),
        author_email=params.get("comment_author_email", ""), author_url=params.get("comment_author_url", ""),
        author_ip=params.get("user_ip", ""), author_user_agent=params.get("user_agent", ""),
        created_at=_moment(params.get("comment_date_gmt", "")),
        parent_id=params.get("comment_parent") or None,
    )  # fmt: skip


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def scoring(scorer: Scorer, filled_honeypot: str | None) -> Score:
    """The scorer's ``score``, with what the protocol tells beyond the text: a filled honeypot raises
    the spam score to at least ``HONEYPOT_SPAM``, and says so."""

    def score(comment: Comment, post: Post, site: Site) -> Scores:
        scores = scorer.score(comment, post, site)
        if not filled_honeypot:
            return scores
        spam = max(scores.spam, HONEYPOT_SPAM)
        text = f'the hidden field "{filled_honeypot}" was filled in, as bots do (spam at least {HONEYPOT_SPAM:.2f})'
        reason = Reason("honeypot", text, round(_logit(spam) - _logit(scores.spam), 4))
        return replace(scores, spam=spam, spam_reasons=(reason, *scores.spam_reasons))

    return score


def _dry_run(score: Score, site: SiteConfig, incoming: Incoming) -> Action:
    """The action the platform would be told, with nothing stored (``is_test`` calls)."""
    return judge(score, site.policy, site.context, site.shadow_mode, incoming)[2]


def check(session: Session, scorer: Scorer, site: SiteRow, params: Mapping[str, str]) -> Checked:
    """Score and decide the comment of a comment-check call, and store it (the caller commits) unless
    it is a test call. An administrator's comment is ham without scoring, as Akismet does."""
    require(params, "user_ip")
    content = params.get("comment_content", "")
    if not content.strip():
        raise InvalidAkismetCall('Empty "comment_content" value: this service judges the text of a comment')
    if len(content) > MAX_CONTENT_CHARS:
        raise InvalidAkismetCall(f'"comment_content" is over {MAX_CONTENT_CHARS} characters')
    if "administrator" in params.get("user_role", "").lower().split(","):
        return Checked(CheckResult.HAM, None)
    post = find_post(session, site.id, params.get("permalink", ""))
    incoming = to_incoming(site.id, params, post)
    score = scoring(scorer, honeypot(params))
    if truthy(params.get("is_test")):
        return Checked(ANSWERS[_dry_run(score, config_of(site), incoming)], None)
    row, _ = receive(session, scorer, config_of(site), incoming, score)
    return Checked(ANSWERS[Action(row.answered_action)], row)


def submit(session: Session, site: SiteRow, params: Mapping[str, str], label: Label) -> CommentRow | None:
    """A submit-spam or submit-ham call as platform feedback on the comment it names (the caller
    commits). Test calls and comments never checked record nothing: Akismet thanks either way."""
    require(params, "user_ip")
    if truthy(params.get("is_test")):
        return None
    row = find(session, site.id, platform_id(site.id, params)) or _same_comment(session, site.id, params)
    if row is None:
        return None
    return record_feedback(session, site.id, row.platform_id, label, note="akismet submit-" + label.value)


def _same_comment(session: Session, site_id: str, params: Mapping[str, str]) -> CommentRow | None:
    """The latest Akismet comment with this text and author (a platform may resend a comment with
    fields it did not send when checking it, such as the date)."""
    return session.scalar(
        select(CommentRow)
        .where(
            CommentRow.site_id == site_id, CommentRow.platform_id.startswith(ID_PREFIX),
            CommentRow.content == params.get("comment_content", ""),
            CommentRow.author_name == params.get("comment_author", ""),
            CommentRow.author_email == params.get("comment_author_email", ""),
        )
        .order_by(CommentRow.received_at.desc(), CommentRow.id.desc())
        .limit(1)
    )  # fmt: skip


def _month_bounds(month: str | None, now: datetime) -> tuple[str, datetime, datetime]:
    label = (month or "").strip() or now.strftime("%Y-%m")
    try:
        start = datetime.strptime(label, "%Y-%m").replace(tzinfo=UTC)
    except ValueError as exc:
        raise InvalidAkismetCall(f'"month" must be YYYY-MM, not {label!r}') from exc
    end = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
    return label, start, end


@dataclass(frozen=True)
class Usage:
    """One site's comment-check calls in a month, as Akismet reports them."""

    month: str
    site: str
    api_calls: int
    spam: int
    ham: int
    missed_spam: int
    false_positives: int


def usage(session: Session, site: SiteRow, month: str | None = None, now: datetime | None = None) -> Usage:
    """Comments the site sent in ``month`` (YYYY-MM, default this month) by either protocol: those
    answered spam or ham, and the platform's reports of missed spam and false positives."""
    label, start, end = _month_bounds(month, now or datetime.now(UTC))
    in_month = (CommentRow.site_id == site.id, CommentRow.received_at >= start, CommentRow.received_at < end)
    calls = session.scalar(select(func.count()).select_from(CommentRow).where(*in_month)) or 0
    approved = CommentRow.answered_action == Action.APPROVE.value
    ham = session.scalar(select(func.count()).select_from(CommentRow).where(*in_month, approved)) or 0
    reports = session.execute(
        select(DecisionRow.label, CommentRow.answered_action)
        .join(CommentRow, CommentRow.id == DecisionRow.comment_id)
        .where(CommentRow.site_id == site.id, DecisionRow.actor == PLATFORM)
        .where(DecisionRow.at >= start, DecisionRow.at < end)
    ).all()
    missed = sum(1 for label_, told in reports if label_ != Label.HAM.value and told == Action.APPROVE.value)
    false_positives = sum(1 for label_, told in reports if label_ == Label.HAM.value and told != Action.APPROVE.value)
    return Usage(label, page_key(site.url) or site.id, calls, calls - ham, ham, missed, false_positives)
