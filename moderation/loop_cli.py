"""The retraining loop's commands: ``labels export``, ``models compare|promote|rollback``, ``sites
tune`` and ``search``."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from moderation.config import get_settings
from moderation.errors import ModelIntegrityError, ModerationError, PromotionRefused
from moderation.promotion import PromotionRule, current_user, violations
from moderation.registry import ModelVersion, Registry
from moderation.scoring.bundle import ModelBundle
from moderation.service_cli import _session
from moderation.training.evaluate import TASKS

if TYPE_CHECKING:
    from moderation.training.compare import Comparison, EvaluationSet
    from moderation.tuning import Proposal

labels_app = typer.Typer(help="Labels people gave in the service, as training data.", no_args_is_help=True)
# Wide enough for the side-by-side tables when stderr is a file or pipe (rich assumes 80 columns).
err = Console(stderr=True, width=None if sys.stderr.isatty() else 150)
DATE_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z"]


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@labels_app.command("export")
def export(
    since: Annotated[datetime, typer.Option(formats=DATE_FORMATS, help="Labels given at or after (UTC)")],
    out: Annotated[Path, typer.Option(help="CSV file to write (corpus schema; train.py --dataset reads it)")],
    site: Annotated[str | None, typer.Option(help="Only this site")] = None,
) -> None:
    """Write the human labels (moderator decisions, restores, platform feedback) as a training CSV."""
    from moderation.labels import export_labels
    from moderation.sites import get_site

    with _session() as session:
        if site is not None:
            get_site(session, site)
        frame = export_labels(session, _utc(since), site)
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out, index=False)
    counts = ", ".join(f"{label} {n}" for label, n in sorted(frame["label"].value_counts().items())) or "none"
    err.print(f"{len(frame)} labelled comment(s) to {out} ({counts}; {int((frame['split'] == 'test').sum())} test)")


ModelsDirOption = Annotated[Path | None, typer.Option("--models-dir", help="Registry folder (MODERATION_MODELS_DIR).")]
DatasetsOption = Annotated[
    list[str] | None,
    typer.Option("--dataset", "-d", help="Evaluation dataset (its test split); repeatable. Default: data/."),
]
HoldoutOption = Annotated[
    list[str] | None,
    typer.Option("--holdout", help="Labels no version trained on, measured whole (e.g. a recent export); repeatable."),
]


def _fail(exc: ModerationError) -> NoReturn:
    err.print(f"[red]error:[/red] {exc}")
    raise typer.Exit(2) from exc


def _registry(models_dir: Path | None) -> Registry:
    return Registry(models_dir or get_settings().models_dir)


def _sets(datasets: list[str] | None, holdouts: list[str] | None) -> list[EvaluationSet]:
    from moderation.training.compare import evaluation_sets

    return evaluation_sets(list(datasets or [f"seed:{get_settings().data_dir}"]), list(holdouts or []))


def _version(registry: Registry, name: str) -> str:
    return registry.current() if name == "current" else name


def compare(
    champion: Annotated[str, typer.Argument(help="Version id, or 'current'")],
    challenger: Annotated[str, typer.Argument(help="Version id")],
    dataset: DatasetsOption = None,
    holdout: HoldoutOption = None,
    traffic_days: Annotated[int, typer.Option(help="Replay the last N days of stored comments (0: none)")] = 30,
    models_dir: ModelsDirOption = None,
) -> None:
    """Both versions on the same evaluation sets, side by side (table on stderr, JSON on stdout),
    and what each would do to recent traffic in the database (MODERATION_DATABASE_URL)."""
    from moderation.training.compare import head_to_head

    registry = _registry(models_dir)
    rule = PromotionRule.from_settings(get_settings())
    try:
        old, new = registry.load(_version(registry, champion)), registry.load(challenger)
        comparison = head_to_head((old[1].version, old[0]), (new[1].version, new[0]), _sets(dataset, holdout))
    except ModerationError as exc:
        _fail(exc)
    err.print(*comparison_tables(comparison))
    result: dict[str, Any] = {**comparison.as_dict(), "violations": violations(comparison, rule)}
    if traffic_days > 0:
        result["traffic"] = _replay([old, new], traffic_days)
        if result["traffic"]:
            err.print(traffic_table(result["traffic"], traffic_days))
    verdict = "; ".join(result["violations"]) or "not worse on the guarded metrics: promote would accept it"
    err.print(f"guard ({rule}): {verdict}")
    typer.echo(json.dumps(result, indent=2, default=str))


def _replay(models: list[tuple[ModelBundle, ModelVersion]], days: int) -> list[dict[str, Any]]:
    from moderation.scoring.scorer import Scorer
    from moderation.traffic import recent_traffic, replay

    try:
        with _session() as session:
            traffic = recent_traffic(session, datetime.now(UTC) - timedelta(days=days))
    except SQLAlchemyError as exc:  # the comparison stands without traffic; say why it is missing
        err.print(f"[yellow]no traffic replay: the database is unavailable ({type(exc).__name__})[/yellow]")
        return []
    if not len(traffic):
        return []
    return [replay(Scorer(bundle, checked.version), traffic) for bundle, checked in models]


def promote(
    version: Annotated[str, typer.Argument(help="Version id to make current")],
    dataset: DatasetsOption = None,
    holdout: HoldoutOption = None,
    force: Annotated[bool, typer.Option("--force", help="Promote even if worse; recorded as forced")] = False,
    max_f1_drop: Annotated[float | None, typer.Option(help="MODERATION_PROMOTE_MAX_F1_DROP")] = None,
    max_precision_drop: Annotated[float | None, typer.Option(help="MODERATION_PROMOTE_MAX_PRECISION_DROP")] = None,
    min_positives: Annotated[int | None, typer.Option(help="MODERATION_PROMOTE_MIN_POSITIVES")] = None,
    by: Annotated[str | None, typer.Option(help="Who promotes (default: the user running this)")] = None,
    models_dir: ModelsDirOption = None,
) -> None:
    """Make VERSION current if it is not worse than the current version on the guarded metrics;
    the decision is appended to promotions.jsonl. Exit code 1 when refused."""
    from moderation.promotion import promote as promote_version
    from moderation.training.compare import head_to_head

    registry = _registry(models_dir)
    rule = PromotionRule.from_settings(
        get_settings(), max_f1_drop=max_f1_drop, max_precision_drop=max_precision_drop, min_positives=min_positives
    )
    try:
        new = registry.load(version)
        comparison = None
        if registry.has_current() and registry.current() != version:
            try:
                old = registry.load()
            except ModelIntegrityError:
                if not force:
                    raise
                err.print("[yellow]the current version cannot be loaded; forced without a comparison[/yellow]")
            else:
                comparison = head_to_head((old[1].version, old[0]), (version, new[0]), _sets(dataset, holdout))
                err.print(*comparison_tables(comparison))
        record = promote_version(registry, version, comparison, rule, by or current_user(), force)
    except PromotionRefused as exc:
        err.print(f"[red]refused:[/red] {exc}")
        raise typer.Exit(1) from exc
    except ModerationError as exc:
        _fail(exc)
    forced = " (forced)" if record.forced else ""
    err.print(f"{version} is current{forced}; before it: {record.previous or 'none'}")
    typer.echo(json.dumps({k: v for k, v in vars(record).items() if k != "comparison"}, indent=2))


def rollback(
    by: Annotated[str | None, typer.Option(help="Who rolls back (default: the user running this)")] = None,
    models_dir: ModelsDirOption = None,
) -> None:
    """Make current again the version that served before the current one (promotions.jsonl)."""
    from moderation.promotion import rollback as roll_back

    try:
        record = roll_back(_registry(models_dir), by or current_user())
    except ModerationError as exc:
        _fail(exc)
    err.print(f"{record.version} is current again (was {record.previous})")
    typer.echo(json.dumps(vars(record), indent=2))


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def comparison_tables(comparison: Comparison) -> list[Table]:
    """One table per evaluation set: for each task, dataset and language both versions' precision,
    recall and F1 at 0.5; then precision, recall and count of automatic removals at each version's
    own remove threshold."""
    tables = []
    for name, pair in comparison.sets.items():
        old, new = pair["champion"], pair["challenger"]
        table = Table(
            "task", "slice", "rows", "pos", "P old", "R old", "F1 old", "P new", "R new", "F1 new", "ΔF1",
            title=f"{name}: champion {comparison.champion} (old), challenger {comparison.challenger} (new)",
        )  # fmt: skip
        for task in TASKS:
            if task not in old:
                continue
            slices = [("all", old[task]["all"], new[task]["all"])]
            for group, prefix in (("by_source", "dataset"), ("by_language", "language")):
                keys = sorted(old[task][group])
                slices += [(f"{prefix} {k}", old[task][group][k], new[task][group][k]) for k in keys]
            for label, a, b in slices:
                delta = b["f1"] - a["f1"]
                colour = "red" if delta < 0 else "green" if delta > 0 else "white"
                table.add_row(
                    task, label, str(a["rows"]), str(a["positives"]), _cell(a["precision"]), _cell(a["recall"]),
                    _cell(a["f1"]), _cell(b["precision"]), _cell(b["recall"]), _cell(b["f1"]),
                    f"[{colour}]{delta:+.3f}[/{colour}]",
                )  # fmt: skip
            ra, rb = old[task]["at_remove"], new[task]["at_remove"]
            table.add_row(
                task, f"removed at ≥{ra['threshold']} / ≥{rb['threshold']}", str(old[task]["all"]["rows"]), "",
                _cell(ra["precision"]), _cell(ra["recall"]), f"n={ra['removed']}", _cell(rb["precision"]),
                _cell(rb["recall"]), f"n={rb['removed']}", "", end_section=True,
            )  # fmt: skip
        tables.append(table)
    return tables


def traffic_table(replays: list[dict[str, Any]], days: int) -> Table:
    """Each version's approve/queue/remove shares on recent comments, and errors on labelled ones."""
    table = Table(
        "model", "comments", "approve", "queue", "remove", "ham removed", "ham held", "missed",
        title=f"the last {days} days of stored comments, under each site's thresholds and rules",
    )  # fmt: skip
    for r in replays:
        table.add_row(
            r["model"], str(r["comments"]), _cell(r["approve"]), _cell(r["queue"]), _cell(r["remove"]),
            f"{_cell(r['ham_removed'])} of {r['labelled_ham']}", f"{_cell(r['ham_held'])} of {r['labelled_ham']}",
            f"{_cell(r['missed'])} of {r['labelled_spam_or_off_topic']}",
        )  # fmt: skip
    return table


def tune(
    site: Annotated[str, typer.Argument(help="Site id")],
    target_precision: Annotated[float, typer.Option(help="Automatic removals that must be right")] = 0.98,
    target_queue_share: Annotated[float, typer.Option(help="Largest share of comments queued for a human")] = 0.1,
    days: Annotated[int, typer.Option(help="Comments received in the last N days")] = 90,
    model: Annotated[str | None, typer.Option("--model", "-m", help="Version id; the current one by default")] = None,
    apply: Annotated[bool, typer.Option("--apply", help="Write the proposed thresholds to the site")] = False,
    models_dir: ModelsDirOption = None,
) -> None:
    """Propose thresholds for SITE from its own human labels: removal precision at least
    --target-precision, queue share at most --target-queue-share; the trade-off as a table."""
    from moderation import sites as site_ops
    from moderation.scoring.scorer import Scorer
    from moderation.traffic import recent_traffic, scores_of
    from moderation.tuning import propose

    try:
        scorer = Scorer.load(models_dir or get_settings().models_dir, model)
    except ModerationError as exc:
        _fail(exc)
    with _session() as session:
        site_ops.get_site(session, site)
        traffic = recent_traffic(session, datetime.now(UTC) - timedelta(days=days), site)
    if not len(traffic):
        err.print(f"[red]error:[/red] site {site!r} has no comments in the last {days} days")
        raise typer.Exit(2)
    spam, off_topic, _ = scores_of(scorer, traffic)
    proposal = propose(spam, off_topic, traffic.labels, target_precision, target_queue_share)
    err.print(tuning_table(proposal, site, scorer.version))
    if proposal.labelled < 50:
        err.print(f"[yellow]only {proposal.labelled} labelled comments: the proposal is uncertain[/yellow]")
    if proposal.chosen is None:
        err.print(f"[red]no thresholds queue at most {target_queue_share:.0%} of comments[/red]")
        raise typer.Exit(1)
    chosen = proposal.chosen
    if apply:
        with _session() as session:
            site_ops.update_site(
                session, site, spam_queue_at=chosen.spam_queue_at, spam_remove_at=chosen.spam_remove_at,
                off_topic_queue_at=chosen.off_topic_queue_at, off_topic_remove_at=chosen.off_topic_remove_at,
            )  # fmt: skip
        err.print(f"site {site} now uses the proposed thresholds")
    typer.echo(json.dumps({"site": site, "model": scorer.version, "applied": apply, **proposal.as_dict()}, indent=2))


def tuning_table(proposal: Proposal, site: str, version: str) -> Table:
    """The best thresholds for each queue-share budget, the chosen ones marked."""
    table = Table(
        "", "spam queue", "spam remove", "off-topic queue", "off-topic remove", "queued", "removed",
        "removal precision", "caught", "ham held",
        title=f"site {site}, model {version}: {proposal.comments} comments, {proposal.labelled} labelled",
    )  # fmt: skip
    for option in proposal.tradeoff:
        table.add_row(
            "*" if option == proposal.chosen else "", str(option.spam_queue_at), str(option.spam_remove_at),
            str(option.off_topic_queue_at), str(option.off_topic_remove_at), f"{option.queue_share:.1%}",
            f"{option.remove_share:.1%}", _cell(option.remove_precision), _cell(option.caught), _cell(option.ham_held),
        )  # fmt: skip
    return table


def search(
    grid: Annotated[str, typer.Option(help='JSON, set_params names to lists: {"classifier__estimator__C": [1, 4]}')],
    dataset: Annotated[list[str] | None, typer.Option("--dataset", "-d", help="Repeatable; default data/")] = None,
    task: Annotated[str, typer.Option(help="spam or off_topic")] = "spam",
    folds: Annotated[int, typer.Option(min=2)] = 3,
    backend: Annotated[str, typer.Option(help="joblib backend: loky (processes), threading, dask or ray")] = "loky",
    n_jobs: Annotated[int, typer.Option(help="Parallel fits (-1: every core or worker)")] = 2,
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler or Ray cluster address")] = None,
) -> None:
    """Cross-validated F1 of every combination in --grid on the train split (table on stderr, JSON
    on stdout, best first); the test split is left alone for the final comparison."""
    from moderation.training.search import search as run_search

    try:
        parsed = json.loads(grid)
        candidates = run_search(
            list(dataset or [f"seed:{get_settings().data_dir}"]), task, parsed, folds, backend, n_jobs, scheduler
        )
    except json.JSONDecodeError as exc:
        err.print(f"[red]error:[/red] --grid is not JSON: {exc}")
        raise typer.Exit(2) from exc
    except ModerationError as exc:
        _fail(exc)
    table = Table("params", "mean F1", "std", "fit s", title=f"{task}: {folds}-fold cross-validation on {backend}")
    for c in candidates:
        table.add_row(json.dumps(c.params, default=str), f"{c.mean_f1:.4f}", f"{c.std_f1:.4f}", f"{c.mean_fit_s:.1f}")
    err.print(table)
    typer.echo(json.dumps([vars(c) for c in candidates], indent=2, default=str))
