"""Webhook latency and throughput over loopback HTTP against a running `moderation serve`, on SQLite
and on PostgreSQL, at steady request rates; with a bare FastAPI echo endpoint measured in the same
run as the baseline.

    python bench/service.py [--rates 100 200 300] [--seconds 20] [--workers 2]

Open loop: requests leave at the scheduled rate whatever the answers, so queueing shows in the
latency. Every request is a new signed comment (a seed corpus comment under its post, no text
sent twice), stored before it is answered. Each rate also reports the CPU milliseconds spent per
answered request by the server, PostgreSQL and the load generator, and how many of the machine's
cores were busy. Needs a current model in models/ (or MODERATION_MODELS_DIR) and, for
PostgreSQL, a server at 127.0.0.1:5432.
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
from moderation.training.corpus import load_seed

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ECHO_APP = """
from fastapi import FastAPI, Request
app = FastAPI()
@app.post("/echo")
async def echo(request: Request):
    return await request.json()
"""


TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[str, int, int]]:
    """Every process: its name, parent and CPU ticks used (user + system), from /proc."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # ended meanwhile
            continue
        name, rest = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :].split()
        found[int(stat.parent.name)] = (name, int(rest[1]), int(rest[11]) + int(rest[12]))
    return found


def cpu_seconds(server_pid: int) -> dict[str, float]:
    """CPU time used so far by the server (its processes), PostgreSQL's processes, this load
    generator, and the whole machine (every core, from /proc/stat)."""
    processes = _processes()
    tree, grew = {server_pid}, True
    while grew:
        children = {pid for pid, (_, parent, _) in processes.items() if parent in tree} - tree
        tree, grew = tree | children, bool(children)
    ticks = {
        "server": sum(processes[p][2] for p in tree if p in processes),
        "postgresql": sum(t for name, _, t in processes.values() if name == "postgres"),
        "load_generator": processes.get(os.getpid(), ("", 0, 0))[2],
    }
    fields = Path("/proc/stat").read_text().split("\n")[0].split()[1:]
    ticks["machine"] = sum(int(x) for i, x in enumerate(fields[:8]) if i not in (3, 4))  # less idle, iowait
    return {key: value / TICKS_PER_S for key, value in ticks.items()}


def cpu_per_request(before: dict[str, float], after: dict[str, float], answered: int) -> dict[str, float]:
    """CPU milliseconds per answered request, by who spent them (``machine``: every process's)."""
    used = {key: after[key] - before[key] for key in after}
    return {f"{key}_ms": round(1000 * value / max(answered, 1), 2) for key, value in used.items()}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, process: subprocess.Popen[bytes], log_path: Path, workers: int) -> None:
    """Until ``url`` answers 200 and every worker has logged its start: /readyz answers as soon as
    one does, and a warm-up sent then would reach that one alone (each listens once started)."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            started = log_path.read_text().count("Application startup complete")
            if started >= workers and httpx.get(url).status_code == 200:
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
            request = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}Content-Length: {len(body)}\r\n\r\n"
            for attempt in range(2):
                if attempt:  # closed by the server after its keep-alive timeout (low rates): a new one
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.write(request.encode() + body)
                await writer.drain()
                if status_line := await reader.readline():
                    break
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


class Traffic:
    """Signed webhook bodies, each a new comment: the seed corpus' comments under their posts, in a
    fixed shuffled order, a lap number appended once all have been sent. No two texts are the same,
    so no per-text cache (the language guess is one) answers for the scorer."""

    def __init__(self, secret: str) -> None:
        seed = load_seed(ROOT / "data").sample(frac=1.0, random_state=0)
        self.secret, self.rows, self.sent = secret, list(seed.itertuples()), 0

    def bodies(self, count: int) -> list[tuple[bytes, dict[str, str]]]:
        bodies = []
        for i in range(self.sent, self.sent + count):
            row, lap = self.rows[i % len(self.rows)], i // len(self.rows)
            payload = {
                "site": "bench", "comment_id": uuid.uuid4().hex,
                "content": f"{row.content} ({lap})" if lap else row.content,
                "post": {"id": row.post_id, "title": row.post_title, "body": row.post_body,
                         "tags": row.post_tags.split(";")},
                "author": {"name": row.author_name, "email": row.author_email, "url": row.author_url},
            }  # fmt: skip
            body = json.dumps(payload).encode()
            signature = sign(self.secret, int(time.time()), body)
            bodies.append((body, {"Content-Type": "application/json", "X-Moderation-Signature": signature}))
        self.sent += count
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
        wait_ready(f"http://127.0.0.1:{port}/readyz", server, log_path, args.workers)
        traffic = Traffic(secret)
        # Warm-up, not measured: four seconds at 100/s, so that each worker has met nearly every post
        # (a comment under a post new to the process costs twice the CPU: its post is vectorised),
        # as a running service has.
        asyncio.run(steady(port, traffic.bodies(400), 100, 4))
        results = []
        for rate in args.rates:
            bodies = traffic.bodies(int(rate * args.seconds))
            before, started = cpu_seconds(server.pid), time.perf_counter()
            result = asyncio.run(steady(port, bodies, rate, args.seconds))
            after, elapsed = cpu_seconds(server.pid), time.perf_counter() - started
            result["cpu_per_request"] = cpu_per_request(before, after, result["statuses"].get(200, 0))
            result["busy_cores"] = round((after["machine"] - before["machine"]) / elapsed, 2)
            results.append(result)
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
            body = json.dumps(
                {"site": "bench", "content": "Håller med, företagen borde lyssna mer på sina kunder."}
            ).encode()
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
