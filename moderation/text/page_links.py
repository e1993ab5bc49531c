"""Links back to the page a comment was left on ("the best part is at 2:19", a reader quoting the
post's address): they point readers nowhere new, so they are not the links spam is made of."""

from __future__ import annotations

from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit

from moderation.text.normalize import NormalizedText
from moderation.text.signals import find_links

# Query parameters that say where or how a page was reached, not which page it is: a position in a
# video, campaign tags, share and referrer marks.
NOT_PAGE_PARAMETERS = frozenset({"t", "time_continue", "si", "feature", "fbclid", "gclid", "ref", "share", "amp"})
# Short hosts that name the same page as a long one: youtu.be/ID is youtube.com/watch?v=ID.
SHORT_HOSTS = {"youtu.be": ("youtube.com", "/watch", "v")}


def split_address(text: str) -> SplitResult:
    """``text`` split as a URL, read as starting with its host when it names no scheme
    ("example.com/post" has the host example.com, not the path); ValueError when it does not parse."""
    return urlsplit(text if "//" in text else f"//{text}")


def page_key(url: str) -> str:
    """A URL reduced to the page it names, in lower case (comments are compared case-folded): no
    scheme, ``www.`` or ``m.``, fragment, trailing slash, or parameters that only mark how the page
    was reached (``&t=2m19s``, ``utm_*``); a short link spelt out. Parameters that name the page
    stay (WordPress's ``?p=12`` and ``?p=13`` are two posts). Empty for text naming no host."""
    text = url.strip().rstrip(".,;:!?").casefold()
    try:
        parts = split_address(text)
        host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return ""
    if not host:
        return ""
    host += port
    path = parts.path.rstrip("/")
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in NOT_PAGE_PARAMETERS and not k.startswith("utm_")]
    if host in SHORT_HOSTS and path.count("/") == 1:
        host, long_path, parameter = SHORT_HOSTS[host]
        path, query = long_path, [(parameter, path.lstrip("/")), *query]
    return f"{host}{path}?{urlencode(sorted(query))}" if query else f"{host}{path}"


def page_path(key: str) -> str:
    """A ``page_key`` without its parameters: the host and path ("blog.example/?p=12" → "blog.example")."""
    return key.partition("?")[0]


def without_page_links(normalized: NormalizedText, page_url: str) -> NormalizedText:
    """The clean text with every link to ``page_url`` taken out (the raw text's positions kept for
    what remains); unchanged when the page has no address or the comment no such link."""
    page = page_key(page_url) if page_url else ""
    if not page:
        return normalized
    cuts = [(link.start, link.end) for link in find_links(normalized.text) if page_key(link.text) == page]
    if not cuts:
        return normalized
    text, origin = normalized.text, normalized.origin
    cut = {i for start, end in cuts for i in range(start, end)}
    kept = [i for i in range(len(text)) if i not in cut]
    # join the pieces with single spaces: "the best part is  2:19" reads as "... is 2:19"
    squeezed = [i for n, i in enumerate(kept) if not (text[i] == " " and (n == 0 or text[kept[n - 1]] == " "))]
    while squeezed and text[squeezed[-1]] == " ":
        squeezed.pop()
    return NormalizedText("".join(text[i] for i in squeezed), tuple(origin[i] for i in squeezed), normalized.evasions)
