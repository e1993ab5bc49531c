"""Sites and tokens from the command line, and `moderation serve` answering over real HTTP."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from moderation.secrets import sign, verify
from tests.receiver import CallbackReceiver

ROOT = Path(__file__).resolve().parent.parent
MODERATION = str(Path(sys.executable).parent / "moderation")


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MODERATION, *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120, check=False
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz").status_code == 200
    except httpx.TransportError:
        return False


def test_sites_tokens_and_serve_end_to_end(tmp_path, models_dir):
    env = {
        "PATH": str(Path(sys.executable).parent), "HOME": str(tmp_path),
        "MODERATION_DATABASE_URL": f"sqlite:///{tmp_path}/var/moderation.db", "MODERATION_MODELS_DIR": str(models_dir),
        "MODERATION_SECRET_KEY": "cli-test-server-key-123456",
    }  # fmt: skip
    created = run(
        "sites", "add", "anamma", "--name", "Anamma", "--language", "sv", "--topic", "Sociala medier", env=env
    )
    assert created.returncode == 0, created.stderr
    site = json.loads(created.stdout)
    assert site["secret"].startswith("whsec_") and site["api_key"].startswith("key_")
    listed = json.loads(run("sites", "list", env=env).stdout)
    assert [s["id"] for s in listed] == ["anamma"] and "secret" not in listed[0]
    token = json.loads(run("tokens", "create", "--role", "moderator", "--site", "anamma", env=env).stdout)["token"]
    duplicate = run("sites", "add", "anamma", "--name", "Again", "--language", "sv", env=env)
    assert duplicate.returncode == 2 and "exists already" in duplicate.stderr
    bad = run("sites", "update", "anamma", "--spam-queue-at", "0.99", "--spam-remove-at", "0.5", env=env)
    assert bad.returncode == 2 and "must not exceed" in bad.stderr

    with CallbackReceiver() as platform:
        updated = run(
            "sites", "update", "anamma", "--callback-url", platform.url, "--spam-remove-at", "1", "--off-topic-remove-at",
            "1", "--rules", '{"suspect_words": ["lån", "låna"]}', env=env,
        )  # fmt: skip
        assert updated.returncode == 0, updated.stderr
        port = free_port()
        log = (tmp_path / "serve.log").open("w")
        server = subprocess.Popen(
            [MODERATION, "serve", "--port", str(port), "--workers", "2"], cwd=ROOT, env=env, stdout=log, stderr=log
        )
        try:
            _platform_flow(f"http://127.0.0.1:{port}", server, site["secret"], token, platform, tmp_path)
            _workers_share_connections(port, server)
            _a_dead_worker_is_replaced(f"http://127.0.0.1:{port}", server)
            taken = run("serve", "--port", str(port), "--workers", "2", env=env)
            assert taken.returncode == 2 and "cannot listen" in taken.stderr, taken.stderr
        finally:
            server.terminate()
            server.wait(timeout=10)
            log.close()


def _platform_flow(
    base: str, server: subprocess.Popen, secret: str, token: str, platform: CallbackReceiver, tmp: Path
) -> None:
    """Send a signed comment, get a decision with a note, find it in the queue, decide it as a
    moderator, and receive the signed callback."""
    deadline = time.monotonic() + 60  # loading the model takes seconds on a busy machine
    while not _ready(base):
        assert server.poll() is None, (tmp / "serve.log").read_text()
        assert time.monotonic() < deadline, "moderation serve did not become ready in 60 s"
        time.sleep(0.2)
    body = json.dumps({"site": "anamma", "comment_id": "c-1", "content": "Låna 50 000 kr utan UC idag på www.snabblan.example",
                       "post": {"title": "Sociala medier"}}).encode()  # fmt: skip
    headers = {"Content-Type": "application/json", "X-Moderation-Signature": sign(secret, int(time.time()), body)}
    answer = httpx.post(f"{base}/v1/comments", content=body, headers=headers).json()
    assert answer["action"] == "queue" and answer["note"].startswith("Väntar på granskning")
    auth = {"Authorization": f"Bearer {token}"}
    queue = httpx.get(f"{base}/v1/queue", headers=auth).json()
    assert [item["comment_id"] for item in queue["data"]] == ["c-1"]
    decision = httpx.post(
        f"{base}/v1/queue/{answer['queue_item_id']}/decision", json={"action": "remove", "label": "spam"}, headers=auth
    )
    assert decision.status_code == 200
    deadline = time.monotonic() + 30
    while not platform.delivered:
        assert time.monotonic() < deadline, "no callback within 30 s"
        time.sleep(0.2)
    [(callback_headers, callback_body)] = platform.delivered
    verify(callback_headers["X-Moderation-Signature"], callback_body, [secret], tolerance_s=300)
    assert json.loads(callback_body)["comment_id"] == "c-1" and json.loads(callback_body)["label"] == "spam"
    assert httpx.get(f"{base}/docs").status_code == 200
    _metrics_count_every_worker(base, secret)


def _metrics_count_every_worker(base: str, secret: str) -> None:
    """Two workers share the load; any worker's /metrics counts the decisions of both."""
    for n in range(2, 10):
        body = json.dumps({"site": "anamma", "comment_id": f"c-{n}", "content": f"Tack för inlägget, nummer {n}!",
                           "post": {"title": "Sociala medier"}}).encode()  # fmt: skip
        headers = {"Content-Type": "application/json", "X-Moderation-Signature": sign(secret, int(time.time()), body)}
        assert httpx.post(f"{base}/v1/comments", content=body, headers=headers).status_code == 200
    for _ in range(6):  # new connections: the scrapes land on either worker
        text = httpx.get(f"{base}/metrics", headers={"Connection": "close"}).text
        decided = sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith("moderation_decisions_total{")
        )
        assert decided == 9, text
        assert "moderation_model_info{" in text


def _workers(server: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return [int(pid) for pid in children if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text()]


def _sockets(pid: int) -> int:
    count = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(FileNotFoundError):  # closed meanwhile
            count += fd.readlink().name.startswith("socket:")
    return count


def _workers_share_connections(port: int, server: subprocess.Popen) -> None:
    """Keep-alive connections opened in a burst (as a platform's connection pool does) are spread
    over both workers, not taken mostly by one."""
    workers = _workers(server)
    assert len(workers) == 2, workers
    before = {pid: _sockets(pid) for pid in workers}
    connections = [socket.create_connection(("127.0.0.1", port)) for _ in range(256)]
    try:
        time.sleep(1)
        gained = sorted(_sockets(pid) - before[pid] for pid in workers)
        # a fair split is 128 each; fewer than 96 on one worker happens by chance about once in 30,000
        assert gained[0] >= 96 and sum(gained) == 256, gained
    finally:
        for connection in connections:
            connection.close()


def _a_dead_worker_is_replaced(base: str, server: subprocess.Popen) -> None:
    [victim, survivor] = _workers(server)
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while len(replaced := _workers(server)) < 2 or victim in replaced:
        assert time.monotonic() < deadline, "the dead worker was not replaced in 60 s"
        time.sleep(0.2)
    assert survivor in replaced
    while not _ready(base):  # every connection answered once the new worker has loaded the model
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert all(httpx.get(f"{base}/readyz", headers={"Connection": "close"}).status_code == 200 for _ in range(10))
