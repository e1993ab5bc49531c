"""Instructions executed by one piece of work, counted by callgrind: a figure that other programs
on the machine do not move, unlike timings. Run under valgrind with instrumentation off at start;
the script turns it on only around the measured work:

    valgrind --tool=callgrind --instr-atstart=no python bench/instructions.py batch [--explain]
    valgrind --tool=callgrind --instr-atstart=no python bench/instructions.py webhook

``batch``: one ``Scorer.score_many`` of the first 2,000 seed comments, language cache cleared
(after one comment, so imports and profiles are loaded). ``webhook``: 200 signed webhook requests
in this process (after 100 unmeasured; seed corpus comments, no text twice, as
bench/service.py sends them), SQLite in a temporary folder, the app called through
httpx's ASGI transport (the client's work is counted too), scoring run inline instead of in the
decision thread. Read the total from valgrind's ``Collected`` line.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import tempfile
from pathlib import Path

import httpx
from common import ROOT, seed_items
from service import Traffic

import moderation.api.comments
from moderation.api.app import create_app
from moderation.config import Settings
from moderation.scoring.scorer import Scorer
from moderation.sites import create_site
from moderation.store.database import transaction
from moderation.text.language import clear_caches
from moderation.training.corpus import load_seed


def instrument(on: bool) -> None:
    subprocess.run(
        ["callgrind_control", "-i", "on" if on else "off", str(os.getpid())], check=True, capture_output=True
    )


def batch(models_dir: Path, explain: bool) -> None:
    seed = load_seed(ROOT / "data")
    items = seed_items(seed.head(2000))
    scorer = Scorer.load(models_dir)
    scorer.score(*items[0])
    clear_caches()
    instrument(True)
    scorer.score_many(items, explain=explain)
    instrument(False)


async def inline(request, fn, *args):  # type: ignore[no-untyped-def]
    return fn(*args)


def webhook(models_dir: Path) -> None:
    key = "instructions-benchmark-key"
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            database_url=f"sqlite:///{tmp}/bench.db", models_dir=models_dir, secret_key=key, callback_interval_s=0
        )
        app = create_app(settings)
        with transaction(app.state.sessions) as session:
            secret = create_site(session, key, "bench", "Bench", languages=["sv"], topic="Sociala medier")["secret"]
        moderation.api.comments.run_decision = inline  # type: ignore[assignment]

        async def send() -> None:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                bodies = Traffic(secret).bodies(300)
                for body, headers in bodies[:100]:
                    assert (await client.post("/v1/comments", content=body, headers=headers)).status_code == 200
                instrument(True)
                for body, headers in bodies[100:]:
                    await client.post("/v1/comments", content=body, headers=headers)
                instrument(False)

        asyncio.run(send())
        app.state.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("work", choices=["batch", "webhook"])
    parser.add_argument("--explain", action="store_true", help="batch: with reasons and spans")
    parser.add_argument("--models-dir", type=Path, default=ROOT / "models")
    args = parser.parse_args()
    if args.work == "batch":
        batch(args.models_dir, args.explain)
    else:
        webhook(args.models_dir)


if __name__ == "__main__":
    main()
