"""Explanatory notes for moderators and authors, in the site's language (English as the fallback)."""

from __future__ import annotations

from dataclasses import dataclass

from moderation.domain import Action

LANGUAGE_NAMES = {
    "en": {"sv": "Swedish", "en": "English", "de": "German", "fr": "French", "es": "Spanish", "nl": "Dutch",
           "ru": "Russian", "fi": "Finnish", "da": "Danish", "no": "Norwegian", "id": "Indonesian",
           "vi": "Vietnamese", "hi": "Hindi", "zh": "Chinese", "ar": "Arabic"},
    "sv": {"sv": "svenska", "en": "engelska", "de": "tyska", "fr": "franska", "es": "spanska", "nl": "nederländska",
           "ru": "ryska", "fi": "finska", "da": "danska", "no": "norska", "id": "indonesiska",
           "vi": "vietnamesiska", "hi": "hindi", "zh": "kinesiska", "ar": "arabiska"},
}  # fmt: skip

CAUSES = {
    "en": {
        "spam": "it looks like spam ({value})",
        "off_topic": "it is not about the post or the blog's subject ({value})",
        "links": "{value} links to {detail}",
        "link_limit": "it has {value} links (the limit is {detail})",
        "language": "the text is in {value} while this blog writes in {detail}",
        "blocked_word": 'it contains the blocked word "{value}"',
        "blocked_domain": "it links to the blocked domain {value}",
        "suspect_word": 'it contains "{value}", a word this blog holds for review',
    },
    "sv": {
        "spam": "den ser ut som spam ({value})",
        "off_topic": "den inte handlar om inlägget eller bloggens ämne ({value})",
        "links": "{value} länkar till {detail}",
        "link_limit": "den har {value} länkar (gränsen är {detail})",
        "language": "texten är på {value} medan bloggen skriver på {detail}",
        "blocked_word": 'den innehåller det blockerade ordet "{value}"',
        "blocked_domain": "den länkar till den blockerade domänen {value}",
        "suspect_word": 'den innehåller "{value}", ett ord som bloggen granskar',
    },
}
# Phrases for a cause whose value is 1, where the plural above would read wrong.
SINGULAR = {"en": {"links": "a link to {detail}"}, "sv": {"links": "en länk till {detail}"}}
OPENINGS = {
    "en": {Action.REMOVE: "Removed automatically because {causes}.", Action.QUEUE: "Held for review: {causes}."},
    "sv": {
        Action.REMOVE: "Kommentaren togs bort eftersom {causes}.",
        Action.QUEUE: "Väntar på granskning eftersom {causes}.",
    },
}
AND = {"en": "and", "sv": "och"}


@dataclass(frozen=True)
class Cause:
    """One reason for an action, in a form every language can phrase."""

    code: str
    value: str = ""
    detail: str = ""


def language_name(code: str, note_language: str) -> str:
    return LANGUAGE_NAMES.get(note_language, LANGUAGE_NAMES["en"]).get(code, code)


def write_note(action: Action, causes: list[Cause], note_language: str) -> str:
    """The note for a queued or removed comment ("" for an approved one)."""
    if action is Action.APPROVE or not causes:
        return ""
    language = note_language if note_language in CAUSES else "en"
    phrases = []
    for cause in causes:
        value, detail = cause.value, cause.detail
        if cause.code == "language":
            value = language_name(value, language)
            detail = f" {AND[language]} ".join(language_name(code, language) for code in detail.split())
        phrase = SINGULAR[language].get(cause.code) if value == "1" else None
        phrases.append((phrase or CAUSES[language][cause.code]).format(value=value, detail=detail))
    joined = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + f" {AND[language]} " + phrases[-1]
    return OPENINGS[language][action].format(causes=joined)
