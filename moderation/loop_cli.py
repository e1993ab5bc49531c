"""The retraining loop's commands: ``labels export``, ``models compare|promote|rollback``, ``sites tune``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from moderation.service_cli import _session

labels_app = typer.Typer(help="Labels people gave in the service, as training data.", no_args_is_help=True)
err = Console(stderr=True)
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

    with _session() as session:
        frame = export_labels(session, _utc(since), site)
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out, index=False)
    counts = ", ".join(f"{label} {n}" for label, n in sorted(frame["label"].value_counts().items())) or "none"
    err.print(f"{len(frame)} labelled comment(s) to {out} ({counts}; {int((frame['split'] == 'test').sum())} test)")
