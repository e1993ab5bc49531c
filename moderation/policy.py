"""From scores and a site's settings to an action and its explanatory note.

Remove only when confident (a blocked word or domain, or a score past the site's remove
threshold); queue what is uncertain (a score past the queue threshold, a suspect word, too many
links, a language the site does not allow); approve the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from moderation.domain import Action, Scores
from moderation.notes import Cause, write_note
from moderation.text.normalize import normalize
from moderation.text.signals import find_links


@dataclass(frozen=True)
class SitePolicy:
    """The parts of a site's settings the policy reads."""

    languages: tuple[str, ...] = ()
    spam_queue_at: float = 0.5
    spam_remove_at: float = 0.95
    off_topic_queue_at: float = 0.6
    off_topic_remove_at: float = 0.97
    rules: dict[str, Any] | None = None
    note_language: str = "en"


@dataclass(frozen=True)
class Verdict:
    """The action, the causes behind it (most important first) and the note."""

    action: Action
    causes: tuple[Cause, ...]
    note: str


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text))


def decide(content: str, scores: Scores, site: SitePolicy, language_reliable: bool = True) -> Verdict:
    """Apply the site's rules and thresholds to a scored comment."""
    rules = site.rules or {}
    clean = scores.clean_text or normalize(content).text  # the scorer's, when it gave it
    words = _words(clean)
    links = find_links(clean)
    domains = sorted({link.domain for link in links})
    remove: list[Cause] = []
    queue: list[Cause] = []

    remove += [Cause("blocked_word", w) for w in rules.get("blocked_words", []) if w.casefold() in words]
    blocked = {d.casefold() for d in rules.get("blocked_domains", [])}
    remove += [Cause("blocked_domain", d) for d in domains if d in blocked or any(d.endswith("." + b) for b in blocked)]
    if scores.spam >= site.spam_remove_at:
        remove.append(Cause("spam", f"{scores.spam:.2f}"))
    elif scores.spam >= site.spam_queue_at:
        queue.append(Cause("spam", f"{scores.spam:.2f}"))
    if scores.off_topic >= site.off_topic_remove_at:
        remove.append(Cause("off_topic", f"{scores.off_topic:.2f}"))
    elif scores.off_topic >= site.off_topic_queue_at:
        queue.append(Cause("off_topic", f"{scores.off_topic:.2f}"))

    queue += [Cause("suspect_word", w) for w in rules.get("suspect_words", []) if w.casefold() in words]
    limit = rules.get("link_limit")
    if limit is not None and len(links) >= int(limit):
        queue.append(Cause("link_limit", str(len(links)), str(limit)))
    allowed = tuple(rules.get("allowed_languages") or site.languages)
    if allowed and language_reliable and scores.language not in allowed:
        queue.append(Cause("language", scores.language, " ".join(allowed)))
    if links and (remove or queue):
        queue.append(Cause("links", str(len(links)), ", ".join(domains[:3])))

    action = Action.REMOVE if remove else Action.QUEUE if queue else Action.APPROVE
    causes = tuple(remove + queue)
    return Verdict(action, causes, write_note(action, list(causes), site.note_language))
