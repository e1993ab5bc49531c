"""langdetect's algorithm, one seeded trial, computed with numpy instead of one n-gram at a time.

langdetect cleans the text, lists its character 1- to 3-grams found in the language profiles, then
draws n-grams at random (with a seeded ``random.Random``), multiplying each language's probability
by the drawn n-gram's frequency in that language, until one language passes 0.99999 (checked
every fifth draw) or a thousand draws. With a fixed seed and one trial the draws depend only on
how many n-grams the text has, so they are drawn once per count and reused; the products become
cumulative sums of logarithms over the drawn rows of a profile matrix. The same n-grams, the same
draws, the same stopping rule: the probabilities equal langdetect's up to rounding (tests compare
the two). The n-grams of a word depend on the word alone, so they are listed once per word.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from functools import lru_cache, partial
from itertools import chain
from operator import is_not
from random import Random

import numpy as np
from langdetect.detector import Detector
from langdetect.detector_factory import DetectorFactory
from langdetect.utils.ngram import NGram

LATIN = re.compile("[A-z]")  # langdetect's 'A' <= ch <= 'z', brackets and underscore included
# From U+0300 on: langdetect means to leave out Latin Extended Additional, but compares the block's
# number with its name, so every character from U+0300 counts.
NON_LATIN = re.compile("[\u0300-\U0010ffff]")
SPACE_RUNS = re.compile(" {2,}")
WORD_CACHE_SIZE = 1 << 15
CHECK_EVERY = 5
FIRST_DRAWS = 64
KNOWN = partial(is_not, None)  # most texts converge within these; the rest draw up to the limit


def choice_draws(random: Random, count: int, wanted: int) -> list[int]:
    """The next ``random.choice(range(count))`` draws, at least ``wanted`` of them, at once.

    ``choice`` takes ``getrandbits(k)`` (``k = count.bit_length()``: the top ``k`` bits of one 32-bit
    Mersenne Twister word) until it is below ``count``; ``getrandbits(32 * m)`` returns the next
    ``m`` words, least significant first. So the words' top bits, those below ``count`` kept, are the
    same draws; words drawn past the last kept one are words ``choice`` would have turned down."""
    words = 2 * wanted + 8  # over half of all words are kept
    block = np.frombuffer(random.getrandbits(32 * words).to_bytes(4 * words, "little"), dtype="<u4")
    drawn = block >> (32 - count.bit_length())
    return drawn[drawn < count].tolist()


class _Normalized(dict[int, str]):
    """``str.translate`` table of langdetect's per-character ``NGram.normalize``, filled on use."""

    def __missing__(self, code: int) -> str:
        self[code] = NGram.normalize(chr(code))
        return self[code]


class NgramProfiles:
    """A langdetect factory's profiles as arrays: its languages, each n-gram's row and frequencies,
    and the rows of a text's n-grams (each word's found once, then cached). Every seeded trial
    (``NgramDetector``) shares one: the index and the word cache are the same for all seeds."""

    def __init__(self, factory: DetectorFactory) -> None:
        self.languages = list(factory.langlist)
        grams = factory.word_lang_prob_map
        self._row = {gram: i for i, gram in enumerate(grams)}
        self.frequencies = np.asarray(list(grams.values()), dtype=np.float64)
        self._table = _Normalized()
        self._word_rows = lru_cache(maxsize=WORD_CACHE_SIZE)(self._rows_of_word)

    def rows(self, text: str) -> list[int]:
        """Profile rows of the text's n-grams, in langdetect's order (``Detector.append``, then
        ``Detector._extract_ngrams``)."""
        words = self._clean(text).translate(self._table).split(" ")
        last = len(words) - 1
        return list(chain.from_iterable(self._word_rows(w, i < last) for i, w in enumerate(words) if w))

    @staticmethod
    def _clean(text: str) -> str:
        """Detector.append, then Detector.cleaning_text."""
        text = Detector.URL_RE.sub(" ", text)
        text = Detector.MAIL_RE.sub(" ", text)
        text = NGram.normalize_vi(text)
        text = SPACE_RUNS.sub(" ", text[:10000])
        if len(LATIN.findall(text)) * 2 < len(NON_LATIN.findall(text)):
            text = LATIN.sub("", text)
        return text

    def _rows_of_word(self, word: str, space_after: bool) -> tuple[int, ...]:
        # NGram.add_char on " word" (a space resets the buffer), then on the space after it: at each
        # character the last 1, 2 and 3 characters, except inside a run of capitals
        padded = " " + word
        grams = [
            padded[j - n + 1 : j + 1]
            for j in range(1, len(padded))
            if not (j >= 2 and padded[j].isupper() and padded[j - 1].isupper())
            for n in (1, 2, 3)[: j + 1]
        ]
        if space_after:  # the buffer becomes the last two characters and the space
            grams += (padded[-1] + " ", padded[-2:] + " ")
        return tuple(filter(KNOWN, map(self._row.get, grams)))


class NgramDetector:
    """One seeded trial over shared profiles; ``probabilities`` as langdetect's
    ``get_probabilities`` with ``n_trial = 1`` and the factory's seed set to ``seed``."""

    def __init__(self, profiles: NgramProfiles, seed: int) -> None:
        self.profiles = profiles
        self.languages = profiles.languages
        self._seed = seed
        alpha = Detector.ALPHA_DEFAULT + Random(seed).gauss(0.0, 1.0) * Detector.ALPHA_WIDTH
        weight = alpha / Detector.BASE_FREQ
        # log(weight + frequency) of every n-gram in every language, taken once instead of per draw
        self._log_factors = np.log(weight + profiles.frequencies)
        self._draws: dict[int, tuple[Random, list[int]]] = {}
        self._lock = threading.Lock()

    def probabilities(self, text: str) -> list[tuple[str, float]]:
        """Languages above 0.1, most probable first; empty when the text has no known n-gram."""
        return self.probabilities_of_rows(self.profiles.rows(text))

    def probabilities_of_rows(self, rows: Sequence[int]) -> list[tuple[str, float]]:
        """``probabilities`` of a text whose n-grams' rows (``NgramProfiles.rows``) are ``rows``."""
        if not rows:
            return []
        start, end, before = 0, FIRST_DRAWS, None
        while True:  # draw on, in longer stretches, from where the last one ended
            factors = self._factors(rows, start, end, before)
            stop = self._stop(factors, start)
            if stop is not None:
                break
            start, end, before = end, min(4 * end, Detector.ITERATION_LIMIT + 1), factors[-1]
        final = factors[stop]
        prob = np.exp(final - final.max())
        prob /= prob.sum()
        ranked = [(lang, float(p)) for lang, p in zip(self.languages, prob.tolist(), strict=True)]
        ranked = [item for item in ranked if item[1] > Detector.PROB_THRESHOLD]
        return sorted(ranked, key=lambda item: -item[1])

    def _picks(self, count: int, start: int, end: int) -> list[int]:
        """Draws ``start:end`` of ``Random(seed).choice`` over ``count`` n-grams, after the gauss."""
        with self._lock:
            if count not in self._draws:
                random = Random(self._seed)
                random.gauss(0.0, 1.0)
                self._draws[count] = (random, [])
            random, picks = self._draws[count]
            while len(picks) < end:
                picks += choice_draws(random, count, end - len(picks))
            return picks[start:end]

    def _factors(self, rows: Sequence[int], start: int, end: int, before: np.ndarray | None) -> np.ndarray:
        """Cumulative log-probabilities after each of draws ``start:end``, from ``before``."""
        drawn = np.asarray(rows)[self._picks(len(rows), start, end)]
        factors = np.cumsum(self._log_factors[drawn], axis=0)
        return factors if before is None else factors + before

    @staticmethod
    def _stop(factors: np.ndarray, start: int) -> int | None:
        """Where in ``factors`` (draws from ``start``) langdetect stops: the first fifth draw whose
        top probability passes the threshold, or the limit; None when neither is there."""
        first = -start % CHECK_EVERY
        checked = factors[first::CHECK_EVERY]
        top = 1.0 / np.exp(checked - checked.max(axis=1, keepdims=True)).sum(axis=1)
        passed = np.flatnonzero(top > Detector.CONV_THRESHOLD)
        if passed.size:
            return first + int(passed[0]) * CHECK_EVERY
        if start + len(factors) > Detector.ITERATION_LIMIT:
            return Detector.ITERATION_LIMIT - start
        return None
