"""Out-of-core training: cost against corpus size, and quality against in-memory training.

1. ``--part size``: data/ repeated to N rows (each copy's texts made distinct by a suffix, as in
   ``learning_curve.py --part size``: the words are the seed corpus's, so only the cost means
   anything), written to one canonical CSV, then one training run per size in a fresh process:
   wall time, the run's own peak (``ru_maxrss`` of the process and of its finished children), and
   the peak of the summed resident memory of the process and all its descendants (language
   detection workers included), sampled every 0.2 s from /proc by this script. ``--cap-mb`` runs
   the training under ``prlimit --as`` (each process's address space capped, a stricter bound
   than resident memory).
2. ``--part quality``: data/ plus the shared public sets, trained in memory and out of core (in
   fresh processes), both measured on the same held-out test split.

    nice -n 10 python bench/out_of_core.py --part size --rows 100000 1000000 [--mode in-memory]
    nice -n 10 python bench/out_of_core.py --part size --rows 1000000 --cap-mb 3000
    nice -n 10 python bench/out_of_core.py --part quality
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from common import ROOT, shared_specs

from moderation.training.corpus import load_seed


def write_repeated(path: Path, rows: int) -> int:
    """data/ repeated (copies with distinct texts) until ``rows`` rows, written copy by copy."""
    seed = load_seed(ROOT / "data")
    written = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        for k in range(rows // len(seed) + 1):
            copy = seed.assign(content=seed["content"] + ("" if k == 0 else f" [{k}]")).iloc[: rows - written]
            copy.to_csv(handle, index=False, header=k == 0)
            written += len(copy)
            if written >= rows:
                break
    return written


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in kB (from /proc)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue
    return total


def run_measured(command: list[str]) -> tuple[dict[str, Any], float]:
    """Run ``command``, sampling its process tree's resident memory; its last stdout line as JSON,
    and the sampled peak in MiB."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    peak = [0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], tree_rss_kb(process.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = process.communicate()
    sampler.join()
    if process.returncode:
        return {"failed": process.returncode, "output": out[-2000:]}, round(peak[0] / 1024, 1)
    return json.loads(out.strip().splitlines()[-1]), round(peak[0] / 1024, 1)


def one_run(specs: list[str], mode: str, chunk_rows: int, models: Path) -> dict[str, Any]:
    """One training run in this process (see ``--one``)."""
    from moderation.training.out_of_core import StreamSettings, train_out_of_core
    from moderation.training.train import train

    def progress(stage: str, seconds: float) -> None:
        print(f"{stage} {seconds:.1f}s", file=sys.stderr, flush=True)

    started = time.perf_counter()
    if mode == "out-of-core":
        result = train_out_of_core(specs, models, StreamSettings(chunk_rows=chunk_rows), progress=progress)
    else:
        result = train(specs, models, progress=progress)
    wall = time.perf_counter() - started
    metadata = result.version.metadata
    return {
        "mode": mode, "rows": metadata["rows"], "wall_s": round(wall, 1), "timings_s": result.timings,
        "peak_memory_mb_reported": result.peak_memory_mb, "metrics_all": {
            task: metadata["metrics"][task]["all"] for task in metadata["metrics"]
        }, "thresholds": metadata["thresholds"], "out_of_core": metadata.get("out_of_core"),
    }  # fmt: skip


def measured(specs: list[str], mode: str, chunk_rows: int, work: Path, cap_mb: int | None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--one", json.dumps(specs), "--mode", mode]
    command += ["--chunk-rows", str(chunk_rows), "--models", str(work / f"models-{mode}")]
    if cap_mb:
        command = ["prlimit", f"--as={cap_mb * 1024 * 1024}", *command]
    result, peak = run_measured(command)
    shutil.rmtree(work / f"models-{mode}", ignore_errors=True)
    return {**result, "peak_tree_rss_mb_sampled": peak, "cap_mb": cap_mb}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=["size", "quality"], default="size")
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000])
    parser.add_argument("--mode", choices=["out-of-core", "in-memory", "both"], default="out-of-core")
    parser.add_argument("--chunk-rows", type=int, default=50_000)
    parser.add_argument("--cap-mb", type=int, help="address-space cap per process (prlimit --as)")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--work", type=Path, help="folder for the corpus and models (a temporary one by default)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "out_of_core.json")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--models", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_run(json.loads(args.one), args.mode, args.chunk_rows, args.models)))
        return
    modes = ["in-memory", "out-of-core"] if args.mode == "both" or args.part == "quality" else [args.mode]
    report: dict[str, Any] = {"measured_at": datetime.now(UTC).isoformat(timespec="seconds"), "runs": []}
    with tempfile.TemporaryDirectory(prefix="ooc-bench-", dir=args.work) as folder:
        work = Path(folder)
        if args.part == "quality":
            for mode in modes:
                run = measured(shared_specs(args.shared), mode, args.chunk_rows, work, args.cap_mb)
                report["runs"].append({"corpus": "data/ + shared public sets", **run})
                print(json.dumps(report["runs"][-1]), flush=True)
        for rows in args.rows if args.part == "size" else []:
            path = work / f"repeated-{rows}.csv"
            written = write_repeated(path, rows)
            about = {"corpus_rows": written, "file_mb": round(path.stat().st_size / 2**20)}
            for mode in modes:
                report["runs"].append(
                    {**about, **measured([f"canonical:{path}"], mode, args.chunk_rows, work, args.cap_mb)}
                )
                print(json.dumps(report["runs"][-1]), flush=True)
            path.unlink()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
