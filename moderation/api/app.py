"""The FastAPI application: ``create_app(settings)``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import CapacityLimiter
from fastapi import FastAPI

from moderation.api import akismet, comments, errors, health, metrics, model_info, posts, queue, sites
from moderation.api.models import LiveModel
from moderation.config import Settings, get_settings
from moderation.outbox import Courier
from moderation.site_cache import SiteCache
from moderation.store.database import make_engine, session_factory, upgrade
from moderation.ui import routes as ui


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service, on the database and model registry the settings name. The schema is migrated
    and the current model loaded (and verified) here, once per process."""
    settings = settings or get_settings()
    settings.check()
    engine = make_engine(settings.database_url, pool_size=settings.max_in_flight + 4)
    upgrade(engine)
    sessions = session_factory(engine)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        courier = Courier(sessions, settings.secret_key, settings.callback_interval_s)
        if settings.callback_interval_s > 0:
            courier.start()
        yield
        if settings.callback_interval_s > 0:
            courier.stop()
        metrics.process_ended()

    app = FastAPI(
        lifespan=lifespan,
        title="moderation",
        summary="Spam and off-topic moderation for blog comments: webhook, queue and decisions.",
        version="0.1.0",
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.decision_limiter = CapacityLimiter(min(settings.decision_threads, settings.max_in_flight))
    app.state.models = LiveModel(settings.models_dir)
    app.state.site_cache = SiteCache(settings.site_cache_s)
    errors.install(app)
    metrics.install(app, settings.max_in_flight)
    for module in (comments, queue, sites, posts, akismet, health, metrics, model_info):
        app.include_router(module.router)
    ui.install(app)
    return app
