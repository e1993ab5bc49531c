"""Phrases that ask readers to do something for the author: self-promotion ("my channel", "min
blogg") and calls to action or engagement bait ("subscribe", "follow me back", "like this comment
if ..."), in the seed corpus's six languages.

Word n-grams learn such phrases one wording at a time, from whichever datasets happen to hold them;
one count per family lets what is learnt from "subscribe to my channel" carry over to "like this
comment" or "besök min blogg". Legitimate comments use these words too ("I watched your video",
"shared this with my club"), so they are evidence for the model to weigh, never a verdict.
"""

from __future__ import annotations

import re

# A possessive of the writer's followed by a place to send readers to (Swedish and German nouns
# also as the end of a compound: "min odlingsblogg", "meinem Kochkanal").
SELF_PROMOTION = re.compile(
    r"\b(?:my|our)\s+(?:own\s+|new\s+|newest\s+|latest\s+|first\s+|youtube\s+|yt\s+)?"
    r"(?:channel|vids?|videos?|blog|page|site|website|music|songs?|tracks?|covers?|playlist|mixtape|album|"
    r"instagram|insta|twitter|facebook|tiktok|twitch|profile|shop|store|stream|podcast)\b"
    r"|\b(?:min|mitt|mina|vår|vårt|våra)\s+(?:nya\s+)?\w*(?:kanal|blogg|sida|hemsida|video|videor|låt|låtar|musik|"
    r"butik|webbshop|profil|instagram|podd|podcast)\w*"
    r"|\b(?:mein|meine|meinen|meinem|unser|unsere|unseren|unserem)\s+(?:neue[nsm]?\s+)?\w*(?:kanal|blog|seite|"
    r"homepage|videos?|songs?|musik|shop|profil|instagram|podcast)\b"
    r"|\b(?:ma|mon|mes|notre|nos)\s+(?:nouvelles?\s+|nouveaux?\s+)?(?:chaîne|chaine|blog|page|site|vidéos?|"
    r"videos?|musique|chansons?|boutique|profil|instagram|podcast)\b"
    r"|\b(?:mi|mis|nuestro|nuestra|nuestros|nuestras)\s+(?:nuevo\s+|nueva\s+)?(?:canal|blog|página|pagina|sitio|"
    r"web|vídeos?|videos?|música|musica|canci[oó]n|canciones|tienda|perfil|instagram|podcast)\b"
    r"|\b(?:mijn|ons|onze)\s+(?:nieuwe\s+)?(?:kanaal|blog|pagina|site|website|video'?s?|muziek|nummers?|winkel|"
    r"webshop|profiel|instagram|podcast)\b",
)

# Imperatives to subscribe, follow, visit, check out, like or share.
CALL_TO_ACTION = re.compile(
    r"\bsub(?:scribe)?\s+(?:to\s+)?(?:me|us|my|our)\b|\bsubscribe\b|\bfollow\s+(?:me|us|my|our)\b"
    r"|\bcheck\s+(?:me|us|my|our|this|it)\s+out\b|\bcheck\s+out\b|\bvisit\s+(?:me|us|my|our)\b"
    r"|\bgo\s+to\s+(?:my|our)\b|\bcome\s+(?:and\s+)?(?:see|watch|check|visit)\b|\btake\s+a\s+look\s+at\b"
    r"|\blook\s+(?:me|us)\s+up\b|\bwatch\s+(?:my|our)\b|\blisten\s+to\s+(?:my|our)\b"
    r"|\blike\s+(?:this|my|our)\s+(?:comment|post|page|video)\b|\b(?:give|hit)\s+(?:it|this|me|us)\s+a\s+like\b"
    r"|\bthumbs\s+up\s+if\b|\blike\s+(?:&|and)\s+share\b|\bshare\s+(?:this|it|my|our)\b"
    # "like if ..." asks for a like at the start of the text or after punctuation or a symbol ("like
    # if you agree", "great song! like if ..."); after a word it is the conjunction ("it's like if
    # you planted ..."); after a comma it still counts. The clean text has no line breaks: a line
    # that opens with "like if" after a line ending in a word is found in the raw text
    # (LIKE_IF_OPENING_A_LINE).
    # The start is checked behind "like": a pattern opening with a look-behind is tried at every
    # position of the text, and made the whole pattern 18 times slower.
    r"|\blike(?:(?<=^like)|(?<=[^\w\s]like)|(?<=[^\w\s]\slike))\s+if\b"
    r"|\bclick\s+(?:here|the\s+link|on\s+my)\b|\badd\s+me\b"
    r"|\bprenumerera\b|\bfölj\s+(?:mig|oss)\b|\bkolla\s+in\s+(?:min|mitt|mina|vår|vårt|våra)\b"
    r"|\bbesök\s+(?:mig|oss|min|mitt|vår|vårt)\b|\bgilla\s+(?:om|och\s+dela|min|mitt|vår|sidan|kommentaren)\b"
    r"|\bdela\s+(?:gärna|vidare)\b|\bklicka\s+(?:här|på\s+länken)\b"
    r"|\babonnier\w*|\bfolg(?:e|t)\s+(?:mir|uns)\b|\bschaut?\s+(?:mal\s+)?(?:bei\s+mir|bei\s+uns|auf\s+mein\w*|in\s+mein\w*)"
    r"|\bbesucht?\s+(?:mich|uns|mein\w*)|\bteilt\b|\bklick(?:t|e)?\s+(?:hier|auf\s+den\s+link)\b"
    r"|\babonnez[-\s]vous\b|\babonne[-\s]toi\b|\bsuivez[-\s](?:moi|nous)\b|\bsuis[-\s]moi\b"
    r"|\bvisitez\s+(?:mon|ma|mes|notre)\b|\ballez\s+voir\s+(?:mon|ma|mes|notre)\b|\bpartagez\b|\blikez\b"
    r"|\bcliquez\s+(?:ici|sur\s+le\s+lien)\b"
    r"|\bsuscr[ií]b(?:ete|anse)\b|\bs[ií]g(?:ueme|anme)\b|\bvisit(?:a|en)\s+mi\b|\bcompart(?:e|an)\b"
    r"|\bdale\s+like\b|\bhaz\s+clic\b|\bpas(?:a|en)\s+por\s+mi\b"
    r"|\babonneer\b|\bvolg\s+(?:me|mij|ons)\b|\bbezoek\s+(?:mijn|onze|ons)\b|\bkijk\s+(?:eens\s+)?op\s+mijn\b"
    r"|\bdeel\s+(?:dit|het)\b|\bklik\s+(?:hier|op\s+de\s+link)\b",
)


# "like if" opening a line of the raw comment after a line that ends in a word, or in a word and
# closing tags ("great song<br />like if you agree", "great <b>song</b>\nlike if…"): the clean text
# joins the lines with a space, which CALL_TO_ACTION reads as the conjunction; after punctuation
# it counts there already.
LIKE_IF_OPENING_A_LINE = re.compile(r"\w(?:</\w+\s*>)*[ \t]*(?:\r?\n|<br\s*/?>|</p>\s*<p>)\s*(like\s+if)\b")

# The patterns are written in lower case and matched on the lower-cased text: case-insensitive
# matching (re.I) of these long alternations cost 2.5 times as much (37 against 14 µs a comment).


def self_promotions(text: str) -> list[str]:
    """The writer's own channels, blogs, pages and songs the text points readers to (lower-cased)."""
    return SELF_PROMOTION.findall(text.lower())


def calls_to_action(text: str, raw: str = "") -> list[str]:
    """The requests to subscribe, follow, visit, check out, like or share (lower-cased) in the
    clean ``text``, and the "like if" opening a line of the ``raw`` comment it came from."""
    lowered = text.lower()
    found = CALL_TO_ACTION.findall(lowered)
    if raw and "like if" in lowered:
        found += LIKE_IF_OPENING_A_LINE.findall(raw.lower())
    return found
