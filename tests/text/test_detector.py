"""The numpy detector gives langdetect's answers (one seeded trial, our profiles)."""

from __future__ import annotations

import json
from pathlib import Path
from random import Random

import langdetect
import pytest
from langdetect.detector_factory import DetectorFactory
from langdetect.lang_detect_exception import LangDetectException
from langdetect.utils.lang_profile import LangProfile

from moderation.text.detector import NgramDetector, NgramProfiles, choice_draws
from moderation.text.language import PROFILE_LANGUAGES
from moderation.text.normalize import normalize
from moderation.training.corpus import load_seed

TRICKY = [
    "ṗёċäḧ ḅäṅġёṫ s m s 3 0 3🤑",  # more non-Latin than Latin letters: Latin ones dropped
    "Chị ơi cho em hỏi giá sản phẩm này bao nhiêu ạ",  # Vietnamese, combining marks
    "Tiếng Việt có dấu: Hà Nội",
    "THIS IS ALL CAPITALS AND SHOUTING ABOUT CASINO BONUS",
    "MiXeD CaSe WoRdS aNd AB CD",
    "visit https://pills.example/buy now or mail me at someone@example.com",
    "Привет, как дела? hello там",
    "a",
    "  spaces   between\twords\n\nand lines  ",
    "Ça va très bien, merci beaucoup pour l'article !",
    "Şu an çok güzel bir yazı okudum, teşekkürler",
    "ÅÄÖ åäö Ålänning",
    "12345 !!! ???",
    "x" * 400,
]


@pytest.fixture(scope="module")
def factory() -> DetectorFactory:
    made = DetectorFactory()
    made.seed = 0
    folder = Path(langdetect.__file__).parent / "profiles"
    for index, code in enumerate(PROFILE_LANGUAGES):
        profile = json.loads((folder / code).read_text(encoding="utf-8"))
        made.add_profile(LangProfile(**profile), index, len(PROFILE_LANGUAGES))
    return made


def langdetect_probabilities(factory: DetectorFactory, text: str, seed: int = 0) -> list[tuple[str, float]]:
    factory.seed = seed
    detector = factory.create()
    detector.n_trial = 1
    detector.append(text)
    try:
        return [(p.lang, p.prob) for p in detector.get_probabilities()]
    except LangDetectException:
        return []


@pytest.fixture(scope="module")
def profiles(factory: DetectorFactory) -> NgramProfiles:
    return NgramProfiles(factory)


@pytest.mark.parametrize("seed", [0, 3])
def test_same_probabilities_as_langdetect(factory, profiles, seed_dir, seed):
    """Each seed's trial gives langdetect's answers with that seed, over profiles (and a word cache)
    shared with the other seeds."""
    texts = TRICKY + [normalize(t).text[:300] for t in load_seed(seed_dir)["content"].head(400)] + TRICKY
    NgramDetector(profiles, 1 - seed).probabilities(" ".join(texts))  # another seed fills the cache first
    detector = NgramDetector(profiles, seed)
    for text in texts:
        expected = langdetect_probabilities(factory, text, seed)
        found = detector.probabilities(text)
        assert [language for language, _ in found] == [language for language, _ in expected], text
        assert [p for _, p in found] == pytest.approx([p for _, p in expected], abs=1e-9)


def test_text_without_known_ngrams_has_no_languages(profiles):
    assert NgramDetector(profiles, 0).probabilities("12345 !!! ???") == []


@pytest.mark.parametrize("count", [1, 2, 3, 7, 64, 65, 1000, 1023, 1024, 1025, 2**31 + 5])
def test_bulk_draws_are_random_choice_draws(count):
    one_by_one, in_blocks = Random(0), Random(0)
    drawn: list[int] = []
    for wanted in (64, 256, 1001):
        while len(drawn) < wanted:
            drawn += choice_draws(in_blocks, count, wanted - len(drawn))
    assert drawn == [one_by_one.choice(range(count)) for _ in drawn]
