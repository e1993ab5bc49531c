"""What a comment carries besides words: links, domains, e-mail addresses, phone numbers, markup,
and what the author typed into the name and URL fields."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

TLDS = (
    "com|net|org|info|biz|io|co|me|tv|cc|ws|app|dev|blog|shop|store|online|site|xyz|top|club|live|"
    "pro|link|click|win|bet|casino|vip|loan|money|cash|sale|example|"
    "se|nu|no|dk|fi|de|at|ch|fr|be|nl|es|it|pt|pl|cz|ru|su|ua|by|kz|uk|us|ca|au|in|id|vn|cn|jp|br|tr"
)
URL = re.compile(
    rf"(?:https?://|www\.)[^\s<>\"'()\[\]]+|\b(?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?\.)+(?:{TLDS})\b(?:/[^\s<>\"']*)?",
    re.I,
)
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,12}\b", re.I)
PHONE = re.compile(r"(?<![\w/])\+?\(?\d[\d ()./-]{6,}\d(?![\w/])")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")
ANCHOR = re.compile(r"<\s*a\s[^>]*href", re.I)
BBCODE_URL = re.compile(r"\[url[=\]]", re.I)
NAME_WORD = re.compile(r"[^\W\d_]+|\d+", re.U)


@dataclass(frozen=True)
class Link:
    """A link found in a comment: the text as written and the host it points at."""

    text: str
    start: int
    end: int
    domain: str


def _domain(link: str) -> str:
    candidate = link if "://" in link else f"http://{link}"
    try:
        host = (urlsplit(candidate).hostname or "").lower()
    except ValueError:  # malformed brackets or ports: not a usable link
        return ""
    return host.removeprefix("www.")


def find_links(text: str) -> list[Link]:
    """Links in the text, e-mail addresses excluded, with their host names."""
    emails = [m.span() for m in EMAIL.finditer(text)]
    links = []
    for match in URL.finditer(text):
        if any(s <= match.start() < e for s, e in emails):
            continue
        domain = _domain(match.group(0).rstrip(".,;:!?"))
        if domain:
            links.append(Link(match.group(0), match.start(), match.end(), domain))
    return links


def find_emails(text: str) -> list[str]:
    """E-mail addresses written in the text."""
    return EMAIL.findall(text)


def phone_matches(text: str) -> list[re.Match[str]]:
    """Phone-number-like digit runs: 8 to 15 digits, with a leading +, separators, or 10+ digits."""
    found = []
    for match in PHONE.finditer(text):
        candidate = match.group(0).strip()
        digits = sum(c.isdigit() for c in candidate)
        if not 8 <= digits <= 15 or DATE.fullmatch(candidate):
            continue
        if candidate.startswith("+") or digits >= 10 or re.search(r"[ ()-]", candidate):
            found.append(match)
    return found


def find_phones(text: str) -> list[str]:
    """The phone numbers of ``phone_matches``, as written."""
    return [match.group(0).strip() for match in phone_matches(text)]


@dataclass(frozen=True)
class AuthorSignals:
    """What the name and URL fields of the comment form say about the author."""

    has_url: bool
    url_domain: str
    name_words: int
    name_has_digits: bool
    name_looks_like_link: bool
    name_all_lower: bool


def author_signals(name: str, url: str) -> AuthorSignals:
    """Signals from the author's name and URL fields."""
    words = NAME_WORD.findall(name)
    return AuthorSignals(
        has_url=bool(url.strip()),
        url_domain=_domain(url.strip()) if url.strip() else "",
        name_words=len(words),
        name_has_digits=any(w.isdigit() for w in words),
        name_looks_like_link=bool(URL.search(name)),
        name_all_lower=bool(words) and name == name.lower() and any(c.isalpha() for c in name),
    )
