"""How long the yearly report takes for a year of synthetic turns.

    .venv/bin/python benchmarks/yearly_report.py [--turns 100000] [--database-url URL]

Fills a throw-away SQLite database (or the given one, which it writes into) with a year of
turns spread over channels, outcomes and 300 procedures, then times the figures, the XLSX
and the PDF, three times each; prints medians.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge_base.db import make_engine, session_factory, upgrade_database  # noqa: E402
from knowledge_base.models import Turn  # noqa: E402
from tthc.backoffice import yearly_report  # noqa: E402

OUTCOMES = ["answered"] * 70 + ["clarified"] * 10 + ["not_found"] * 12 + ["handed_off"] * 3
OUTCOMES += ["rated_good"] * 4 + ["rated_bad"] * 1


def fill(sessions, turns: int, year: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(2026)
    start = datetime(year, 1, 1, tzinfo=UTC)
    rows = []
    for i in range(turns):
        outcome = rng.choice(OUTCOMES)
        rows.append(
            {
                "at": start + timedelta(seconds=rng.randrange(365 * 86400)),
                "conversation_id": f"zalo:{i // 4}",
                "channel": rng.choice(["portal", "portal", "zalo", "rest"]),
                "question": f"câu hỏi số {rng.randrange(5000)} về thủ tục",
                "intent": "ask_documents",
                "procedure_code": f"1.{rng.randrange(300):06d}" if outcome == "answered" else None,
                "outcome": outcome,
                "latency_ms": int(rng.lognormvariate(5, 0.5)),
            }
        )
    with sessions.begin() as session:
        session.bulk_insert_mappings(Turn, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=100_000)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'report.sqlite3'}"
        upgrade_database(url)
        engine = make_engine(url)
        sessions = session_factory(engine)
        fill(sessions, args.turns, args.year)
        font = yearly_report.report_font(None)
        timings: dict[str, list[float]] = {"figures": [], "xlsx": [], "pdf": []}
        for _ in range(3):
            started = time.perf_counter()
            with sessions() as session:
                report = yearly_report.build(session, args.year, "Bắc Ninh")
            built = time.perf_counter()
            yearly_report.to_xlsx(report)
            written = time.perf_counter()
            yearly_report.to_pdf(report, font)
            ended = time.perf_counter()
            timings["figures"].append(built - started)
            timings["xlsx"].append(written - built)
            timings["pdf"].append(ended - written)
        engine.dispose()
    print(f"turns    {args.turns} ({report.figures.questions} questions) in {url.split(':')[0]}")
    for step, values in timings.items():
        print(f"{step:<8} median {statistics.median(values):.2f} s")


if __name__ == "__main__":
    main()
