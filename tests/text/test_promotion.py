import pytest

from moderation.text.normalize import normalize
from moderation.text.promotion import calls_to_action, self_promotions


@pytest.mark.parametrize(
    "text",
    [
        "go to my channel and hit subscribe",
        "kolla in min odlingsblogg och följ mig",
        "schaut mal auf meinem kanal vorbei und abonniert",
        "abonnez-vous à ma chaîne",
        "pásate por mi canal y suscríbete",
        "abonneer op mijn kanaal",
    ],
)
def test_self_promotion_with_a_call_to_action_in_six_languages(text):
    assert self_promotions(text)
    assert calls_to_action(text)


@pytest.mark.parametrize(
    "text",
    [
        "like this comment if you read this on a phone",
        "thumbs up if you agree",
        "like if you are still listening in 2026",
        "best chorus ever! like if you agree",
        "♥ like if you watched it twice",
        "gilla om du håller med",
        "likez ce commentaire",
        "dale like si estás de acuerdo",
    ],
)
def test_engagement_bait_is_a_call_to_action(text):
    assert calls_to_action(text)


@pytest.mark.parametrize(
    "text",
    [
        "i watched your video of it and the lemon at the end is key",
        "i would like this recipe with less salt",
        "we shared your post in the club and subscribed to the newsletter",
        "follow-up question: did you keep the change streams?",
        "it's like if you planted the tomatoes a month early",
        "so like if the bus is late again we just walk",
    ],
)
def test_talk_about_videos_and_sharing_is_not_a_call_to_action(text):
    assert calls_to_action(text) == []
    assert self_promotions(text) == []


def test_shouting_counts_as_much_as_lower_case():
    text = "SUBSCRIBE TO MY CHANNEL and Följ Mig for more, Visitez Mon Blog"
    assert calls_to_action(text) == ["subscribe to my", "följ mig", "visitez mon"]
    assert self_promotions(text) == ["my channel", "mon blog"]


@pytest.mark.parametrize(
    "raw",
    [
        "great song\nlike if you agree",
        "great song<br />Like if you agree",
        "<p>great song</p><p>like if you agree</p>",
        "great <b>song</b>\nlike if you agree",
        "<p>great <em>song</em></p><p>like if you agree</p>",
    ],
)
def test_like_if_opening_a_line_is_a_call_to_action(raw):
    clean = normalize(raw).text  # one line: "great song like if you agree"
    assert calls_to_action(clean) == []
    assert calls_to_action(clean, raw) == ["like if"]


def test_like_if_after_punctuation_on_a_new_line_counts_once():
    assert calls_to_action("great song! like if you agree", "great song!\nlike if you agree") == ["like if"]
