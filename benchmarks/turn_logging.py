"""What recording a turn costs per message: reading it from the action call and writing it.

    .venv/bin/python benchmarks/turn_logging.py [--turns 2000] [--database-url URL]

The action endpoint records a turn after Rasa has its answer (a background task), so the
citizen does not wait for it; this prints what it costs the app per message all the same
(describe + insert + commit), on a throw-away SQLite file by default or on the given
database. Medians and 95th percentiles in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from actions.turns import describe_turn, record_turn  # noqa: E402
from knowledge_base.db import make_engine, session_factory, upgrade_database  # noqa: E402

QUESTIONS = [
    ("lệ phí đăng ký kết hôn bao nhiêu", "ask_fee", "1.000894", "fee"),
    (
        "em tên [họ tên], làm căn cước cho con dưới 14 tuổi cần gì",
        "ask_documents",
        "1.014062",
        "documents",
    ),
    ("cap lai bang lai xe mat bao lau", "ask_processing_time", "3.000348", "processing_time"),
    ("đăng ký hộ kinh doanh nộp ở đâu ạ", "ask_where_to_submit", "1.001612", "where_to_submit"),
]


def call(i: int) -> tuple[dict, dict]:
    text, intent, code, facet = QUESTIONS[i % len(QUESTIONS)]
    tracker = {
        "sender_id": f"portal:benchmark-{i // 4}",
        "latest_input_channel": "portal",
        "slots": {},
        "latest_message": {"text": text, "intent": {"name": intent}},
        "events": [{"event": "user", "text": text, "timestamp": time.time() - 0.2}],
    }
    result = {
        "events": [],
        "responses": [
            {"text": "…"},
            {"custom": {"answer": {"procedure_code": code, "facet": facet}}},
        ],
    }
    return {"next_action": "action_answer_procedure", "tracker": tracker}, result


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=2000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'turns.sqlite3'}"
        upgrade_database(url)
        engine = make_engine(url)
        sessions = session_factory(engine)
        describe, total = [], []
        for i in range(args.turns):
            action_call, result = call(i)
            started = time.perf_counter()
            record = describe_turn(action_call, result)
            described = time.perf_counter()
            record_turn(sessions, record)
            ended = time.perf_counter()
            describe.append((described - started) * 1000)
            total.append((ended - started) * 1000)
        engine.dispose()
    print(f"database            {url.split(':')[0]}")
    print(f"turns               {args.turns}")
    for label, values in (("describe", describe), ("describe+write", total)):
        p50, p95 = statistics.median(values), percentile(values, 0.95)
        print(f"{label:<15} p50 / p95  {p50:.3f} / {p95:.3f} ms")


if __name__ == "__main__":
    main()
