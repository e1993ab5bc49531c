"""Why a score is what it is: the linear model's per-feature contributions (weight times feature
value, in log-odds of the calibrated probability), gathered into reasons people can read and spans
of the comment."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from operator import truediv
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.pipeline import Pipeline

from moderation.domain import Reason, Span
from moderation.scoring.fast import HashedColumns
from moderation.scoring.pipelines import TOKEN_PATTERN
from moderation.table import Table
from moderation.text.normalize import NormalizedText
from moderation.text.signals import EMAIL, find_emails, find_links, find_phones, phone_matches

WORD = re.compile(r"\S+")
PUNCTUATION = ".,;:!?()\"'"
NAME_TERM = re.compile(TOKEN_PATTERN)  # a name is tokenised as the word n-grams tokenise the text
MAX_REASONS = 6
MAX_SPANS = 8
MIN_WEIGHT = 0.05  # log-odds; weaker signals are not worth a reader's time
MIN_SPAN_WEIGHT = 0.01
GRAM_CACHE_SIZE = 1 << 12  # distinct short words whose character n-grams are kept (~12 MB)
GRAM_CACHE_MAX_CHARS = 24  # longer tokens (links, run-together spam) are split each time


@dataclass(frozen=True)
class Contributions:
    """One comment's contributions, by feature group; ``raw`` holds unscaled dense feature values."""

    terms: dict[str, float]
    chars: dict[str, float]
    dense: dict[str, float]
    raw: dict[str, float]
    means: dict[str, float]


class LinearExplainer:
    """Reads contributions out of a fitted pipeline ``features -> CalibratedClassifierCV(LR)``.

    Hashed term blocks (``HashingVectorizer``) have no names: a comment's own terms are hashed to
    find their columns, and terms of one comment that share a column share its contribution."""

    def __init__(self, pipeline: Pipeline) -> None:
        features = pipeline.named_steps["features"]
        calibrated = pipeline.named_steps["classifier"]
        inner = calibrated.calibrated_classifiers_[0]
        # In log-odds of the calibrated probability: the sigmoid calibration is
        # p = 1 / (1 + exp(a * decision + b)), so each term of the decision counts -a times.
        self.coef = -inner.calibrators[0].a_ * inner.estimator.coef_.ravel()
        # (name, output columns, scaler or None, names or hasher, input column) of each block, in
        # the order transform stacks them
        self.blocks: list[tuple[str, slice, Any, Any, Any]] = []
        for name, transformer, columns in features.transformers_:
            if transformer == "drop":
                continue
            steps = transformer.named_steps if isinstance(transformer, Pipeline) else {}
            scaler = steps.get("scale")
            hasher = steps.get("hash")
            if isinstance(hasher, HashingVectorizer):
                terms: Any = HashedTerms(hasher.build_analyzer(), HashedColumns(hasher.n_features))
            else:
                terms = [str(n) for n in transformer.get_feature_names_out()]
            self.blocks.append((name, features.output_indices_[name], scaler, terms, columns))

    def contributions(self, blocks: list[Any], i: int, table: Table | None = None) -> Contributions:
        """Contributions of row ``i`` of transformed blocks (see ``moderation.scoring.fast``);
        ``table`` holds the rows' input columns, needed to name hashed terms (left out without)."""
        found: dict[str, dict[str, float]] = {"word": {}, "char": {}, "author": {}}
        dense: dict[str, float] = {}
        raw: dict[str, float] = {}
        means: dict[str, float] = {}
        for (group, part, scaler, names, column), block in zip(self.blocks, blocks, strict=True):
            at = part.start  # block column k is feature at + k (no slicing: vocabularies are long)
            if scaler is not None:  # a scaled dense block: our signals and similarities
                values = (block[i].toarray() if sparse.issparse(block) else np.asarray(block[i])).ravel()
                dense.update(zip(names, (self.coef[at : at + len(values)] * values).tolist(), strict=True))
                raw.update(zip(names, (values * scaler.scale_ + scaler.mean_).tolist(), strict=True))
                means.update(zip(names, scaler.mean_.tolist(), strict=True))
            elif group in found:
                start, end = block.indptr[i], block.indptr[i + 1]
                columns, values = block.indices[start:end], block.data[start:end]
                if isinstance(names, HashedTerms):
                    if table is not None:
                        value_of = dict(zip(columns.tolist(), values.tolist(), strict=True))
                        found[group].update(_hashed_terms(names, str(table[column][i]), value_of, self.coef, at))
                    continue
                weights = (self.coef[at + columns] * values).tolist()
                found[group].update(zip(map(names.__getitem__, columns.tolist()), weights, strict=True))
        terms = dict(found["word"])
        for name, weight in found["author"].items():
            terms[f"author:{name}"] = weight
        return Contributions(terms=terms, chars=found["char"], dense=dense, raw=raw, means=means)


@dataclass(frozen=True)
class HashedTerms:
    """How a hashed block finds a text's terms and their columns (built once per explainer)."""

    analyze: Callable[[str], list[str]]
    columns: HashedColumns


def _hashed_terms(
    hashed: HashedTerms, text: str, value_of: dict[int, float], coef: np.ndarray, at: int
) -> dict[str, float]:
    """The contribution of each distinct term of ``text`` in a hashed block: its column's weight
    times value, shared between the text's terms hashed to that column."""
    by_column: dict[int, list[str]] = defaultdict(list)
    for term in dict.fromkeys(hashed.analyze(text)):
        by_column[hashed.columns[term]].append(term)
    return {
        term: float(coef[at + k] * value_of[k]) / len(terms)
        for k, terms in by_column.items()
        if k in value_of
        for term in terms
    }


def _char_grams(token: str) -> tuple[str, ...]:
    """The distinct character 2- to 5-grams of a word inside its spaces, as the char_wb vectorizers
    see it (the spam model's 2- to 5-grams, and the off-topic model's 2- and 3-grams among them).
    A tuple of strings, not a frozenset: the garbage collector stops tracking such a tuple the
    first time it meets it, while each cached frozenset was traversed at every collection (a
    young-generation collection after 300 comments: 4.8 ms with frozensets, 3.5 with tuples;
    BENCHMARKS.md)."""
    return _cached_char_grams(token) if len(token) <= GRAM_CACHE_MAX_CHARS else _split_char_grams(token)


def _split_char_grams(token: str) -> tuple[str, ...]:
    padded = f" {token} "
    return tuple(dict.fromkeys(padded[a : a + n] for n in range(2, 6) for a in range(len(padded) - n + 1)))


_cached_char_grams = lru_cache(maxsize=GRAM_CACHE_SIZE)(_split_char_grams)


def word_weights(contributions: Contributions, clean: str) -> list[tuple[int, int, str, float]]:
    """Each word of the clean text with its share of the word and character n-gram contributions."""
    tokens = [(m.start(), m.end(), m.group(0)) for m in WORD.finditer(clean)]
    chars = contributions.chars
    weights = [0.0] * len(tokens)
    if chars:
        grams_of = [chars.keys() & _char_grams(token) for _, _, token in tokens]
        holders = Counter(chain.from_iterable(grams_of))  # a gram's weight is shared by its words
        share, count = chars.__getitem__, holders.__getitem__
        weights = [sum(map(truediv, map(share, grams), map(count, grams))) for grams in grams_of]
    stripped = [token.strip(PUNCTUATION) for _, _, token in tokens]
    positions: dict[str, list[int]] = defaultdict(list)
    for i, word in enumerate(stripped):
        positions[word].append(i)
    for term, weight in contributions.terms.items():
        if term.startswith("author:"):
            continue
        parts = term.split(" ")  # a bigram's weight is shared by its two words
        for part in parts:
            # link tokens ("pills.example") also sit inside longer words ("http://pills.example/x")
            matches = [i for i, word in enumerate(stripped) if part in word] if "." in part else positions.get(part, [])
            for i in matches:  # and a repeated word's by its occurrences
                weights[i] += weight / len(parts) / len(matches)
    return [(s, e, t, w) for (s, e, t), w in zip(tokens, weights, strict=True)]


def _signal_spans(contributions: Contributions, clean: str) -> list[tuple[int, int, float]]:
    """Clean-text spans of the links, phone numbers and e-mail addresses whose signals pushed the
    spam score up, each with its share of that push."""
    weight_of = contributions.dense
    found: list[tuple[int, int, float]] = []
    groups = [
        (
            weight_of.get("links", 0.0) + weight_of.get("link_domains", 0.0),
            [(k.start, k.end) for k in find_links(clean)],
        ),
        (weight_of.get("phones", 0.0), [m.span() for m in phone_matches(clean)]),
        (weight_of.get("emails", 0.0), [m.span() for m in EMAIL.finditer(clean)]),
    ]
    for weight, spans in groups:
        if weight > 0 and spans:
            found.extend((start, end, weight / len(spans)) for start, end in spans)
    return found


def spam_spans(
    words: list[tuple[int, int, str, float]], contributions: Contributions, normalized: NormalizedText
) -> tuple[Span, ...]:
    """The raw-text spans of the words, links, phone numbers and addresses that pushed the spam
    score up the most."""
    candidates = [(s, e, w) for s, e, _, w in words if w >= MIN_SPAN_WEIGHT]
    candidates += _signal_spans(contributions, normalized.text)
    merged: list[list[float]] = []  # overlapping spans (a word inside a link) become one
    for start, end, weight in sorted(candidates):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2] += weight
        else:
            merged.append([start, end, weight])
    ranked = sorted(merged, key=lambda m: -m[2])[:MAX_SPANS]
    spans = [Span(*normalized.raw_span(int(start), int(end)), round(weight, 3)) for start, end, weight in ranked]
    return tuple(sorted(spans, key=lambda span: span.start))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _name_words(n: int) -> str:
    return "no author name" if n == 0 else f"author name of {_plural(n, 'word')}"


# What a count or flag signal says when the comment has it, and when it has none: a signal can
# weigh in while absent (no disguised text makes spam less likely), and its reason must not then
# read as if the comment had it.
PRESENCE_TEXTS = {
    "html_anchors": ("HTML or BBCode links in the text", "no HTML or BBCode links"),
    "evasions": (
        "disguised text (lookalike letters, hidden characters, spaced-out or leet words)",
        "no disguised text",
    ),
    "author_url": ("the author gave a website", "the author gave no website"),
    "author_url_in_text": (
        "the author's website is also linked in the text",
        "the author's website is not in the text",
    ),
    "author_name_digits": ("digits in the author name", "no digits in the author name"),
    "author_name_link": ("the author name is a web address", "the author name is not a web address"),
    "author_name_lower": ("author name all in lower case", "author name not all in lower case"),
    "self_promotion": (
        "points readers to the author's own channel, blog or page",
        "no pointer to the author's own pages",
    ),
    "calls_to_action": (
        "asks readers to subscribe, follow, visit, like or share",
        "no call to subscribe, follow, visit, like or share",
    ),
}


def _signal_text(name: str, clean: str, raw: dict[str, float], context: dict[str, str]) -> str | None:
    if name in ("links", "link_domains"):
        links = find_links(clean)
        domains = sorted({link.domain for link in links})
        if not links:
            return "no links"
        return f"links: {_plural(len(links), 'link')} to {_plural(len(domains), 'domain')} ({', '.join(domains[:3])})"
    if name == "phones":
        phones = find_phones(clean)
        return f"phone number {phones[0]}" if phones else "no phone number"
    if name == "emails":
        emails = find_emails(clean)
        return f"e-mail address {emails[0]}" if emails else "no e-mail address"
    if name in PRESENCE_TEXTS:
        present, absent = PRESENCE_TEXTS[name]
        return present if raw.get(name, 0) > 1e-6 else absent
    texts = {
        "author_name_words": _name_words(round(float(np.expm1(raw.get(name, 0))))),
        "uppercase_share": f"{raw.get(name, 0):.0%} of letters in capitals",
        "digit_share": f"{raw.get(name, 0):.0%} of characters are digits",
        "exclamations": f"{round(np.expm1(raw.get(name, 0)))} exclamation marks",
        "length": f"length {round(np.expm1(raw.get(name, 0)))} characters",
        "language_mismatch": f"written in {context['language']}, not a language of this site",
        "language_unreliable": "text too short for a reliable language guess",
    }
    return texts.get(name)


def _term_reasons(words: list[tuple[int, int, str, float]]) -> list[Reason]:
    """A reason for each distinct word whose weight (``word_weights``: its terms' and character
    n-grams' shares) is large enough, all its occurrences summed."""
    by_word: dict[str, float] = defaultdict(float)
    for _, _, token, weight in words:
        by_word[token.strip(PUNCTUATION)] += weight
    return [Reason("term", f'term "{w}"', weight) for w, weight in by_word.items() if w and abs(weight) >= MIN_WEIGHT]


def _name_reasons(
    contributions: Contributions, words: list[tuple[int, int, str, float]], author_name: str
) -> list[Reason]:
    """A reason for each term of the author's name that the text does not hold (the spam model
    reads the name's words with the text's: ``frame.prepare_columns``), and for each term of an
    older model's author-name block."""
    named = set(NAME_TERM.findall(author_name.lower()))
    in_text = {token.strip(PUNCTUATION) for _, _, token, _ in words}
    found = []
    for term, weight in contributions.terms.items():
        if abs(weight) < MIN_WEIGHT:
            continue
        parts = term.split(" ")
        if term.startswith("author:"):
            found.append(Reason("author_name", f'author name has "{term[7:]}"', weight))
        elif named.issuperset(parts) and in_text.isdisjoint(parts):
            found.append(Reason("author_name", f'author name has "{term}"', weight))
    return found


def spam_reasons(
    contributions: Contributions, words: list[tuple[int, int, str, float]], clean: str, context: dict[str, str]
) -> tuple[Reason, ...]:
    """The strongest signals behind a spam score, terms and comment signals alike."""
    candidates = _term_reasons(words) + _name_reasons(contributions, words, context.get("author_name", ""))
    for name, weight in contributions.dense.items():
        text = _signal_text(name, clean, contributions.raw, context) if abs(weight) >= MIN_WEIGHT else None
        if text:
            candidates.append(Reason(name, text, weight))
    return _top(candidates, "spam")


SIMILARITY_TEXTS = {
    "post_words": "similarity to the post's words",
    "title_words": "similarity to the post's title and tags",
    "topic_words": "similarity to the blog's subject",
    "post_chars": "similarity to the post's spelling (character n-grams)",
    "topic_chars": "similarity to the blog's subject (character n-grams)",
    "post_concepts": "similarity to the post's concepts",
    "topic_concepts": "similarity to the blog's subject concepts",
    "post_overlap": "share of the comment's words found in the post",
    "topic_overlap": "share of the comment's words found in the blog's subject",
    "best_match": "best similarity to the post or the blog's subject",
    "comment_words": "distinct longer words in the comment",
}


def off_topic_reasons(contributions: Contributions, words: list[tuple[int, int, str, float]]) -> tuple[Reason, ...]:
    """The strongest signals behind an off-topic score: how similar the comment is to its post and
    the blog's subject, and the comment's own words (``word_weights`` of ``contributions``)."""
    candidates = _term_reasons(words)
    for name, weight in contributions.dense.items():
        if abs(weight) < MIN_WEIGHT or name not in SIMILARITY_TEXTS:
            continue
        value = contributions.raw[name]
        if name == "comment_words":
            text = f"{SIMILARITY_TEXTS[name]} ({round(np.expm1(value))})"
        else:
            level = "low" if value < contributions.means[name] else "high"
            text = f"{level} {SIMILARITY_TEXTS[name]} ({value:.2f})"
        candidates.append(Reason(f"similarity_{name}", text, weight))
    return _top(candidates, "off_topic")


def _top(candidates: list[Reason], task: str) -> tuple[Reason, ...]:
    merged: dict[str, Reason] = {}
    for r in candidates:  # e.g. link count and domain count read as one "links: ..." reason
        seen = merged.get(r.text)
        merged[r.text] = Reason(seen.code if seen else r.code, r.text, r.weight + (seen.weight if seen else 0.0), task)
    ranked = sorted(merged.values(), key=lambda r: -abs(r.weight))[:MAX_REASONS]
    return tuple(Reason(r.code, r.text, round(r.weight, 3), task) for r in ranked)
