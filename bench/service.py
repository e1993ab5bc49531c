"""Webhook latency and throughput over loopback HTTP against a running `moderation serve`, on SQLite
and on PostgreSQL, at steady request rates; with a bare FastAPI echo endpoint measured in the same
run as the baseline.

    python bench/service.py [--rates 100 200 300] [--seconds 20] [--workers 2]

Open loop: requests leave at the scheduled rate whatever the answers, so queueing shows in the
latency. Every request is a new signed comment, stored before it is answered. Needs a current
model in models/ (or MODERATION_MODELS_DIR) and, for PostgreSQL, a server at 127.0.0.1:5432.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from common import ROOT
from sqlalchemy import create_engine, text

from moderation.secrets import sign

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
COMMENTS = [
    "Håller med, företagen borde lyssna mer på sina kunder i sociala medier.",
    "Låna 50 000 kr utan UC idag på www.snabblan.example, svar direkt!",
    "Vet någon om tandläkaren på Storgatan tar emot nya patienter?",
    "Great post, check out my channel for more marketing tips http://channel.example",
]
ECHO_APP = """
from fastapi import FastAPI, Request
app = FastAPI()
@app.post("/echo")
async def echo(request: Request):
    return await request.json()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(url).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} not ready in 90 s")


class Connections:
    """Keep-alive HTTP/1.1 connections speaking raw bytes: a load generator light enough to leave
    the CPU to the server (an httpx client costs more per request than the echo app)."""

    def __init__(self, port: int, size: int) -> None:
        self.port, self.size = port, size
        self.free: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()

    async def open(self) -> None:
        for _ in range(self.size):
            self.free.put_nowait(await asyncio.open_connection("127.0.0.1", self.port))

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> int:
        reader, writer = await self.free.get()
        try:
            head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
            writer.write(
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}Content-Length: {len(body)}\r\n\r\n".encode() + body
            )
            await writer.drain()
            status_line = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            return int(status_line.split()[1])
        finally:
            self.free.put_nowait((reader, writer))

    async def close(self) -> None:
        while not self.free.empty():
            _, writer = self.free.get_nowait()
            writer.close()


async def steady(port: int, bodies: list[tuple[bytes, dict[str, str]]], rate: float, seconds: float) -> dict[str, Any]:
    """Send ``rate`` requests a second for ``seconds``; latency of each, from its scheduled start."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    connections = Connections(port, 256)
    await connections.open()

    async def one(body: bytes, headers: dict[str, str], scheduled: float) -> None:
        try:
            status = await connections.post("/v1/comments", body, headers)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            status = 0
        statuses[status] = statuses.get(status, 0) + 1
        latencies.append(time.perf_counter() - scheduled)

    total = int(rate * seconds)
    start = time.perf_counter() + 0.2
    tasks = []
    for i in range(total):
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(*bodies[i % len(bodies)], scheduled)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    await connections.close()
    latencies.sort()
    return {
        "rate": rate, "sent": total, "answered_per_s": round(statuses.get(200, 0) / elapsed, 1), "statuses": statuses,
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
    }  # fmt: skip


async def max_throughput(port: int, path: str, body: bytes, seconds: float, concurrency: int = 32) -> float:
    """Closed loop: ``concurrency`` connections sending as fast as answers come back."""
    connections = Connections(port, concurrency)
    await connections.open()
    done = 0
    stop = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal done
        while time.perf_counter() < stop:
            await connections.post(path, body, {"Content-Type": "application/json"})
            done += 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    await connections.close()
    return round(done / seconds, 1)


def signed_bodies(secret: str, count: int) -> list[tuple[bytes, dict[str, str]]]:
    bodies = []
    for i in range(count):
        payload = {
            "site": "bench", "comment_id": f"{uuid.uuid4().hex}", "content": COMMENTS[i % len(COMMENTS)],
            "post": {"id": "p1", "title": "Sociala medier = Corporate Responsibility", "body": "Företag och kunder."},
            "author": {"name": f"Author {i % 50}", "email": f"a{i % 50}@example.com"},
        }  # fmt: skip
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", "X-Moderation-Signature": sign(secret, int(time.time()), body)}
        bodies.append((body, headers))
    return bodies


def run_service(database_url: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    env = {**os.environ, "MODERATION_DATABASE_URL": database_url, "MODERATION_CALLBACK_INTERVAL_S": "0"}
    moderation = str(Path(sys.executable).parent / "moderation")
    created = subprocess.run(
        [moderation, "sites", "add", "bench", "--name", "Bench", "--language", "sv", "--topic", "Sociala medier"],
        env=env, capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    secret = json.loads(created.stdout)["secret"]
    port = free_port()
    log_path = ROOT / "bench" / "results" / f"serve-{database_url.split(':')[0].split('+')[0]}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("w")
    server = subprocess.Popen(
        [moderation, "serve", "--port", str(port), "--workers", str(args.workers)], env=env, cwd=ROOT,
        stdout=log, stderr=log,
    )  # fmt: skip
    try:
        wait_ready(f"http://127.0.0.1:{port}/readyz", server)
        warm_up = signed_bodies(secret, 100)  # two seconds at 50/s, not measured
        asyncio.run(steady(port, warm_up, 50, 2))
        results = []
        for rate in args.rates:
            bodies = signed_bodies(secret, int(rate * args.seconds))
            results.append(asyncio.run(steady(port, bodies, rate, args.seconds)))
            print(f"  {rate} req/s: {results[-1]}", flush=True)
        return results
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rates", type=float, nargs="+", default=[100, 200, 300])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--databases", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"])
    args = parser.parse_args()
    report: dict[str, Any] = {"workers": args.workers, "seconds": args.seconds}
    with tempfile.TemporaryDirectory() as tmp:
        echo = Path(tmp) / "echo_app.py"
        echo.write_text(ECHO_APP)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "echo_app:app", "--port", str(port), "--workers", str(args.workers),
             "--log-level", "warning"], cwd=tmp,
        )  # fmt: skip
        try:
            time.sleep(3)
            body = json.dumps({"site": "bench", "content": COMMENTS[0]}).encode()
            report["echo_max_per_s"] = asyncio.run(max_throughput(port, "/echo", body, 10))
            print(f"echo baseline: {report['echo_max_per_s']} req/s", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)
        if "sqlite" in args.databases:
            print("SQLite:", flush=True)
            report["sqlite"] = run_service(f"sqlite:///{tmp}/bench.db", args)
    if "postgresql" not in args.databases:
        write_report(report)
        return
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        print("PostgreSQL:", flush=True)
        report["postgresql"] = run_service(f"{POSTGRES}?options=-csearch_path%3D{schema}", args)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    write_report(report)


def write_report(report: dict[str, Any]) -> None:
    out = ROOT / "bench" / "results" / "service.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
