"""Language detection with langdetect: seeded, cached, and cheap enough to run on every comment.

langdetect at its defaults compares each sampled n-gram against 55 language profiles in seven random
trials over the whole text. Comments need much less: scripts that only one language in our set
writes are decided without sampling, the profiles are limited to the languages blogs and our data
use, the text is cut to its first characters, and one trial is run with a fixed seed, its draws
computed with numpy (``moderation.text.detector``: langdetect's answers, faster). The figures are
in BENCHMARKS.md.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import langdetect
from langdetect.detector_factory import DetectorFactory
from langdetect.utils.lang_profile import LangProfile

from moderation.text.detector import NgramDetector, NgramProfiles

PROFILE_LANGUAGES = (
    "sv", "en", "de", "fr", "es", "nl", "da", "no", "fi", "it", "pt", "pl", "cs", "et", "hu",
    "ro", "tr", "ru", "uk", "bg", "id", "vi", "hr", "lt", "lv",
)  # fmt: skip
# A script that, within our profiles or beyond them, one language writes.
SCRIPT_LANGUAGES = {
    "HANGUL": "ko", "HIRAGANA": "ja", "KATAKANA": "ja", "THAI": "th", "GREEK": "el",
    "HEBREW": "he", "ARABIC": "ar", "DEVANAGARI": "hi", "BENGALI": "bn", "GEORGIAN": "ka",
    "ARMENIAN": "hy", "TAMIL": "ta", "CJK": "zh",
}  # fmt: skip
MAX_CHARS = 300
ASCII_LETTER = re.compile("[A-Za-z]")  # str.isalpha() on ASCII text
TRIALS = 1
# Trials run, as langdetect does by default, before a text is said to be in a language its site
# does not write: one trial's answer is all-or-nothing ("still a very fun music video to watch!"
# came out Italian at 1.0 in one trial; langdetect's seven say English 0.86, Italian 0.14).
CONFIRMING_TRIALS = 7
# ... unless the first two agree on the winner: the text is then plainly in that language (most
# comments confirmed are), and more trials would cost ~0.3 ms each to say the same.
AGREEING_TRIALS = 2
SHORT_TEXT = 25  # letters; below this a guess is unreliable and is said to be
UNKNOWN = "und"
# Languages langdetect confuses on short texts; on a site that writes one of them, the site wins.
RELATIVES = [{"sv", "no", "da"}, {"cs", "sk"}, {"ru", "uk", "bg"}, {"id", "ms"}, {"hr", "sr", "bs"}]


@dataclass(frozen=True)
class LanguageGuess:
    """The most probable language, its probability, and whether the text was too short to trust.

    ``ranked`` holds every candidate langdetect kept, most probable first.
    """

    language: str
    confidence: float
    reliable: bool
    ranked: tuple[tuple[str, float], ...] = ()

    def for_site(self, site_languages: tuple[str, ...] | list[str]) -> LanguageGuess:
        """The guess seen by a site that writes ``site_languages``: a site language that langdetect
        also found plausible (or a close relative of the winner) is taken over the winner."""
        if not site_languages or self.language in site_languages:
            return self
        for language, probability in self.ranked:
            if language in site_languages and probability >= 0.2:
                return LanguageGuess(language, probability, self.reliable, self.ranked)
        for group in RELATIVES:
            if self.language in group:
                for language in site_languages:
                    if language in group:
                        return LanguageGuess(language, self.confidence, self.reliable, self.ranked)
        return self


@lru_cache(maxsize=1)
def _profiles() -> NgramProfiles:
    """langdetect's profiles of our languages, read once per process and shared by every trial."""
    factory = DetectorFactory()
    folder = Path(langdetect.__file__).parent / "profiles"
    for index, code in enumerate(PROFILE_LANGUAGES):
        profile = json.loads((folder / code).read_text(encoding="utf-8"))
        factory.add_profile(LangProfile(**profile), index, len(PROFILE_LANGUAGES))
    return NgramProfiles(factory)


_DETECTORS: dict[int, NgramDetector] = {}


def _detector(seed: int = 0) -> NgramDetector:
    """The seeded trial ``seed`` (langdetect's algorithm on ``_profiles``), built on first use."""
    if seed not in _DETECTORS:
        _DETECTORS[seed] = NgramDetector(_profiles(), seed)
    return _DETECTORS[seed]


def load_detectors() -> None:
    """Build every trial's detector now rather than on the first comments that need them (the
    profiles once, then about 5 MiB of log-frequencies per seed): the service calls this while
    warming up a model."""
    for seed in range(CONFIRMING_TRIALS):
        _detector(seed)


@lru_cache(maxsize=4096)
def _script(ch: str) -> str | None:
    """The script of ``SCRIPT_LANGUAGES`` a letter's Unicode name starts with, if any."""
    name = unicodedata.name(ch, "")
    return next((script for script in SCRIPT_LANGUAGES if name.startswith(script)), None)


def _script_language(text: str) -> str | None:
    counts: dict[str, int] = {}
    letters = 0
    for ch in text:
        if not ch.isalpha():
            continue
        letters += 1
        if ch.isascii():
            continue
        script = _script(ch)
        if script is not None:
            counts[script] = counts.get(script, 0) + 1
    if not counts or letters == 0:
        return None
    script, count = max(counts.items(), key=lambda kv: kv[1])
    if count / letters < 0.5:
        return None
    if script == "CJK" and (counts.get("HIRAGANA", 0) or counts.get("KATAKANA", 0)):
        return "ja"
    return SCRIPT_LANGUAGES[script]


def detect_for_site(text: str, site_languages: tuple[str, ...]) -> LanguageGuess:
    """The language of ``text`` as a site writing ``site_languages`` sees it (``for_site``). A text
    long enough to trust that one trial puts in another language is looked at again, trial by
    trial, until ``AGREEING_TRIALS`` agree or ``CONFIRMING_TRIALS`` have run: most comments are
    in the site's language and pay for one."""
    guess = detect_language(text)
    # guess.ranked is empty when the script alone decided (no trial to repeat)
    if site_languages and guess.language not in site_languages and guess.reliable and guess.ranked:
        guess = detect_language(text, trials=CONFIRMING_TRIALS)
    return guess.for_site(site_languages)


@lru_cache(maxsize=65536)
def detect_language(text: str, trials: int = TRIALS) -> LanguageGuess:
    """Guess the language of ``text`` (ISO 639-1, or ``und``), deterministically: the mean of
    ``trials`` seeded trials' probabilities."""
    sample = text[:MAX_CHARS]
    ascii_only = sample.isascii()
    letters = len(ASCII_LETTER.findall(sample)) if ascii_only else sum(map(str.isalpha, sample))
    if letters == 0:
        return LanguageGuess(UNKNOWN, 0.0, False)
    by_script = None if ascii_only else _script_language(sample)
    if by_script:
        return LanguageGuess(by_script, 1.0, letters >= SHORT_TEXT // 3)
    ranked = _ranked(sample, trials)
    if not ranked:  # no n-gram of any profile
        return LanguageGuess(UNKNOWN, 0.0, False)
    language, confidence = ranked[0]
    return LanguageGuess(language, round(confidence, 4), letters >= SHORT_TEXT, tuple(ranked))


def clear_caches() -> None:
    """Forget every guess and trial kept, so the next texts are detected afresh (for benchmarks and
    tests that time or compare that work)."""
    detect_language.cache_clear()
    _first_trial.cache_clear()


@lru_cache(maxsize=256)
def _first_trial(sample: str) -> tuple[Sequence[int], Sequence[tuple[str, float]]]:
    """The rows of the sample's n-grams and the first trial's answer on them (shared: callers never
    change them). Kept for a moment: a text confirmed in ``detect_for_site`` has just been guessed
    with that same trial, and its n-grams are the same for every trial; only the draws differ."""
    rows = _profiles().rows(sample)
    return rows, _detector(0).probabilities_of_rows(rows)


def _ranked(sample: str, trials: int) -> Sequence[tuple[str, float]]:
    rows, first = _first_trial(sample)
    if trials == 1:
        return first
    runs = [first]
    for seed in range(1, trials):
        runs.append(_detector(seed).probabilities_of_rows(rows))
        if len(runs) == AGREEING_TRIALS and len({run[0][0] for run in runs if run}) == 1:
            break
    totals: dict[str, float] = {}
    for run in runs:
        for language, probability in run:
            totals[language] = totals.get(language, 0.0) + probability / len(runs)
    return sorted(totals.items(), key=lambda kv: -kv[1])
