"""What ``moderation train`` and ``moderation evaluate`` print: per-stage lines and tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from moderation.errors import DatasetError
from moderation.promotion import PromotionRule
from moderation.registry import Registry
from moderation.training.assemble import combine, prepare_all, with_swapped
from moderation.training.evaluate import TASKS, evaluate
from moderation.training.formats import load_dataset
from moderation.training.out_of_core import StreamSettings, train_out_of_core
from moderation.training.train import train


def metrics_table(title: str, metrics: dict[str, Any]) -> Table:
    """A table of one report from ``evaluate``: rows per task, dataset and language."""
    table = Table("task", "slice", "rows", "precision", "recall", "F1", "ROC-AUC", title=title)
    for task in TASKS:
        if task not in metrics:
            continue
        slices = [("all", metrics[task]["all"])]
        slices += [(f"dataset {k}", v) for k, v in sorted(metrics[task]["by_source"].items())]
        slices += [(f"language {k}", v) for k, v in sorted(metrics[task]["by_language"].items())]
        for name, m in slices:
            auc = "–" if m["roc_auc"] is None else f"{m['roc_auc']:.3f}"
            table.add_row(
                task, name, str(m["rows"]), f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", auc
            )
    return table


def run_training(
    specs: list[str], models_dir: Path, promote: bool, seed: int, console: Console,
    force: bool = False, rule: PromotionRule | None = None, stream: StreamSettings | None = None,
) -> bool:  # fmt: skip
    """Train with per-stage progress on ``console`` (stderr); print the version id on stdout.
    False when a promotion was asked for and refused by the guard. ``stream``: out of core."""
    how = f" out of core, {stream.chunk_rows} rows at a time" if stream else ""
    console.print(f"training{how} on {len(specs)} dataset(s): {', '.join(specs)}")

    def progress(stage: str, seconds: float) -> None:
        console.print(f"  [green]✓[/green] {stage} [dim]{seconds:.1f}s[/dim]")

    if stream:
        result = train_out_of_core(specs, models_dir, stream, promote, seed, progress, force, rule)
    else:
        result = train(specs, models_dir, promote=promote, seed=seed, force=force, rule=rule, progress=progress)
    console.print(metrics_table(f"model {result.version.version} on the held-out test split", result.metrics))
    state = "current" if result.promoted else "not current (use --promote)"
    if result.refused:
        state = "not current: the promotion guard refused it"
        console.print(f"[red]refused:[/red] {result.refused}")
    console.print(f"saved {result.version.path} ({state}); peak memory {result.peak_memory_mb:.0f} MiB")
    print(result.version.version)
    return not result.refused


def run_evaluation(
    specs: list[str], models_dir: Path, version: str | None, split: str, as_json: bool, console: Console
) -> None:
    """Evaluate a version on datasets; a table on stderr unless ``as_json``, JSON on stdout."""
    if split not in ("test", "train", "all"):
        raise DatasetError(f"--split must be test, train or all, not {split!r}")
    bundle, checked = Registry(models_dir).load(version)
    frame = combine([load_dataset(spec) for spec in specs])
    rows = with_swapped(prepare_all(frame), seed=0)
    if split != "all":
        rows = rows.loc[rows["split"] == split]
    metrics = evaluate(bundle, rows)
    if not as_json:
        console.print(metrics_table(f"model {checked.version}, {split} split of {', '.join(specs)}", metrics))
    print(json.dumps({"model": checked.version, "split": split, "datasets": specs, "metrics": metrics}, indent=2))
