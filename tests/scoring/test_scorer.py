"""Model behaviour: what a moderator would notice, on comments written for these tests (not in data/)."""

from __future__ import annotations

import itertools

import pytest

from moderation.domain import Comment, Post, Site
from moderation.errors import InvalidComment
from moderation.text.normalize import normalize

# The post this project started from (Anamma, 2008), summarised.
SEED_POST = Post(
    "Sociala medier = Corporate Responsibility",
    "Sociala medier och corporate responsibility är heta modeord i företagen. Företag borde söka upp "
    "missnöjda bloggande kunder, prata med dem och ta dem på allvar, och låta de anställda vara delaktiga. "
    "Att ta sina kunder på allvar är ansvarsfullt företagande.",
    ("sociala medier", "företag", "ansvar"),
)
SEED_SITE = Site(("sv",), "Bloggen handlar om sociala medier, marknadsföring och kommunikation för företag.")
GARDEN_POST = Post(
    "Så drar du upp chili från frö",
    "Chilifrön gror bäst i 25 grader. Så i februari, håll jorden fuktig och ge plantorna mycket ljus.",
    ("chili", "frösådd", "odling"),
)
GARDEN_SITE = Site(("sv",), "Bloggen handlar om trädgård och odling.")


def test_swedish_comment_about_an_everyday_matter_is_off_topic_under_the_seed_post(scorer):
    comment = Comment(
        "Vet någon om tandläkaren på Storgatan i Uppsala tar emot nya patienter? Min har gått i pension.", "Karin"
    )
    scores = scorer.score(comment, SEED_POST, SEED_SITE)
    assert scores.off_topic > 0.5
    assert scores.spam < 0.5


def test_swedish_commercial_link_spam_is_spam(scorer):
    comment = Comment(
        "Behöver du pengar snabbt? Låna upp till 50 000 kr utan UC, svar direkt! Ansök på www.snabbkredit-direkt.example idag",
        "Lån Utan UC Direkt",
        "info@snabbkredit-direkt.example",
        "http://www.snabbkredit-direkt.example",
    )
    assert scorer.score(comment, SEED_POST, SEED_SITE).spam > 0.8


def test_swedish_comment_discussing_the_post_is_neither(scorer):
    comment = Comment(
        "Håller med om att företagen borde prata med sina missnöjda kunder i sociala medier i stället för att "
        "gömma sig. Men hur ska de anställda få ta ansvar om ledningen inte litar på dem?",
        "Peter",
    )
    scores = scorer.score(comment, SEED_POST, SEED_SITE)
    assert scores.spam < 0.5
    assert scores.off_topic < 0.5


def test_same_comment_is_on_topic_under_one_post_and_off_topic_under_another(scorer):
    comment = Comment("Mina chiliplantor blev långa och gängliga, behöver de mer ljus när de har grott?", "Eva")
    under_garden = scorer.score(comment, GARDEN_POST, GARDEN_SITE).off_topic
    under_seed = scorer.score(comment, SEED_POST, SEED_SITE).off_topic
    assert under_garden < 0.5 < under_seed


def test_link_drop_stays_spam_when_its_words_are_swapped(scorer):
    site = Site(("en",), "A blog about software engineering and databases.")
    post = Post("Why we moved to PostgreSQL", "Our billing service moved from MongoDB to PostgreSQL.", ("postgresql",))
    for words in ("Cheap replica watches, best prices online", "Discount designer handbags, free shipping today"):
        comment = Comment(
            f"{words} http://luxury-deals.example/shop", "luxury deals store", "", "http://luxury-deals.example"
        )
        assert scorer.score(comment, post, site).spam > 0.5


def test_polite_on_topic_comment_stays_ham_with_a_harmless_link(scorer):
    site = Site(("en",), "A blog about software engineering and databases.")
    post = Post(
        "Why we moved to PostgreSQL", "Our billing service moved from MongoDB to PostgreSQL and JSONB.", ("postgresql",)
    )
    text = "Thanks for writing this up. How did you migrate the JSONB indexes from MongoDB without downtime?"
    plain = scorer.score(Comment(text, "Maria"), post, site)
    linked = scorer.score(
        Comment(text + " The PostgreSQL docs on GIN indexes helped me: https://www.postgresql.org/docs/", "Maria"),
        post,
        site,
    )
    assert plain.spam < 0.5
    assert linked.spam < 0.5


def test_reasons_name_the_links_and_spans_point_at_the_comment(scorer):
    content = "Best online CASINO bonus!!! Play now at http://spin-win-casino.example and win big"
    comment = Comment(content, "casino bonus 2024", "", "http://spin-win-casino.example")
    scores = scorer.score(comment, SEED_POST, SEED_SITE)
    assert scores.spam > 0.5
    assert scores.spam_reasons and all(r.task == "spam" for r in scores.spam_reasons)
    assert max(scores.spam_reasons, key=lambda r: r.weight).weight > 0
    assert any("spin-win-casino.example" in r.text for r in scores.spam_reasons)
    highlighted = [content[s.start : s.end] for s in scores.spans]
    assert "http://spin-win-casino.example" in highlighted
    assert all(s.weight > 0 for s in scores.spans)
    assert all(0 <= s.start < s.end <= len(content) for s in scores.spans)


def test_a_support_scam_highlights_the_whole_phone_number_once(scorer):
    content = "Printer not working? Call HP support now at +1 (888) 555-0199, open 24/7"
    site = Site(("en",), "A blog about software engineering.")
    scores = scorer.score(Comment(content, "printer help"), Post("Why we moved to PostgreSQL"), site)
    assert scores.spam > 0.5
    highlighted = [content[s.start : s.end] for s in scores.spans]
    assert "+1 (888) 555-0199," in highlighted or "+1 (888) 555-0199" in highlighted
    ends = sorted((s.start, s.end) for s in scores.spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(ends)), "spans do not overlap"


def test_off_topic_reasons_report_the_similarity_to_the_post(scorer):
    comment = Comment("Säljer en barnvagn i fint skick, 500 kr, hämtas i Lund. Hör av dig!", "Lisa")
    scores = scorer.score(comment, SEED_POST, SEED_SITE)
    assert any(r.code.startswith("similarity_") for r in scores.off_topic_reasons)


def test_a_comment_in_another_language_than_the_site_says_so(scorer):
    comment = Comment("Заработок в интернете от 5000 рублей в день, пишите в телеграм", "Иван")
    scores = scorer.score(comment, SEED_POST, SEED_SITE)
    assert scores.language == "ru"
    assert any(r.code == "language" and "site uses sv" in r.text for r in scores.language_reasons)


def test_short_comments_carry_the_unreliable_language_note(scorer):
    scores = scorer.score(Comment("Tack!"), SEED_POST, SEED_SITE)
    assert any(r.code == "language_short_text" for r in scores.reasons)


def test_batch_scores_equal_single_scores(scorer):
    items = [
        (Comment("Tack för ett klokt inlägg om sociala medier och ansvar."), SEED_POST, SEED_SITE),
        (Comment("Cheap pills at http://pills.example"), SEED_POST, SEED_SITE),
    ]
    batch = scorer.score_many(items)
    assert [(s.spam, s.off_topic) for s in batch] == [
        (s.spam, s.off_topic) for s in (scorer.score(c, p, site) for c, p, site in items)
    ]


def test_scores_name_the_model_version(scorer, trained):
    assert scorer.score(Comment("Hej")).model_version == trained.version.version


@pytest.mark.parametrize("content", ["", "   ", "x" * 70000])
def test_rejects_empty_or_oversized_content(scorer, content):
    with pytest.raises(InvalidComment):
        scorer.score(Comment(content))


def test_scores_carry_the_clean_text_the_models_read(scorer):
    content = "Köp <b>b1ll1ga</b> piller på pills.example"
    scores = scorer.score(Comment(content), SEED_POST, SEED_SITE)
    assert scores.clean_text == normalize(content).text


def test_a_link_back_to_the_post_is_not_counted_as_the_comments_link(scorer):
    site = Site(("en",), "A blog about software engineering and databases.")
    post = Post("Why we moved to PostgreSQL", "Our billing service moved from MongoDB to PostgreSQL.", ("postgresql",),
                "https://devblog.example/2024/postgres-move/")  # fmt: skip
    text = "The part about JSONB indexes is the best bit: {} - thanks for sharing"
    back = text.format("https://devblog.example/2024/postgres-move/#jsonb")
    elsewhere = text.format("https://cheap-hosting-deals.example/offer")
    own = scorer.score(Comment(back, "Maria"), post, site)
    other = scorer.score(Comment(elsewhere, "Maria"), post, site)
    assert "devblog" not in own.clean_text and "cheap-hosting-deals.example" in other.clean_text
    assert not any("devblog" in r.text for r in own.spam_reasons)
    assert own.spam < other.spam and own.spam < 0.5


FIRST_NAMES = ["Sarah", "Tom", "Mike", "Emma", "Anna", "Erik", "Maria", "Ahmed", "Priya", "Jens", "Fatima", "Kenji"]


def test_a_comments_verdict_does_not_hang_on_the_writers_first_name(scorer):
    """The same comments signed with ordinary first names score alike (written for this test; before
    the name's words were read as words of the text, a seed-corpus model scored a gardening
    comment 0.02 signed "Tom" and 0.44 signed "Sarah"; this test failed on that code)."""
    comments = [
        "Ring gärna kommunen först om du vill ha gratis kompost, vi fick två säckar per hushåll.",
        "Håller med, men styrelserna lyssnar nog först när kunderna lämnar dem.",
        "Vi testade att svara på varje klagomål på Facebook i fjol och det lönade sig.",
    ]
    for text in comments:
        spam = [scorer.score(Comment(text, name), SEED_POST, SEED_SITE).spam for name in FIRST_NAMES]
        assert max(spam) - min(spam) < 0.05, (text, dict(zip(FIRST_NAMES, spam, strict=True)))
        assert max(spam) < 0.5


def test_a_keyword_stuffed_name_counts_as_those_words_and_says_so(scorer):
    text = "Bra skrivet om sociala medier och kunderna!"
    plain = scorer.score(Comment(text, "Karin"), SEED_POST, SEED_SITE)
    stuffed = scorer.score(Comment(text, "Billiga lån utan UC"), SEED_POST, SEED_SITE)
    assert stuffed.spam > plain.spam + 0.2
    assert any(r.code == "author_name" and '"lån"' in r.text for r in stuffed.spam_reasons)
