"""The commands as the data team runs them: python train.py, moderation score / evaluate / models."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from moderation.registry import Registry
from moderation.training.corpus import load_seed

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, stdin: str = "", env_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(Path(sys.executable).parent), "HOME": str(ROOT)}
    if env_dir:
        env["MODERATION_MODELS_DIR"] = str(env_dir)
    return subprocess.run(
        args, input=stdin, capture_output=True, text=True, cwd=ROOT, env=env, timeout=600, check=False
    )


def test_train_py_writes_a_verified_current_version(tmp_path):
    result = run(sys.executable, "train.py", env_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    version = result.stdout.strip().splitlines()[-1]
    registry = Registry(tmp_path)
    assert registry.current() == version
    assert registry.verify(version).metadata["rows"]["train_spam"] > 1500
    assert "fit spam" in result.stderr and "F1" in result.stderr

    second = run(sys.executable, "train.py", env_dir=tmp_path)
    assert second.returncode == 0, second.stderr
    assert registry.current() == version, "a second version is not promoted without --promote"
    assert "not current" in second.stderr


def test_train_py_out_of_core_writes_a_verified_version_and_promotes_through_the_guard(tmp_path):
    args = ("--out-of-core", "--chunk-rows", "1000", "--epochs", "3")
    result = run(sys.executable, "train.py", *args, env_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    version = result.stdout.strip().splitlines()[-1]
    registry = Registry(tmp_path)
    assert registry.current() == version
    assert registry.verify(version).metadata["out_of_core"]["chunk_rows"] == 1000
    last_chunk = len(load_seed(ROOT / "data")) - 2000
    assert f"chunk 3: {last_chunk} rows" in result.stderr and "fit spam, pass 3 of 3" in result.stderr

    second = run(sys.executable, "train.py", *args, "--promote", env_dir=tmp_path)
    assert second.returncode in (0, 1), second.stderr  # 1: the guard refused it
    assert "Traceback" not in second.stderr
    promotions = (tmp_path / "promotions.jsonl").read_text(encoding="utf-8").splitlines()
    assert version in promotions[-1]  # judged against the current version


def test_train_py_reports_a_missing_dataset_clearly(tmp_path):
    result = run(sys.executable, "train.py", "--dataset", "nowhere.csv", env_dir=tmp_path)
    assert result.returncode == 2
    assert "no such dataset: nowhere.csv" in result.stderr
    assert "Traceback" not in result.stderr


def test_score_reads_json_lines_and_reports_bad_lines_by_number(models_dir):
    lines = "\n".join([
        json.dumps({"id": "a", "content": "Köp billiga klockor på http://replica-klockor.example nu!",
                    "site": {"language": "sv", "topic": "Sociala medier"}, "author": {"name": "billiga klockor"}}),
        "{not json",
        json.dumps({"id": "c"}),
        json.dumps({"id": "d", "content": "Bra skrivet om sociala medier!", "post": {"title": "Sociala medier", "tags": ["företag"]}}),
    ])  # fmt: skip
    result = run(str(Path(sys.executable).parent / "moderation"), "score", stdin=lines, env_dir=models_dir)
    assert result.returncode == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("id", o.get("line")) for o in out] == ["a", 2, 3, "d"]
    assert "not valid JSON" in out[1]["error"] and "content" in out[2]["error"]
    scored = out[0]
    assert set(scored) >= {"id", "spam", "off_topic", "language", "reasons", "spans"}
    assert scored["spam"] > 0.5
    assert all(set(r) >= {"code", "text", "weight"} for r in scored["reasons"])
    assert all(0 <= s["start"] < s["end"] for s in scored["spans"])


def test_evaluate_prints_json_metrics_per_dataset_and_language(models_dir):
    result = run(str(Path(sys.executable).parent / "moderation"), "evaluate", "--json", env_dir=models_dir)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    spam = report["metrics"]["spam"]
    assert {"precision", "recall", "f1", "roc_auc"} <= set(spam["all"])
    assert {"sv", "en"} <= set(spam["by_language"])
    assert report["metrics"]["off_topic"]["all"]["rows"] > 0


def test_evaluate_refuses_an_unknown_model(models_dir):
    result = run(str(Path(sys.executable).parent / "moderation"), "evaluate", "--model", "nope-1", env_dir=models_dir)
    assert result.returncode == 2
    assert "no model version 'nope-1'" in result.stderr
