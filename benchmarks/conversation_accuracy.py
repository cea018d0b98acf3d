"""Answer accuracy of whole conversations over the national catalogue.

    .venv/bin/python benchmarks/conversation_accuracy.py [--data-dir /tmp/tthc-national]

Imports ../shared/data/procedures/dichvucong-national.jsonl into its own data folder (once;
later runs reuse it), starts the app and the Rasa server, and replays the scripted
conversations of tests/data/conversation_questions.jsonl through the REST channel. A turn
is right when the answer names the expected procedure's code (the right procedure) and
contains every expected fact, compared without diacritics, case, digit grouping or leading
zeros (the right fact). A turn asking two things ("fee+processing_time") expects the facts
of both. Right fact is reported of all turns and of the turns whose procedure is right.
When the assistant asks a clarifying question, the benchmark clicks the expected
procedure's button if it is offered, as a citizen would, and counts the turn under "after
clarification".
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vntext.normalization import fold_diacritics  # noqa: E402

NATIONAL = ROOT.parent / "shared" / "data" / "procedures" / "dichvucong-national.jsonl"
QUESTIONS = ROOT / "tests" / "data" / "conversation_questions.jsonl"
MODEL_DIR = ROOT / ".data" / "models" / "multilingual-e5-small"


def comparable(text: str) -> str:
    """Lower case, no diacritics, 50.000 = 50,000 = 50000, 05 ngày = 5 ngày."""
    text = fold_diacritics(text).lower()
    text = re.sub(r"(?<=\d)[.,](?=\d{3}(?!\d))", "", text)
    text = re.sub(r"\b0+(?=\d)", "", text)
    return re.sub(r"\s+", " ", text)


def prepare(data_dir: Path):  # type: ignore[no-untyped-def]
    """A deployment holding the national catalogue, indexed with its adapted model where
    `tthc kb adapt` made one (TTHC_DATA_DIR=<data dir>), else with the base model."""
    from knowledge_base.importers.runner import import_path
    from knowledge_base.store import count_procedures
    from tthc.services import build_services
    from tthc.settings import Settings

    base = data_dir / "models" / MODEL_DIR.name
    if not base.exists():
        base.parent.mkdir(parents=True, exist_ok=True)
        base.symlink_to(MODEL_DIR)
    settings = Settings(data_dir=data_dir, _env_file=None)
    print(f"Searching with {settings.resolved_embedding_model}", file=sys.stderr)
    services = build_services(settings)
    services.upgrade_database()
    with services.sessions() as session:
        empty = count_procedures(session) == 0
    if empty:
        print(f"Importing {NATIONAL.name} into {data_dir} (once)…", file=sys.stderr)
        import_path(NATIONAL, services.sessions)
    if not services.search.is_current():
        print("Building the index…", file=sys.stderr)
        services.search.reindex()
    return services


def turns_of(item: dict) -> list[tuple[str, str, list[str]]]:
    if "facets" in item:
        return list(zip(item["turns"], item["facets"], item["expects"], strict=True))
    return [(item["turns"][0], item["facet"], item["expect"])]


def replay(url: str, item: dict, run: str) -> list[dict]:
    """Play one conversation; one result per turn. ``run`` keeps each run's conversations
    apart: the tracker store outlives the server, and a conversation must start afresh."""
    results = []
    with httpx.Client(base_url=url, timeout=60) as client:
        for turn, (question, facet, expect) in enumerate(turns_of(item), start=1):

            def send(message: str) -> list[dict]:
                body = {"sender": f"bench-{run}-{item['id']}", "message": message}
                return client.post("/webhooks/rest/webhook", json=body).json()

            reply = send(question)
            clarified = False
            buttons = [b for m in reply for b in m.get("buttons", [])]
            wanted = [b for b in buttons if f'"{item["code"]}"' in b["payload"]]
            if buttons and wanted:
                clarified = True
                reply = send(wanted[0]["payload"])
            text = "\n".join(m.get("text", "") for m in reply)
            right_procedure = f"mã {item['code']}" in text
            missing = [fact for fact in expect if comparable(fact) not in comparable(text)]
            results.append(
                {
                    "id": item["id"],
                    "turn": turn,
                    "facet": facet,
                    "clarified": clarified,
                    "offered_buttons": bool(buttons),
                    "right_procedure": right_procedure,
                    "right_fact": right_procedure and not missing,
                    "missing": missing,
                    "answer_start": text[:160],
                }
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/tthc-national"))
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not NATIONAL.exists():
        sys.exit(f"{NATIONAL} is absent: this benchmark reads the real national catalogue")

    from tthc.rasa_server import running_assistant

    services = prepare(args.data_dir)
    items = [json.loads(line) for line in args.questions.read_text().splitlines() if line]
    with running_assistant(services) as running:
        url = running.rasa_url
        run = secrets.token_hex(4)
        results = [result for item in items for result in replay(url, item, run)]

    n = len(results)
    direct = [r for r in results if not r["clarified"]]
    summary = {
        "conversations": len(items),
        "turns": n,
        "right_procedure": round(sum(r["right_procedure"] for r in results) / n, 3),
        "right_fact": round(sum(r["right_fact"] for r in results) / n, 3),
        "right_fact_of_right_procedure": round(
            sum(r["right_fact"] for r in results)
            / max(1, sum(r["right_procedure"] for r in results)),
            3,
        ),
        "right_fact_without_clarification": round(sum(r["right_fact"] for r in direct) / n, 3),
        "clarifications": sum(r["clarified"] for r in results),
        "first_turns_right_fact": round(
            sum(r["right_fact"] for r in results if r["turn"] == 1) / len(items), 3
        ),
        "follow_up_turns_right_fact": round(
            sum(r["right_fact"] for r in results if r["turn"] > 1)
            / max(1, sum(r["turn"] > 1 for r in results)),
            3,
        ),
    }
    if args.json:
        print(json.dumps({"summary": summary, "turns": results}, ensure_ascii=False, indent=2))
        return
    for r in results:
        mark = "ok " if r["right_fact"] else ("~  " if r["right_procedure"] else "✗  ")
        extra = " (after a clarification)" if r["clarified"] else ""
        print(f"{mark}{r['id']}.{r['turn']} {r['facet']:<18}{extra} {r['missing'] or ''}")
        if not r["right_procedure"]:
            print(f"      answer: {r['answer_start'][:120]!r}")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
