"""Speed benchmark on one core: language detection, one comment at a time, and batches; with a
plain TF-IDF + logistic regression measured in the same run as the baseline.

    taskset -c 0 python bench/speed.py [--models-dir models] [--shared ../shared/data]

Each comment is scored once (language guesses are cached per text, and a repeat would hit the
cache). Medians and 99th percentiles over the seed corpus' comments under their own posts. Batches
of 2,000 run 7 times each, in turns with the baseline's; their medians, and the median ratio to
the baseline's rate in the same turn. Runs after the first find every word's n-gram columns and
every post's vectors cached, as a long batch mostly would; the first run's rate is shown too.
When the shared datasets are there, batches of comments never scored before follow: 20,000 texts
of the shared comment and message sets, each under a seed post of a blog in its language (where
one is), in ten batches of 2,000, each followed by the baseline on the same texts (new words miss
the caches, as in a stream).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from common import ROOT, seed_items, shared_specs
from langdetect import DetectorFactory
from langdetect.detector_factory import init_factory
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from moderation.domain import Comment, Post, Site
from moderation.scoring.scorer import MAX_CONTENT_CHARS, Scorer
from moderation.text.language import clear_caches, detect_for_site, detect_language
from moderation.training.assemble import combine
from moderation.training.corpus import load_seed
from moderation.training.formats import load_dataset

BATCH_REPEATS = 7
UNSEEN_BATCHES = 10


def timed(fn: Callable[[Any], object], inputs: Sequence[Any]) -> tuple[float, float]:
    times = []
    for item in inputs:
        started = time.perf_counter()
        fn(item)
        times.append(time.perf_counter() - started)
    times.sort()
    return statistics.median(times) * 1000, times[int(len(times) * 0.99)] * 1000


def unseen_comments(shared: Path, posts: list[tuple[Post, Site]], count: int) -> list[tuple[Comment, Post, Site]]:
    """``count`` texts of the shared comment and message sets (the seed corpus, the forum and
    newsgroup pairs left out), each under one of ``posts`` drawn at random, of a blog writing the
    text's language where there is one (the rest, Russian, Indonesian, Vietnamese and Hindi, under
    any blog): text the scorer has not seen, under posts that a blog's comments share."""
    specs = [spec for spec in shared_specs(shared)[1:] if "semeval" not in spec and "20newsgroups" not in spec]
    rows = combine([load_dataset(spec) for spec in specs])
    scorable = rows["content"].str.strip().ne("") & rows["content"].str.len().le(MAX_CONTENT_CHARS)
    rows = rows.loc[scorable].sample(count, random_state=0)
    draw = random.Random(0)
    return [
        (Comment(r.content, r.author_name), *draw.choice([p for p in posts if r.language in p[1].languages] or posts))
        for r in rows.itertuples()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models-dir", type=Path, default=ROOT / "models")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    seed = load_seed(ROOT / "data")
    items = seed_items(seed)
    texts = [c.content for c, _, _ in items]

    DetectorFactory.seed = 0
    init_factory()
    from langdetect.detector_factory import _factory

    def langdetect_default(text: str) -> object:
        detector = _factory.create()
        detector.append(text)
        return detector.get_probabilities()

    print("| what | median ms | p99 ms | per second |\n|---|---|---|---|")

    def row(name: str, median: float, p99: float) -> None:
        print(f"| {name} | {median:.2f} | {p99:.2f} | {1000 / median:,.0f} |")

    row("langdetect at its defaults (baseline)", *timed(langdetect_default, texts[:600]))
    clear_caches()
    row("our language step (uncached)", *timed(detect_language.__wrapped__, texts[:600]))
    sites = [site.languages for _, _, site in items]

    def language_for_site(i: int) -> object:
        clear_caches()
        return detect_for_site(texts[i], sites[i])

    row("our language step for the site (uncached; another language confirmed)", *timed(language_for_site, range(600)))

    plain = Pipeline([
        ("features", FeatureUnion([("word", TfidfVectorizer(sublinear_tf=True)),
                                   ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True))])),
        ("classifier", LogisticRegression(max_iter=1000)),
    ]).fit(texts, seed["label"].eq("spam"))  # fmt: skip
    row("plain word+char TF-IDF + LR, one comment (baseline)", *timed(lambda t: plain.predict_proba([t]), texts[:600]))

    scorer = Scorer.load(args.models_dir)
    scorer.score(*items[0])
    clear_caches()
    row("Scorer.score, one comment, with reasons and spans", *timed(lambda it: scorer.score(*it), items[:600]))
    clear_caches()
    row("Scorer, one comment, scores only", *timed(lambda it: scorer.score_many([it], explain=False), items[600:1200]))

    # Batches: each kind run BATCH_REPEATS times in turns (language cache cleared before each run),
    # so a noisy moment hits all kinds alike; medians, and each kind's median ratio to the baseline
    # run in the same turn.
    batch, batch_texts = items[:2000], texts[:2000]
    kinds: dict[str, Callable[[], object]] = {
        "Scorer.score_many, 2,000 comments, without reasons": lambda: scorer.score_many(batch, explain=False),
        "Scorer.score_many, 2,000 comments, with reasons": lambda: scorer.score_many(batch, explain=True),
        "plain TF-IDF + LR, batch of 2,000 (baseline)": lambda: plain.predict_proba(batch_texts),
    }
    rates: dict[str, list[float]] = {name: [] for name in kinds}
    for _ in range(BATCH_REPEATS):
        for name, run in kinds.items():
            clear_caches()
            started = time.perf_counter()
            run()
            rates[name].append(len(batch) / (time.perf_counter() - started))
    baseline = rates["plain TF-IDF + LR, batch of 2,000 (baseline)"]
    for name, runs in rates.items():
        ratio = statistics.median(r / b for r, b in zip(runs, baseline, strict=True))
        median = statistics.median(runs)
        print(f"| {name} | – | – | {median:,.0f} (× {ratio:.2f} of the baseline; first run {runs[0]:,.0f}) |")

    if not args.shared.is_dir():
        return
    posts = list(dict.fromkeys((post, site) for _, post, site in items))
    unseen = unseen_comments(args.shared, posts, UNSEEN_BATCHES * len(batch))
    ours, ratios = [], []
    for start in range(0, len(unseen), len(batch)):
        chunk = unseen[start : start + len(batch)]
        started = time.perf_counter()
        scorer.score_many(chunk, explain=False)
        ours.append(len(chunk) / (time.perf_counter() - started))
        started = time.perf_counter()
        plain.predict_proba([comment.content for comment, _, _ in chunk])
        ratios.append(ours[-1] * (time.perf_counter() - started) / len(chunk))
    print(
        f"| Scorer.score_many, {UNSEEN_BATCHES} batches of 2,000 comments never scored before, without reasons | – | – "
        f"| {statistics.median(ours):,.0f} (× {statistics.median(ratios):.2f} of the baseline; "
        f"{min(ours):,.0f}–{max(ours):,.0f}) |"
    )


if __name__ == "__main__":
    main()
