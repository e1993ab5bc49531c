"""The model a running service scores with, swapped for a new current version without a restart."""

from __future__ import annotations

import gc
import threading
import time
from pathlib import Path

from moderation.domain import Comment, Post, Site
from moderation.registry import Registry
from moderation.scoring.scorer import Scorer
from moderation.text.language import load_detectors

CHECK_EVERY_S = 2.0


class LiveModel:
    """Holds the scorer of the registry's current version; looks at ``models/current`` at most
    every ``check_every_s`` seconds and loads (verifies) a new version when it changes. Requests in
    flight keep the scorer they started with."""

    def __init__(self, models_dir: Path, check_every_s: float = CHECK_EVERY_S) -> None:
        self.registry = Registry(models_dir)
        self.check_every_s = check_every_s
        self._lock = threading.Lock()
        self._scorer = self._warmed(Scorer.load(models_dir))
        self._checked = time.monotonic()

    @property
    def check_due(self) -> bool:
        """Whether ``scorer()`` would look at the registry (and may load a version) now."""
        return time.monotonic() - self._checked >= self.check_every_s

    @property
    def loaded(self) -> Scorer:
        """The scorer loaded now, without looking for a newer one."""
        return self._scorer

    def scorer(self) -> Scorer:
        if self.check_due:
            with self._lock:
                if self.check_due:
                    self._checked = time.monotonic()
                    current = self.registry.current()
                    if current != self._scorer.version:
                        self._scorer = self._warmed(Scorer.load(self.registry.root, current))
        return self._scorer

    @staticmethod
    def _warmed(scorer: Scorer) -> Scorer:
        """The scorer after one throw-away comment, so the first real one does not pay for
        compiling its vectorisers and loading language profiles (hundreds of ms)."""
        scorer.score(Comment("Warming up, with a link: http://example.com"), Post("Warm-up"), Site(("en",)))
        load_detectors()  # those that confirm a comment in another language than its site's
        # The model's long-lived objects (120,000 with the full model) go to the permanent generation:
        # a full collection scanning them took 64 ms, long enough to fill the in-flight bound under
        # load. Unfrozen first, so a swapped-out model's cycles are still collected.
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        return scorer
