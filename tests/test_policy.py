"""Scores plus a site's settings become an action and a note people can read."""

from __future__ import annotations

from dataclasses import replace

from moderation.domain import Action, Scores
from moderation.policy import SitePolicy, decide
from moderation.text.normalize import normalize

SWEDISH = SitePolicy(languages=("sv",), note_language="sv")


def scores(spam: float = 0.0, off_topic: float = 0.0, language: str = "sv") -> Scores:
    return Scores(spam=spam, off_topic=off_topic, language=language, language_confidence=1.0)


def test_confident_off_topic_is_removed_with_the_swedish_note():
    verdict = decide("Säljer min soffa, 500 kr", scores(off_topic=0.99), SWEDISH)
    assert verdict.action is Action.REMOVE
    assert verdict.note == "Kommentaren togs bort eftersom den inte handlar om inlägget eller bloggens ämne (0.99)."


def test_uncertain_spam_with_links_in_another_language_is_held_with_every_cause():
    content = "Заработок тут http://a.example и http://b.example и http://c.example"
    verdict = decide(content, scores(spam=0.7, language="ru"), SitePolicy(languages=("sv",), note_language="en"))
    assert verdict.action is Action.QUEUE
    assert verdict.note == (
        "Held for review: it looks like spam (0.70), the text is in Russian while this blog writes in Swedish "
        "and 3 links to a.example, b.example, c.example."
    )


def test_low_scores_are_approved_without_a_note():
    verdict = decide("Bra skrivet!", scores(spam=0.1, off_topic=0.2), SWEDISH)
    assert (verdict.action, verdict.note) == (Action.APPROVE, "")


def test_rules_beside_the_model():
    rules = {"blocked_domains": ["pills.example"], "link_limit": 2, "suspect_words": ["bitcoin"]}
    site = SitePolicy(languages=("sv",), rules=rules)
    assert decide("köp här www.shop.pills.example", scores(), site).action is Action.REMOVE
    assert decide("se a.example och b.example", scores(), site).action is Action.QUEUE
    assert decide("Vad tycker ni om Bitcoin?", scores(), site).action is Action.QUEUE
    assert decide("se a.example", scores(), site).action is Action.APPROVE


def test_unknown_note_language_falls_back_to_english():
    verdict = decide("x", scores(spam=0.99), SitePolicy(note_language="fi"))
    assert verdict.note.startswith("Removed automatically because it looks like spam")


def test_short_texts_in_another_language_are_not_held_for_language_alone():
    assert decide("ok!", scores(language="en"), SWEDISH, language_reliable=False).action is Action.APPROVE
    assert decide("this is clearly english text", scores(language="en"), SWEDISH).action is Action.QUEUE


def test_one_link_is_not_written_in_the_plural():
    held = decide("Se http://a.example", scores(spam=0.7), SitePolicy(languages=("sv",), note_language="sv"))
    assert "en länk till a.example" in held.note and "1 länkar" not in held.note
    english = decide("See http://a.example", scores(spam=0.7, language="en"), SitePolicy(languages=("en",)))
    assert "a link to a.example" in english.note


def test_the_scorers_clean_text_gives_the_verdict_normalising_would():
    content = "Köp billigt på <b>p1lls.example</b> och pills.example NU"
    site = SitePolicy(rules={"blocked_words": ["pills"], "link_limit": 1})
    plain = scores(spam=0.6)
    given = replace(plain, clean_text=normalize(content).text)
    assert decide(content, given, site) == decide(content, plain, site)
