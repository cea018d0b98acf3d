"""Benchmark: national catalogue import + index build (time, peak memory), search latency.

Run with `make bench` or `.venv/bin/python benchmarks/kb_benchmark.py [--repeat 3]`.
Uses a temporary data folder (the converted model is reused) and prints figures; it is not
a test, because shared machines are noisy: compare medians and ratios between runs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from knowledge_base.retrieval.evaluation import percentile

ROOT = Path(__file__).resolve().parent.parent
NATIONAL = ROOT.parent / "shared" / "data" / "procedures" / "dichvucong-national.jsonl"
DEVSET = ROOT / "tests" / "data" / "devset.jsonl"

BUILD_SCRIPT = """
import json, resource, sys, time
from pathlib import Path
from knowledge_base.importers.runner import import_path
from tthc.services import build_services
from tthc.settings import get_settings

started = time.perf_counter()
services = build_services(get_settings())
services.upgrade_database()
report = import_path(Path(sys.argv[1]), services.sessions)
imported = time.perf_counter()
services.search.reindex()
built = time.perf_counter()
print(json.dumps({
    "records": report.created + report.updated + report.unchanged,
    "import_s": round(imported - started, 2),
    "index_s": round(built - imported, 2),
    "total_s": round(built - started, 2),
    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
}))
"""


def build_once(data_dir: Path) -> dict[str, float]:
    env = dict(os.environ, TTHC_DATA_DIR=str(data_dir))
    env.setdefault("TTHC_EMBEDDING_MODEL", str(ROOT / ".data" / "models" / "multilingual-e5-small"))
    output = subprocess.run(
        [sys.executable, "-c", BUILD_SCRIPT, str(NATIONAL)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def search_latency(data_dir: Path, rounds: int) -> dict[str, float]:
    os.environ["TTHC_DATA_DIR"] = str(data_dir)
    os.environ.setdefault(
        "TTHC_EMBEDDING_MODEL", str(ROOT / ".data" / "models" / "multilingual-e5-small")
    )
    from tthc.services import build_services
    from tthc.settings import get_settings

    service = build_services(get_settings()).search
    questions = [json.loads(line)["question"] for line in DEVSET.read_text().splitlines() if line]
    for question in questions[:10]:
        service.search(question)
    latencies = []
    for _ in range(rounds):
        for question in questions:
            started = time.perf_counter()
            service.search(question)
            latencies.append((time.perf_counter() - started) * 1000)
    return {
        "searches": len(latencies),
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "max_ms": round(max(latencies), 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=1, help="Import + build runs")
    parser.add_argument("--rounds", type=int, default=3, help="Passes over the dev set")
    args = parser.parse_args()
    if not NATIONAL.exists():
        sys.exit(f"National catalogue not found at {NATIONAL}; nothing to benchmark.")
    with tempfile.TemporaryDirectory(prefix="tthc-bench-") as folder:
        runs = []
        for i in range(args.repeat):
            data_dir = Path(folder) / f"run{i}"
            runs.append(build_once(data_dir))
            print(f"import + index run {i + 1}: {json.dumps(runs[-1])}")
        summary = {
            key: statistics.median(run[key] for run in runs)
            for key in ("import_s", "index_s", "total_s", "peak_rss_mb")
        }
        print("median over runs:", json.dumps(summary))
        print(
            "search latency (warm):", json.dumps(search_latency(Path(folder) / "run0", args.rounds))
        )


if __name__ == "__main__":
    main()
