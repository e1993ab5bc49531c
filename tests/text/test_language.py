from moderation.text.language import clear_caches, detect_for_site, detect_language


def test_detects_common_blog_languages():
    samples = {
        "sv": "Jag håller med om att företagen borde lyssna mer på sina kunder i sociala medier.",
        "en": "I completely agree that companies should listen to their customers on social media.",
        "de": "Ich stimme zu, dass Unternehmen ihren Kunden in sozialen Medien besser zuhören sollten.",
        "ru": "Я согласен, что компании должны больше слушать своих клиентов в социальных сетях.",
    }
    for language, text in samples.items():
        guess = detect_language(text)
        assert guess.language == language
        assert guess.reliable
        assert guess.confidence > 0.9


def test_is_deterministic():
    text = "Det här är en ganska kort text"
    clear_caches()
    first = detect_language(text)
    clear_caches()
    assert detect_language(text) == first


def test_short_text_is_flagged_unreliable():
    assert not detect_language("Tack!").reliable


def test_single_language_scripts_skip_sampling():
    assert detect_language("これは日本語の文章です").language == "ja"
    assert detect_language("यह हिंदी में लिखा गया है").language == "hi"


def test_no_letters_is_undetermined():
    assert detect_language("123 !!! :)").language == "und"


def test_site_language_wins_over_a_close_relative():
    guess = detect_language("Jag håller inte med dig alls")
    assert guess.for_site(("sv",)).language == "sv"
    assert detect_language("I do not agree with you at all, sorry").for_site(("sv",)).language == "en"


def test_a_language_the_site_does_not_write_is_confirmed_over_several_trials():
    text = "Still a very fun music video to watch!"  # one trial alone says Italian, at 1.0
    assert detect_language(text).language == "it"
    guess = detect_for_site(text, ("en",))
    assert guess.language == "en" and guess.confidence < 0.95
    assert detect_for_site("Det här är en kommentar på svenska om bloggen", ("en",)).language == "sv"
