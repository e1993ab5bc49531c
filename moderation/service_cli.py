"""``moderation sites|tokens|db|serve``: run the service and manage its tenants."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from moderation import sites as site_ops
from moderation.config import get_settings
from moderation.errors import ModerationError
from moderation.registry import Registry
from moderation.store.database import make_engine, session_factory, transaction, upgrade

sites_app = typer.Typer(help="Sites (blogs) the service moderates.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens for moderators and admins.", no_args_is_help=True)
db_app = typer.Typer(help="The database.", no_args_is_help=True)
err = Console(stderr=True)


@contextmanager
def _session() -> Iterator[Session]:
    """A migrated database's session, committed at the end; domain errors exit with code 2."""
    settings = get_settings()
    try:
        settings.check()
    except ValueError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        with transaction(session_factory(engine)) as session:
            yield session
    except ModerationError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    finally:
        engine.dispose()


def _print(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _settings_values(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


@sites_app.command("add")
def add_site(
    site_id: Annotated[str, typer.Argument(help="Short id, e.g. anamma")],
    name: Annotated[str, typer.Option(help="Display name")],
    language: Annotated[list[str], typer.Option(help="Language the blog writes in; repeatable")],
    topic: Annotated[str, typer.Option(help="What the blog is about, in a sentence")] = "",
    url: Annotated[str, typer.Option(help="The blog's address")] = "",
    callback_url: Annotated[str, typer.Option(help="Where moderator decisions are POSTed")] = "",
    note_language: Annotated[str | None, typer.Option(help="Language of notes (default: first language)")] = None,
    shadow: Annotated[bool, typer.Option("--shadow", help="Decide and record, but always answer approve")] = False,
) -> None:
    """Create a site; prints its webhook secret and API key (shown this once)."""
    with _session() as session:
        created = site_ops.create_site(
            session, get_settings().secret_key, site_id, name, languages=language, topic=topic, url=url,
            callback_url=callback_url, note_language=note_language or language[0], shadow_mode=shadow,
        )  # fmt: skip
    _print(created)


@sites_app.command("list")
def list_sites() -> None:
    """All sites, without secrets."""
    with _session() as session:
        _print([site_ops.site_view(site) for site in site_ops.list_sites(session)])


@sites_app.command("show")
def show_site(site_id: str) -> None:
    """One site, without secrets."""
    with _session() as session:
        _print(site_ops.site_view(site_ops.get_site(session, site_id)))


@sites_app.command("update")
def update_site(
    site_id: str,
    name: Annotated[str | None, typer.Option()] = None,
    language: Annotated[list[str] | None, typer.Option(help="Replaces the languages; repeatable")] = None,
    topic: Annotated[str | None, typer.Option()] = None,
    url: Annotated[str | None, typer.Option()] = None,
    callback_url: Annotated[str | None, typer.Option()] = None,
    note_language: Annotated[str | None, typer.Option()] = None,
    shadow: Annotated[bool | None, typer.Option("--shadow/--no-shadow")] = None,
    spam_queue_at: Annotated[float | None, typer.Option()] = None,
    spam_remove_at: Annotated[float | None, typer.Option()] = None,
    off_topic_queue_at: Annotated[float | None, typer.Option()] = None,
    off_topic_remove_at: Annotated[float | None, typer.Option()] = None,
    rules: Annotated[str | None, typer.Option(help='JSON, e.g. {"blocked_words": ["casino"], "link_limit": 3}')] = None,
) -> None:
    """Change a site's settings, thresholds or rules."""
    try:
        parsed_rules = json.loads(rules) if rules is not None else None
    except json.JSONDecodeError as exc:
        err.print(f"[red]error:[/red] --rules is not JSON: {exc}")
        raise typer.Exit(2) from exc
    values = _settings_values(
        name=name, languages=language, topic=topic, url=url, callback_url=callback_url, note_language=note_language,
        shadow_mode=shadow, spam_queue_at=spam_queue_at, spam_remove_at=spam_remove_at,
        off_topic_queue_at=off_topic_queue_at, off_topic_remove_at=off_topic_remove_at, rules=parsed_rules,
    )  # fmt: skip
    with _session() as session:
        _print(site_ops.site_view(site_ops.update_site(session, site_id, **values)))


@sites_app.command("rotate-secret")
def rotate_secret(site_id: str) -> None:
    """A new webhook secret; the previous one stays valid until the next rotation."""
    with _session() as session:
        _print({"site": site_id, "secret": site_ops.rotate_secret(session, get_settings().secret_key, site_id)})


@tokens_app.command("create")
def create_token(
    role: Annotated[str, typer.Option(help="moderator or admin")],
    site: Annotated[list[str], typer.Option(help="Site the token may act on; repeatable")],
) -> None:
    """A new bearer token (shown this once; stored hashed)."""
    with _session() as session:
        _print(site_ops.create_token(session, role, site))


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema (the service and every command also do this on first use)."""
    engine = make_engine(get_settings().database_url)
    upgrade(engine)
    engine.dispose()
    typer.echo("database is at the latest revision")


def serve(
    host: Annotated[str | None, typer.Option(help="MODERATION_HOST")] = None,
    port: Annotated[int | None, typer.Option(help="MODERATION_PORT")] = None,
    workers: Annotated[int | None, typer.Option(help="MODERATION_WORKERS")] = None,
) -> None:
    """Run the HTTP service (uvicorn)."""
    import uvicorn

    from moderation.api.metrics import MULTIPROCESS_DIR
    from moderation.workers import APP, Workers

    settings = get_settings()
    try:  # say what is missing before uvicorn starts workers that would each fail on it
        settings.check()
        Registry(settings.models_dir).load()  # verified, and trained on the features this code computes
    except (ValueError, ModerationError) as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    processes, host, port = workers or settings.workers, host or settings.host, port or settings.port
    metrics_dir = None
    if processes > 1 and not os.environ.get(MULTIPROCESS_DIR):
        # Each worker writes its metrics here, so any worker's /metrics answers for all of them.
        metrics_dir = tempfile.mkdtemp(prefix="moderation-metrics-")
        os.environ[MULTIPROCESS_DIR] = metrics_dir
    try:
        if processes > 1:  # a listening socket per worker: see moderation/workers.py
            Workers(host, port, processes).run()
        else:
            uvicorn.run(APP, factory=True, host=host, port=port, log_level="info")
    except OSError as exc:  # the address is taken, or not this machine's
        err.print(f"[red]error:[/red] cannot listen on {host}:{port}: {exc}")
        raise typer.Exit(2) from exc
    finally:
        if metrics_dir:
            shutil.rmtree(metrics_dir, ignore_errors=True)
