"""How fast the civil servants' look-up answers: by words, by code, and the whole record.

    .venv/bin/python benchmarks/back_office.py [--national] [--rounds 3]

Builds a throw-away deployment (the seed knowledge base, or with --national the national
catalogue from ../shared/data), signs a civil servant in, and times the pages in process
(no network): a search by words for each development-set question, the same questions'
procedures opened by code, and their printable checklists. Prints medians and p95 in ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import select  # noqa: E402

from knowledge_base.importers.runner import import_path  # noqa: E402
from knowledge_base.models import Procedure  # noqa: E402
from knowledge_base.retrieval.evaluation import percentile  # noqa: E402
from knowledge_base.seed import SEED_PROCEDURES  # noqa: E402
from tthc.api.main import create_app  # noqa: E402
from tthc.backoffice.accounts import Role, create_user  # noqa: E402
from tthc.services import build_services  # noqa: E402
from tthc.settings import Settings  # noqa: E402

NATIONAL = ROOT.parent / "shared" / "data" / "procedures" / "dichvucong-national.jsonl"
DEVSET = ROOT / "tests" / "data" / "devset.jsonl"
MODEL = ROOT / ".data" / "models" / "multilingual-e5-small"


def timed(client: TestClient, urls: list[str]) -> list[float]:
    times = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 303), (url, response.status_code)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--national", action="store_true")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    catalogue = NATIONAL if args.national else SEED_PROCEDURES
    questions = [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines()]
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            data_dir=Path(folder),
            embedding_model=os.environ.get("TTHC_EMBEDDING_MODEL", str(MODEL)),
            _env_file=None,
        )
        services = build_services(settings)
        services.upgrade_database()
        import_path(catalogue, services.sessions)
        services.search.reindex()
        with services.sessions.begin() as session:
            create_user(session, "benchmark", "mật khẩu của phép đo", Role.OFFICER)
            known = set(session.scalars(select(Procedure.code)))
        codes = [c for q in questions for c in q["gold"][:1] if c in known]
        with TestClient(create_app(services), follow_redirects=False) as client:
            page = client.get("/admin/login").text
            token = page.split('name="csrf_token" value="')[1].split('"')[0]
            client.post(
                "/admin/login",
                data={
                    "username": "benchmark",
                    "password": "mật khẩu của phép đo",
                    "csrf_token": token,
                },
            )
            timed(client, ["/admin/lookup?q=khởi+động"])  # loads the model and the index
            figures: dict[str, list[float]] = {
                "by words": [],
                "by code": [],
                "record": [],
                "checklist": [],
            }
            for _ in range(args.rounds):
                figures["by words"] += timed(
                    client, [f"/admin/lookup?q={q['question']}" for q in questions]
                )
                figures["by code"] += timed(client, [f"/admin/lookup?q={c}" for c in codes])
                figures["record"] += timed(client, [f"/admin/procedures/{c}" for c in codes])
                figures["checklist"] += timed(
                    client, [f"/admin/procedures/{c}/checklist" for c in codes]
                )
        services.close()
    print(f"catalogue  {catalogue.name}: {len(questions)} questions, {len(codes)} codes")
    for name, values in figures.items():
        p50, p95 = statistics.median(values), percentile(values, 0.95)
        print(f"{name:<10} p50 / p95  {p50:.1f} / {p95:.1f} ms")


if __name__ == "__main__":
    main()
