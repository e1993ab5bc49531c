import gc

from moderation.scoring.explain import Contributions, _char_grams, off_topic_reasons, spam_reasons, word_weights


def contributions(terms: dict[str, float], chars: dict[str, float] | None = None) -> Contributions:
    return Contributions(terms=terms, chars=chars or {}, dense={}, raw={}, means={})


def test_bigram_weight_is_shared_by_both_words_and_repeats_share_theirs():
    weights = {
        t: w
        for _, _, t, w in word_weights(
            contributions({"cheap pills": 1.0, "casino": 0.6}), "cheap pills, casino casino!"
        )
    }
    assert weights == {"cheap": 0.5, "pills,": 0.5, "casino": 0.3, "casino!": 0.3}


def test_character_ngrams_are_shared_by_the_words_holding_them():
    found = word_weights(contributions({}, {"asin": 0.4, " casi": 0.2}), "casino basin")
    assert [round(w, 3) for *_, w in found] == [0.4, 0.2]


def test_cached_character_ngrams_leave_the_garbage_collectors_watch():
    # kept for thousands of words: were they tracked, every collection would traverse them all
    grams = _char_grams("holidays")
    gc.collect()
    assert not gc.is_tracked(grams)
    assert {" h", " ho", "ys ", "days "} <= set(grams) and len(grams) == len(set(grams))


def test_terms_of_the_authors_name_are_named_as_such_and_only_they():
    # the word n-grams read the name with the text: a term the name holds and the text does not
    # is the name's; a term the text's tokens hide ("don" of "don't") is not
    clean = "i don't think so, cheap"
    found = contributions({"pills": 0.9, "cheap pills": 0.4, "cheap": 0.3, "don": 0.2, "think": 0.1})
    reasons = spam_reasons(found, word_weights(found, clean), clean, {"language": "en", "author_name": "Cheap Pills"})
    assert [(r.code, r.text) for r in reasons if r.code == "author_name"] == [
        ("author_name", 'author name has "pills"')
    ]
    assert not [r for r in reasons if "don" in r.text]


def test_signal_reasons_say_whether_the_comment_has_the_signal():
    # a signal weighs in when absent too (no disguised text lowers the spam score): its reason
    # must then say "no ...", not read as if the comment had it
    signals = Contributions(
        terms={}, chars={}, dense={"evasions": -0.3, "calls_to_action": 0.4, "self_promotion": -0.2},
        raw={"evasions": 0.0, "calls_to_action": 0.693, "self_promotion": 0.0}, means={},
    )  # fmt: skip
    reasons = {r.code: r.text for r in spam_reasons(signals, [], "please subscribe", {"language": "en"})}
    assert reasons == {
        "evasions": "no disguised text",
        "calls_to_action": "asks readers to subscribe, follow, visit, like or share",
        "self_promotion": "no pointer to the author's own pages",
    }


def test_link_terms_reach_the_whole_link_word():
    found = word_weights(contributions({"pills.example": 0.8}), "see http://pills.example/x now")
    assert [round(w, 3) for *_, w in found] == [0.0, 0.8, 0.0]


def test_total_weight_is_kept():
    terms = {"free money": 1.2, "now": 0.3}
    found = word_weights(contributions(terms, {"ey": 0.1}), "free money now, money now")
    assert round(sum(w for *_, w in found), 6) == round(1.2 + 0.3 + 0.1, 6)


def test_off_topic_reasons_name_the_words_whose_character_ngrams_weigh():
    found = contributions({"tack": 0.1}, {" ta": 0.2, "ck ": 0.3, "zz": 0.01})
    reasons = off_topic_reasons(found, word_weights(found, "tack så mycket!"))
    assert [(r.text, r.weight) for r in reasons] == [('term "tack"', 0.6)]


def test_contributions_add_up_to_the_calibrated_log_odds(scorer):
    from moderation.domain import Comment, Post, Site
    from moderation.scoring.explain import LinearExplainer
    from moderation.scoring.fast import compile_columns
    from moderation.scoring.frame import comments_columns, prepare_columns

    item = (
        Comment("Cheap pills at http://pills.example, order now!!!", "cheap pills"),
        Post("Bread"),
        Site(("en",), "Baking"),
    )
    table, _ = prepare_columns(comments_columns([item]))
    pipeline = scorer.bundle.spam
    blocks = compile_columns(pipeline.named_steps["features"])(table)
    found = LinearExplainer(pipeline).contributions(blocks, 0)
    assert_contributions_add_up(pipeline, blocks, found)


def test_hashed_contributions_add_up_and_name_the_comments_own_terms(streamed):
    from moderation.domain import Comment, Post, Site
    from moderation.registry import Registry
    from moderation.scoring.explain import LinearExplainer
    from moderation.scoring.fast import compile_columns
    from moderation.scoring.frame import comments_columns, prepare_columns
    from moderation.scoring.scorer import Scorer

    bundle, _ = Registry(streamed.result.version.path.parent).load()
    item = (
        Comment("Cheap pills at http://pills.example, order now!!!", "cheap pills", author_url="http://pills.example"),
        Post("Bread"),
        Site(("en",), "Baking"),
    )
    table, _ = prepare_columns(comments_columns([item]))
    pipeline = bundle.spam
    blocks = compile_columns(pipeline.named_steps["features"])(table)
    found = LinearExplainer(pipeline).contributions(blocks, 0, table)
    assert {"cheap", "pills", "cheap pills"} <= found.terms.keys()
    assert " pi" in found.chars
    assert_contributions_add_up(pipeline, blocks, found)
    scores = Scorer(bundle).score(*item)
    assert scores.spam > 0.5
    assert scores.spam_reasons
    spans = {item[0].content[s.start : s.end].strip(".,!") for s in scores.spans}
    assert spans & {"Cheap", "pills", "http://pills.example"}


def assert_contributions_add_up(pipeline, blocks, found) -> None:
    """The intercept plus every contribution is the log-odds of the calibrated probability."""
    import numpy as np

    from moderation.scoring.fast import compile_probability

    inner = pipeline.named_steps["classifier"].calibrated_classifiers_[0]
    a, b = inner.calibrators[0].a_, inner.calibrators[0].b_
    baseline = -a * inner.estimator.intercept_[0] - b
    total = baseline + sum(found.terms.values()) + sum(found.chars.values()) + sum(found.dense.values())
    p = compile_probability(pipeline.named_steps["classifier"])(blocks)[0]
    assert np.isclose(total, np.log(p / (1 - p)))
