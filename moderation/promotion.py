"""Which version serves: promotion only when the challenger is not worse than the champion on the
guarded metrics (or when forced, which is recorded), and rollback to the version before.

Every promotion, refusal and rollback is appended to ``promotions.jsonl`` in the registry folder:
who, when, what was current before, whether it was forced, and the metrics it was judged on.
"""

from __future__ import annotations

import getpass
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from moderation.config import Settings
from moderation.errors import ModelNotFound, PromotionRefused
from moderation.registry import Registry
from moderation.training.compare import Comparison
from moderation.training.evaluate import TASKS

HISTORY = "promotions.jsonl"


@dataclass(frozen=True)
class PromotionRule:
    """How much worse than the champion a challenger may be, per evaluation set and task: spam and
    off-topic F1 (at 0.5) may drop by ``max_f1_drop``; the precision of automatic removal (at each
    version's own remove threshold) by ``max_precision_drop``. A task with fewer than
    ``min_positives`` positives in a set is too small to judge there."""

    max_f1_drop: float = 0.02
    max_precision_drop: float = 0.01
    min_positives: int = 10

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: float | int | None) -> PromotionRule:
        """The rule in the settings (``MODERATION_PROMOTE_*``), with any non-None override."""
        values = {
            "max_f1_drop": settings.promote_max_f1_drop,
            "max_precision_drop": settings.promote_max_precision_drop,
            "min_positives": settings.promote_min_positives,
        }
        return cls(**(values | {k: v for k, v in overrides.items() if v is not None}))  # type: ignore[arg-type]


def current_user() -> str:
    """Who runs this process, for the history."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def violations(comparison: Comparison, rule: PromotionRule) -> list[str]:
    """Why the challenger may not replace the champion (empty: it may)."""
    found = []
    for name, pair in comparison.sets.items():
        for task in TASKS:
            champion, challenger = pair["champion"].get(task), pair["challenger"].get(task)
            if champion is None or challenger is None or champion["all"]["positives"] < rule.min_positives:
                continue
            old_f1, new_f1 = champion["all"]["f1"], challenger["all"]["f1"]
            if new_f1 < old_f1 - rule.max_f1_drop:
                found.append(f"{name}: {task} F1 {new_f1:.3f} < champion {old_f1:.3f} - {rule.max_f1_drop}")
            # Removing nothing removes nothing wrongly: no removals count as precision 1.
            old_p = champion["at_remove"]["precision"] if champion["at_remove"]["precision"] is not None else 1.0
            new_p = challenger["at_remove"]["precision"] if challenger["at_remove"]["precision"] is not None else 1.0
            if new_p < old_p - rule.max_precision_drop:
                found.append(
                    f"{name}: {task} precision at the remove threshold {new_p:.3f} < champion {old_p:.3f} - "
                    f"{rule.max_precision_drop}"
                )
    return found


@dataclass(frozen=True)
class PromotionRecord:
    """One line of the history."""

    action: str  # promote | refuse | rollback
    version: str
    previous: str | None
    by: str
    forced: bool = False
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    violations: list[str] = field(default_factory=list)
    comparison: dict[str, Any] | None = None


class PromotionLog:
    """The append-only history of which version was made current, by whom and why."""

    def __init__(self, root: Path) -> None:
        self.path = Path(root) / HISTORY

    def append(self, record: PromotionRecord) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(vars(record), sort_keys=True) + "\n")

    def records(self) -> list[dict[str, Any]]:
        if not self.path.is_file():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def served(self) -> list[str]:
        """The versions made current, oldest first, with those rolled back taken off."""
        stack: list[str] = []
        for record in self.records():
            if record["action"] == "promote":
                # The version current before the history began (or set by hand) served too.
                if record["previous"] and (not stack or stack[-1] != record["previous"]):
                    stack.append(record["previous"])
                stack.append(record["version"])
            elif record["action"] == "rollback" and stack:
                stack.pop()
        return stack


def promote(
    registry: Registry,
    version: str,
    comparison: Comparison | None,
    rule: PromotionRule,
    by: str,
    force: bool = False,
) -> PromotionRecord:
    """Make ``version`` current if it passes ``rule`` against the current version on ``comparison``
    (none: there is no champion to compare with), or if ``force``; else record the refusal and raise
    ``PromotionRefused``."""
    registry.verify(version)
    previous = registry.current() if registry.has_current() else None
    if previous == version:
        raise PromotionRefused(f"{version} is current already")
    found = violations(comparison, rule) if comparison is not None else []
    detail = comparison.as_dict() if comparison is not None else None
    log = PromotionLog(registry.root)
    if found and not force:
        log.append(PromotionRecord("refuse", version, previous, by, violations=found, comparison=detail))
        raise PromotionRefused(f"{version} is worse than {previous}: " + "; ".join(found))
    registry.set_current(version)
    record = PromotionRecord("promote", version, previous, by, forced=force, violations=found, comparison=detail)
    log.append(record)
    return record


def rollback(registry: Registry, by: str) -> PromotionRecord:
    """Make current again the version that served before the current one (from the history)."""
    current = registry.current()
    served = PromotionLog(registry.root).served()
    if served and served[-1] == current:
        served.pop()
    if not served:
        raise ModelNotFound(f"no earlier promoted version to return to from {current} in {registry.root}/{HISTORY}")
    target = served[-1]
    registry.set_current(target)
    record = PromotionRecord("rollback", target, current, by)
    PromotionLog(registry.root).append(record)
    return record
