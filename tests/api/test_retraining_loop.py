"""The retraining loop end to end: moderators decide, labels are exported, a challenger is trained,
compared and promoted, and the running service answers with it; a worse challenger is refused; a
rollback brings the champion back."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from moderation.api.app import create_app
from moderation.config import Settings
from moderation.promotion import PromotionLog
from moderation.registry import Registry
from moderation.sites import create_site, create_token
from moderation.store.database import transaction
from moderation.training.corpus import load_seed, split_of
from moderation.training.train import TrainingResult, train
from tests.api.conftest import SECRET_KEY, Service, comment
from tests.api.test_feedback import feedback

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

HAM = [
    "Vi testade att svara varje missnöjd kund på Twitter inom en timme, och klagomålen halverades på ett kvartal.",
    "Håller med om att de anställda måste få vara delaktiga, annars låter företagets konton som pressmeddelanden.",
    "Intressant vinkel på ansvar i sociala medier. Hur mäter ni om dialogen faktiskt förbättrar förtroendet?",
    "Vår kommun började läsa bloggar om sina tjänster och fick många bra idéer från kritiska invånare.",
    "Bra inlägg! Jag tror att små företag har lättare att föra en ärlig dialog med sina kunder på nätet.",
    "Det svåra är att orka svara när kritiken är orättvis, men tystnad blir alltid värre i sociala medier.",
]
SPAM = [
    "Billiga designerväskor från 199 kr, fri frakt idag! Beställ på www.vaskrea-outlet.example",
    "Tjäna 5000 kr om dagen hemifrån med vår kryptorobot, registrera dig gratis på krypto-vinst.example",
    "Köp Viagra och Cialis utan recept, snabb leverans och diskret paket: apotek-billigt.example",
    "SEO-tjänster som ger förstasidan på Google på en vecka! Ring 070-123 45 67 eller besök topprank.example",
    "Låna upp till 600 000 kr utan UC, svar direkt! Ansök nu på snabblan-direkt.example",
    "Bästa casinobonusen i Sverige, 200 free spins utan insättning på spinnvinst.example",
]
OFF_TOPIC = [
    "Är det någon som vet när simhallen i Västerås öppnar igen efter renoveringen?",
    "Min katt har sprungit bort i Hägersten, grå med vit tass, hör av er om ni sett henne!",
    "Säljer en nästan ny barnvagn, blå, hämtas i Uppsala. Skriv till mig om du är intresserad.",
    "Vad tycker ni om det nya bostadsområdet vid sjön? Vi funderar på att flytta dit i vår.",
    "Hej Lisa, jag glömde mina nycklar hos dig i går, kan jag hämta dem i kväll?",
    "Någon som har ett bra recept på kanelbullar utan ägg? Barnen är allergiska.",
]


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {"PATH": str(BIN), "HOME": str(Path.home())}
    return subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=base | env, timeout=600, check=False)


def give_label(service: Service, answer: dict, label: str) -> None:
    """A moderator decides a queued comment; a removed one is restored (ham) or the platform
    confirms its label (every site's moderators see a score of 1.0 removed, whatever the threshold)."""
    if answer["action"] == "queue":
        action = "approve" if label == "ham" else "remove"
        decided = service.client.post(
            f"/v1/queue/{answer['queue_item_id']}/decision", json={"action": action, "label": label},
            headers=service.auth(),
        )  # fmt: skip
    elif label == "ham":
        removed = service.client.get("/v1/queue?status=removed", headers=service.auth()).json()["data"]
        item = next(i["id"] for i in removed if i["comment_id"] == answer["comment_id"])
        decided = service.client.post(f"/v1/comments/{item}/restore", json={}, headers=service.auth())
    else:
        decided = feedback(service, answer["comment_id"], {"site": "blog", "label": label})
    assert decided.status_code in (200, 202), decided.text


@pytest.fixture(scope="module")
def worse(tmp_path_factory: pytest.TempPathFactory, seed_dir: Path, models_dir: Path) -> TrainingResult:
    """``train --promote`` of a version trained on the seed corpus with the training split's labels
    shuffled (deliberately worse; the test split keeps its true labels, so the guard judges it
    fairly), into a copy of the registry whose current version is the good one."""
    frame = load_seed(seed_dir)
    train_rows = frame["content"].map(split_of) == "train"
    shuffled = np.random.default_rng(0).permutation(frame.loc[train_rows, "label"].to_numpy())
    frame.loc[train_rows, "label"] = shuffled
    path = tmp_path_factory.mktemp("shuffled") / "shuffled.csv"
    frame.to_csv(path, index=False)
    registry = tmp_path_factory.mktemp("worse") / "models"
    shutil.copytree(models_dir, registry)
    return train([f"canonical:{path}"], registry, promote=True)


def test_train_promote_goes_through_the_guard(worse, models_dir):
    registry = Registry(worse.version.path.parent)
    assert not worse.promoted and "spam F1" in worse.refused
    assert registry.current() == Registry(models_dir).current()
    last = PromotionLog(registry.root).records()[-1]
    assert (last["action"], last["version"]) == ("refuse", worse.version.version)
    assert list(last["comparison"]["sets"]) == [
        f"canonical:{worse.version.metadata['datasets'][0]['path']} (test split)"
    ]


@pytest.fixture
def loop(database_url: str, models_dir: Path, tmp_path: Path) -> Iterator[tuple[Service, Path]]:
    """The service on its own copy of the registry, checking for a new current version on every
    request, with one site that queues every comment for a moderator."""
    registry = tmp_path / "models"
    shutil.copytree(models_dir, registry)
    settings = Settings(database_url=database_url, models_dir=registry, secret_key=SECRET_KEY, callback_interval_s=0)
    app = create_app(settings)
    app.state.models.check_every_s = 0
    try:
        with transaction(app.state.sessions) as session:
            site = create_site(
                session, SECRET_KEY, "blog", "Anamma", languages=["sv"], note_language="sv",
                topic="Bloggen handlar om sociala medier, marknadsföring och kommunikation för företag.",
                spam_queue_at=0.0, spam_remove_at=1.0, off_topic_queue_at=0.0, off_topic_remove_at=1.0,
            )  # fmt: skip
            token = create_token(session, "moderator", ["blog"])["token"]
        with TestClient(app) as client:
            yield Service(client, app, site["secret"], token, token), registry
    finally:
        app.state.engine.dispose()


def test_decisions_become_a_promoted_model_that_serves_and_a_worse_one_is_refused(loop, worse, tmp_path):
    service, models = loop
    registry = Registry(models)
    champion = registry.current()
    env = {"MODERATION_DATABASE_URL": service.app.state.settings.database_url, "MODERATION_MODELS_DIR": str(models)}

    for label, texts in (("ham", HAM), ("spam", SPAM), ("off_topic", OFF_TOPIC)):
        for i, text in enumerate(texts):
            answer = service.signed(comment(f"{label}-{i}", text)).json()
            assert answer["model_version"] == champion
            give_label(service, answer, label)

    exported = tmp_path / "exported.csv"
    result = run(str(BIN / "moderation"), "labels", "export", "--since", "2020-01-01", "--out", str(exported), env=env)
    assert result.returncode == 0, result.stderr
    assert "18 labelled comment(s)" in result.stderr

    result = run(sys.executable, "train.py", "--dataset", "data/", "--dataset", str(exported), env=env)
    assert result.returncode == 0, result.stderr
    challenger = result.stdout.strip().splitlines()[-1]
    trained_on = {d["path"]: d["rows"] for d in registry.metadata(challenger)["datasets"]}
    assert trained_on[str(exported)] == 18
    assert registry.current() == champion, "training alone does not promote"

    # Labels given after the challenger was trained: a frozen slice neither version has seen.
    trained_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    time.sleep(1)
    for label, texts in (("ham", HAM[:2]), ("spam", SPAM[:2]), ("off_topic", OFF_TOPIC[:2])):
        for i, text in enumerate(texts):
            give_label(service, service.signed(comment(f"recent-{label}-{i}", text + " (igen)")).json(), label)
    recent = tmp_path / "recent.csv"
    result = run(str(BIN / "moderation"), "labels", "export", "--since", trained_at, "--out", str(recent), env=env)
    assert result.returncode == 0 and "6 labelled comment(s)" in result.stderr, result.stderr

    result = run(
        str(BIN / "moderation"), "models", "compare", "current", challenger, "-d", "data/", "--holdout", str(recent),
        env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    compared = json.loads(result.stdout)
    assert (compared["champion"], compared["challenger"]) == (champion, challenger)
    assert set(compared["sets"]) == {"data/ (test split)", f"{recent} (holdout)"}
    holdout = compared["sets"][f"{recent} (holdout)"]
    assert holdout["champion"]["spam"]["all"]["rows"] == 6 and holdout["challenger"]["spam"]["all"]["positives"] == 2
    seed_test = compared["sets"]["data/ (test split)"]
    assert seed_test["champion"]["spam"]["all"]["rows"] == seed_test["challenger"]["spam"]["all"]["rows"] > 400
    assert [r["model"] for r in compared["traffic"]] == [champion, challenger]
    assert compared["traffic"][0]["comments"] == 24 and compared["traffic"][0]["labelled_ham"] == 8
    assert compared["violations"] == []
    assert "F1 old" in result.stderr and "ham removed" in result.stderr

    result = run(str(BIN / "moderation"), "models", "promote", challenger, "--by", "anna", env=env)
    assert result.returncode == 0, result.stderr
    assert registry.current() == challenger
    assert service.client.get("/v1/model", headers=service.auth()).json()["version"] == challenger
    assert (
        service.signed(comment("after-1", "Tack för ett bra inlägg om kunddialog!")).json()["model_version"]
        == challenger
    )

    worse_version = worse.version.path
    shutil.copytree(worse_version, models / worse_version.name)
    result = run(str(BIN / "moderation"), "models", "promote", worse_version.name, env=env)
    assert result.returncode == 1 and "refused" in result.stderr and "spam F1" in result.stderr
    assert registry.current() == challenger
    assert service.client.get("/v1/model", headers=service.auth()).json()["version"] == challenger

    result = run(str(BIN / "moderation"), "models", "rollback", "--by", "anna", env=env)
    assert result.returncode == 0, result.stderr
    assert registry.current() == champion
    assert service.client.get("/v1/model", headers=service.auth()).json()["version"] == champion
    history = [(r["action"], r["version"], r.get("by")) for r in PromotionLog(models).records()]
    assert history[-3:] == [
        ("promote", challenger, "anna"), ("refuse", worse_version.name, history[-2][2]), ("rollback", champion, "anna")
    ]  # fmt: skip

    result = run(
        str(BIN / "moderation"), "sites", "tune", "blog", "--target-precision", "0.9", "--target-queue-share", "0.3",
        "--apply", env=env | {"MODERATION_SECRET_KEY": SECRET_KEY},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    proposal = json.loads(result.stdout)
    chosen = proposal["chosen"]
    assert proposal["model"] == champion and proposal["labelled"] == 24 and proposal["applied"]
    assert chosen["queue_share"] <= 0.3 and (chosen["remove_precision"] or 1.0) >= 0.9
    assert "removal precision" in result.stderr and "uncertain" in result.stderr
    site = json.loads(run(str(BIN / "moderation"), "sites", "show", "blog", env=env).stdout)
    assert site["thresholds"]["spam"] == {"queue_at": chosen["spam_queue_at"], "remove_at": chosen["spam_remove_at"]}
