"""The ``moderation`` command: train, evaluate, score, and list model versions."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.table import Table

from moderation.config import get_settings
from moderation.errors import ModerationError
from moderation.loop_cli import compare, labels_app, promote, rollback, search, tune
from moderation.registry import Registry
from moderation.scoring.jsonl import score_lines
from moderation.service_cli import db_app, serve, sites_app, tokens_app

app = typer.Typer(
    help="Self-hosted comment moderation: spam and off-topic scoring for blogs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
models_app = typer.Typer(help="Model versions in the registry.", no_args_is_help=True)
app.add_typer(models_app, name="models")
app.add_typer(sites_app, name="sites")
app.add_typer(tokens_app, name="tokens")
app.add_typer(db_app, name="db")
app.add_typer(labels_app, name="labels")
models_app.command("compare")(compare)
models_app.command("promote")(promote)
models_app.command("rollback")(rollback)
sites_app.command("tune")(tune)
app.command("search")(search)
app.command("serve")(serve)
err = Console(stderr=True)

DatasetOption = Annotated[
    list[str] | None,
    typer.Option("--dataset", "-d", help="PATH or FORMAT:PATH; repeatable. Formats: " + "seed, canonical, youtube, "
                 "sms, sms_translated, label_text, semeval, newsgroups."),
]  # fmt: skip
ModelsDirOption = Annotated[Path | None, typer.Option("--models-dir", help="Registry folder (MODERATION_MODELS_DIR).")]


def _fail(exc: ModerationError) -> None:
    err.print(f"[red]error:[/red] {exc}")
    raise typer.Exit(2) from exc


def _models_dir(value: Path | None) -> Path:
    return value or get_settings().models_dir


@app.command()
def train(
    dataset: DatasetOption = None,
    no_seed: Annotated[bool, typer.Option("--no-seed", help="Leave out the project's corpus in data/.")] = False,
    promote: Annotated[
        bool, typer.Option("--promote", help="Make the new version current if the promotion guard allows it.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="With --promote: even if worse (recorded).")] = False,
    models_dir: ModelsDirOption = None,
    seed: Annotated[int, typer.Option(help="Random seed for sampling.")] = 0,
    out_of_core: Annotated[
        bool, typer.Option("--out-of-core", help="Read the datasets in chunks: memory bounded whatever their size.")
    ] = False,
    chunk_rows: Annotated[int, typer.Option(help="With --out-of-core: rows read and prepared at once.")] = 50_000,
    epochs: Annotated[int, typer.Option(help="With --out-of-core: passes of SGD over the training rows.")] = 20,
    context_rows: Annotated[
        int, typer.Option(help="With --out-of-core: most comment/post rows the off-topic model is fitted on.")
    ] = 50_000,
) -> None:
    """Train a new model version on data/ plus any --dataset, and print its id. Exit code 1: a
    --promote the guard refused (the version is saved, not current)."""
    from moderation.promotion import PromotionRule
    from moderation.training.cli_output import run_training
    from moderation.training.out_of_core import StreamSettings

    settings = get_settings()
    specs = ([] if no_seed else [f"seed:{settings.data_dir}"]) + list(dataset or [])
    stream = StreamSettings(chunk_rows=chunk_rows, epochs=epochs, context_rows=context_rows) if out_of_core else None
    try:
        accepted = run_training(
            specs, _models_dir(models_dir), promote, seed, err, force, PromotionRule.from_settings(settings), stream
        )
    except ModerationError as exc:
        _fail(exc)
    if not accepted:
        raise typer.Exit(1)


@app.command()
def evaluate(
    dataset: DatasetOption = None,
    model: Annotated[str | None, typer.Option("--model", "-m", help="Version id; the current one by default.")] = None,
    models_dir: ModelsDirOption = None,
    split: Annotated[str, typer.Option(help="Rows to measure: test, train or all.")] = "test",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
) -> None:
    """Print precision, recall, F1 and ROC-AUC per task, dataset and language."""
    from moderation.training.cli_output import run_evaluation

    settings = get_settings()
    specs = list(dataset or [f"seed:{settings.data_dir}"])
    try:
        run_evaluation(specs, _models_dir(models_dir), model, split, as_json, err)
    except ModerationError as exc:
        _fail(exc)


@app.command()
def score(
    source: Annotated[Path | None, typer.Argument(help="JSON lines file; standard input when absent or '-'.")] = None,
    model: Annotated[str | None, typer.Option("--model", "-m", help="Version id; the current one by default.")] = None,
    models_dir: ModelsDirOption = None,
) -> None:
    """Score comments given as JSON lines; print one JSON line per comment.

    Each line: {"content": ..., "id": ..., "post": {"title", "body", "tags"}, "site": {"language" or
    "languages", "topic"}, "author": {"name", "email", "url"}}. A malformed line gets an error line
    naming its number, and the other lines are still scored; the exit code is then 1.
    """
    from moderation.scoring.scorer import Scorer

    try:
        scorer = Scorer.load(_models_dir(models_dir), model)
    except ModerationError as exc:
        _fail(exc)
    handle: TextIO = sys.stdin if source is None or str(source) == "-" else source.open(encoding="utf-8")
    failures = 0
    with handle:
        for line in score_lines(scorer, handle):
            failures += "error" in line
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    if failures:
        err.print(f"{failures} line(s) could not be scored")
        raise typer.Exit(1)


@models_app.command("list")
def list_models(models_dir: ModelsDirOption = None) -> None:
    """List model versions, newest last, marking the current one."""
    registry = Registry(_models_dir(models_dir))
    current = registry.current() if registry.has_current() else ""
    table = Table("version", "current", "created", "spam F1", "off-topic F1")
    for v in registry.versions():
        metrics: dict[str, Any] = v.metadata.get("metrics", {})

        def f1(task: str, m: dict[str, Any] = metrics) -> str:
            return str(m.get(task, {}).get("all", {}).get("f1", "–"))

        table.add_row(
            v.version,
            "*" if v.version == current else "",
            v.metadata.get("created_at", ""),
            f1("spam"),
            f1("off_topic"),
        )
    Console().print(table)


@models_app.command("show")
def show_model(version: Annotated[str | None, typer.Argument()] = None, models_dir: ModelsDirOption = None) -> None:
    """Print a version's verified metadata as JSON (the current one by default)."""
    registry = Registry(_models_dir(models_dir))
    try:
        checked = registry.verify(version or registry.current())
    except ModerationError as exc:
        _fail(exc)
    typer.echo(json.dumps({**checked.metadata, "path": str(checked.path)}, indent=2))


def main() -> None:
    """Entry point of the ``moderation`` console script."""
    app()
