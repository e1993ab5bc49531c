"""Prometheus metrics (``/metrics``) and the bound on scoring work in flight.

With several worker processes (``moderation serve --workers N``) every process writes its samples
to files in ``PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's multiprocess mode, which ``serve``
turns on), and whichever worker answers a scrape reports the sum over all of them.
"""

from __future__ import annotations

import os
import time

from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from moderation.api import examples
from moderation.api.errors import error_response

REQUESTS = Counter("moderation_requests_total", "HTTP requests", ["route", "method", "status"])
LATENCY = Histogram(
    "moderation_request_seconds", "HTTP request latency", ["route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)  # fmt: skip
DECISIONS = Counter("moderation_decisions_total", "Webhook decisions by action answered", ["action"])
SHED = Counter("moderation_shed_total", "Webhook requests refused because too much work was in flight")
MODEL = Gauge("moderation_model_info", "The model version serving (value 1)", ["version"], multiprocess_mode="liveall")
IN_FLIGHT = Gauge("moderation_webhooks_in_flight", "Webhook requests being scored now", multiprocess_mode="livesum")
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
_serving: list[str] = []  # the version this process last reported

router = APIRouter(tags=["health"])
BOUNDED = ("/v1/comments", "/1.1/comment-check")  # the routes that score


@router.get(
    "/metrics",
    response_class=Response,
    summary="Prometheus metrics",
    responses=examples.text_example(examples.METRICS, CONTENT_TYPE_LATEST),
)
def metrics(request: Request) -> Response:
    """Requests and latency by route, decisions by action, webhooks in flight and shed, and the
    model version serving, in Prometheus' text format; summed over every worker process."""
    version = request.app.state.models.scorer().version
    if _serving and _serving[0] != version:
        MODEL.labels(_serving.pop()).set(0)  # swapped: the old version no longer serves here
    if not _serving:
        _serving.append(version)
    MODEL.labels(version).set(1)
    if not os.environ.get(MULTIPROCESS_DIR):
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


def process_ended() -> None:
    """Forget this process's live gauges (in flight, model version) when it stops."""
    if os.environ.get(MULTIPROCESS_DIR):
        multiprocess.mark_process_dead(os.getpid())


class RequestMetrics:
    """Pure ASGI middleware: count and time every request; answer webhook requests past
    ``max_in_flight`` at once with 503 and Retry-After, instead of queueing them until latency
    explodes. (Starlette's BaseHTTPMiddleware would run each request in a task group with memory
    streams, which costs more than this whole class.)"""

    def __init__(self, app: ASGIApp, max_in_flight: int) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        bounded = method == "POST" and scope["path"] in BOUNDED
        if bounded and self.in_flight >= self.max_in_flight:
            SHED.inc()
            shed = error_response(
                503, "overloaded", f"more than {self.max_in_flight} comments are being scored; retry shortly",
                {"Retry-After": "1"},
            )  # fmt: skip
            await shed(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        if bounded:
            self.in_flight += 1
            IN_FLIGHT.set(self.in_flight)
        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            if bounded:
                self.in_flight -= 1
                IN_FLIGHT.set(self.in_flight)
        route = getattr(scope.get("route"), "path", "unmatched")
        REQUESTS.labels(route, method, str(status)).inc()
        LATENCY.labels(route).observe(time.perf_counter() - started)


def install(app: FastAPI, max_in_flight: int) -> None:
    """Add ``RequestMetrics`` to the app."""
    app.add_middleware(RequestMetrics, max_in_flight=max_in_flight)
