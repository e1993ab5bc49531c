"""Text normalisation that undoes the usual tricks spammers use to get past word filters.

Every step keeps, for each output character, the index of the input character it came from, so that
whatever the model finds in the clean text can be pointed at in the comment the author wrote.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u2061\u2062\u2063"
ZERO_WIDTH = dict.fromkeys(map(ord, ZERO_WIDTH_CHARS))
ZERO_WIDTH_RUN = re.compile(f"[{ZERO_WIDTH_CHARS}]+")

# Cyrillic and Greek letters that look like Latin ones; only swapped inside words that also hold
# Latin letters, so that genuine Russian or Greek text is left alone.
LOOKALIKES = str.maketrans(
    "аеорсухіјѕԁһӏԛԝѵАВЕКМНОРСТХІЈЅοαρτνικΑΒΕΗΙΚΜΝΟΡΤΧΥΖ",
    "aeopcyxijsdhlqwvABEKMHOPCTXIJSoaptvikABEHIKMNOPTXYZ",
)
LEET = str.maketrans("01345$7", "oieasst")

FORMATTING_TAGS = frozenset(
    [
        "a",
        "br",
        "p",
        "b",
        "i",
        "u",
        "em",
        "strong",
        "ul",
        "ol",
        "li",
        "blockquote",
        "q",
        "cite",
        "code",
        "pre",
        "hr",
        "s",
        "strike",
        "small",
        "sub",
        "sup",
    ]
)
TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9]*)([^<>]{0,2000})>|<!--.*?-->", re.S)
HREF = re.compile(r"""href\s*=\s*["']?([^"'\s>]+)""", re.I)
ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});?")
BBCODE = re.compile(r"\[/?(?:url|link|b|i|u|img|color|size)(?:=([^\]\s]+))?\]", re.I)
MIXED_WORD = re.compile(r"\w*[^\W\d_]\w*", re.U)
SPACED = re.compile(r"(?<![^\W\d_])(?:[^\W\d_][ .\-_*·•]){3,}[^\W\d_](?![^\W\d_])")
LEET_DIGIT = re.compile(r"(?<=[^\W\d_])[013457$](?=[^\W\d_])")
# Whole tokens (runs of non-space) holding a character leetspeak uses; other tokens never change.
LEET_TOKEN = re.compile(r"(?<!\S)\S*[013457$]\S*")
DEFANGED = re.compile(r"\[\.\]|\(\.\)|\{\.\}|\s*\((?:dot|punkt)\)\s*|\s+\[dot\]\s+|hxxps?(?=://)", re.I)
# A domain spelt with its dot spaced out ("marketglory . com/game"): a space on both sides of the dot
# and an ending written in lower case that only domains have. Prose keeps its words: with "me",
# "it" or "live" a sentence would become a link, and a capital starts one ("texto . Com certeza",
# "tipset . Info finns"); "dot" and "punkt" as words are left alone ("the dot com bubble").
SPACED_DOT = re.compile(r"(?<=[a-z0-9-]{3}) +\. +(?=(?:com|net|org|ru|xyz)(?![^\W\d_]))")
# White space runs other than a single space (those would be replaced by themselves).
SPACES = re.compile(r"\s{2,}|[^\S ]")


@dataclass(frozen=True)
class NormalizedText:
    """Clean, lower-cased text; ``origin[i]`` is the index in the raw text of ``text[i]``."""

    text: str
    origin: tuple[int, ...]
    evasions: Counter[str]

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The raw-text span covering clean characters ``start:end`` (end exclusive)."""
        return self.origin[start], self.origin[end - 1] + 1


class _Mapped:
    """A string under construction, with the raw index of each character."""

    def __init__(self, raw: str) -> None:
        self.text = raw
        self.origin = list(range(len(raw)))
        self.evasions: Counter[str] = Counter()

    def sub(
        self,
        pattern: re.Pattern[str],
        repl: Callable[[re.Match[str]], str],
        evasion: str,
        counts: Callable[[re.Match[str]], bool] = bool,
    ) -> None:
        """Replace each match by ``repl(match)``; replaced matches for which ``counts`` holds are
        counted as ``evasion``."""
        pieces: list[str] = []
        origin: list[int] = []
        last = 0
        for match in pattern.finditer(self.text):
            new = repl(match)
            if new == match.group(0):
                continue
            pieces.append(self.text[last : match.start()])
            origin.extend(self.origin[last : match.start()])
            pieces.append(new)
            origin.extend(self._spread(match.start(), match.end(), len(new)))
            last = match.end()
            if counts(match):
                self.evasions[evasion] += 1
        if last:
            pieces.append(self.text[last:])
            origin.extend(self.origin[last:])
            self.text = "".join(pieces)
            self.origin = origin

    def _spread(self, start: int, end: int, length: int) -> list[int]:
        """Raw positions for ``length`` new characters replacing ``text[start:end]``: one to one
        when the lengths agree, else spread evenly over the replaced characters."""
        old = self.origin[start:end]
        if not old:
            return [self.origin[start - 1] if start else 0] * length
        return [old[min(len(old) - 1, k * len(old) // length)] for k in range(length)]

    def map_chars(self, fn: Callable[[str], str], evasion: str, counts: Callable[[str], bool] = bool) -> None:
        """Replace each character by ``fn(ch)``; changed characters for which ``counts`` holds are
        counted as ``evasion``."""
        pieces: list[str] = []
        origin: list[int] = []
        changed = counted = 0
        for ch, at in zip(self.text, self.origin, strict=True):
            new = fn(ch)
            if new != ch:
                changed += 1
                counted += counts(ch)
            pieces.append(new)
            origin.extend([at] * len(new))
        if counted:
            self.evasions[evasion] += counted
        if changed:
            self.text = "".join(pieces)
            self.origin = origin


def _tag(match: re.Match[str]) -> str:
    href = HREF.search(match.group(3) or "")
    return f" {href.group(1)} " if href else " "


def _nfkc(ch: str) -> str:
    return ch if ch.isascii() else unicodedata.normalize("NFKC", ch)


def _unmix(match: re.Match[str]) -> str:
    word = match.group(0)
    if word.isascii():
        return word
    has_latin = any("a" <= c.lower() <= "z" for c in word)
    return word.translate(LOOKALIKES) if has_latin else word


def _splits_a_word(run: re.Match[str]) -> bool:
    """Whether invisible characters sit inside a word of an alphabet that never joins with them
    ("ca\u200bsino"): that hides the word from filters. Elsewhere they are not tricks: a byte order
    mark at either end of pasted text, the joiner inside an emoji sequence, the (non-)joiners that
    Devanagari, Persian and other scripts write inside words."""
    text = run.string
    before = text[run.start() - 1] if run.start() else ""
    after = text[run.end()] if run.end() < len(text) else ""
    return _alphabetic(before) and _alphabetic(after)


def _alphabetic(ch: str) -> bool:
    # Latin, Greek, Cyrillic and Armenian (below Hebrew, U+0590), and Latin and Greek extended
    # (Vietnamese letters among them); digits too
    return ch.isalnum() and (ord(ch) < 0x590 or 0x1E00 <= ord(ch) < 0x2000)


def _unleet(match: re.Match[str]) -> str:
    token = match.group(0)
    if any(c in token for c in "./:@") or not any(c.isdigit() or c == "$" for c in token):
        return token  # links, e-mail addresses and plain words keep their digits
    return LEET_DIGIT.sub(lambda c: c.group(0).translate(LEET), token)


def normalize(raw: str) -> NormalizedText:
    """Undo HTML, entities, zero-width characters, lookalike letters, leetspeak, spaced-out words
    and defanged links, then fold case and white space."""
    m = _Mapped(raw)
    # Each pattern below is looked for only in a text holding a character it needs: most comments
    # hold no markup, entity or defanged link, and a membership test costs less than a regex scan.
    # Line breaks, paragraphs and emphasis are formatting, and links are counted on their own;
    # other markup (styled, hidden, framed) and letters written as entities are tricks.
    if "<" in m.text:
        m.sub(TAG, _tag, "html_tags", counts=lambda t: (t.group(2) or "").lower() not in FORMATTING_TAGS)
    if "[" in m.text:
        m.sub(BBCODE, lambda b: f" {b.group(1)} " if b.group(1) else " ", "bbcode")
    if "&" in m.text:
        m.sub(
            ENTITY,
            lambda e: html.unescape(e.group(0)),
            "html_entities",
            counts=lambda e: html.unescape(e.group(0)).isalnum(),
        )
    if m.text.translate(ZERO_WIDTH) != m.text:
        m.sub(ZERO_WIDTH_RUN, lambda z: "", "zero_width", counts=_splits_a_word)
    if not unicodedata.is_normalized("NFKC", m.text):
        # full-width or styled letters and digits are a trick; no-break spaces and ellipses are not
        m.map_chars(_nfkc, "unicode_compat", counts=str.isalnum)
    if not m.text.isascii():  # lookalikes are Cyrillic and Greek letters
        m.sub(MIXED_WORD, _unmix, "lookalike_letters")
    if any(c in m.text for c in "([{") or "hxx" in m.text.lower():
        m.sub(DEFANGED, lambda d: "http" if d.group(0).lower().startswith("hxxp") else ".", "defanged_links")
    if " ." in m.text:
        m.sub(SPACED_DOT, lambda d: ".", "defanged_links")
    m.sub(SPACED, lambda s: s.group(0)[::2], "spaced_letters")
    m.sub(LEET_TOKEN, _unleet, "leetspeak")
    folded = m.text.casefold()
    if len(folded) == len(m.text):
        m.text = folded  # one to one: positions unchanged
    else:
        m.map_chars(str.casefold, "case")
        m.evasions.pop("case", None)
    m.sub(SPACES, lambda s: " ", "space")
    m.evasions.pop("space", None)
    start = len(m.text) - len(m.text.lstrip())
    end = len(m.text.rstrip())
    return NormalizedText(m.text[start:end], tuple(m.origin[start:end]), m.evasions)
