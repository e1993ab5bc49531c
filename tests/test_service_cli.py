"""Sites and tokens from the command line, and `moderation serve` answering over real HTTP."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from moderation.secrets import sign

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

    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen([MODERATION, "serve", "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60  # loading the model takes seconds on a busy machine
        while not _ready(base):
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "moderation serve did not become ready in 60 s"
            time.sleep(0.2)
        body = json.dumps({"site": "anamma", "comment_id": "1", "content": "Låna 50 000 kr utan UC idag på www.snabblan.example",
                           "post": {"title": "Sociala medier"}}).encode()  # fmt: skip
        headers = {
            "Content-Type": "application/json",
            "X-Moderation-Signature": sign(site["secret"], int(time.time()), body),
        }
        answer = httpx.post(f"{base}/v1/comments", content=body, headers=headers).json()
        assert answer["action"] in ("queue", "remove") and answer["note"]
        queue = httpx.get(f"{base}/v1/queue?status={'pending' if answer['action'] == 'queue' else 'removed'}",
                          headers={"Authorization": f"Bearer {token}"}).json()  # fmt: skip
        assert queue["count"] == 1
        assert httpx.get(f"{base}/docs").status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
