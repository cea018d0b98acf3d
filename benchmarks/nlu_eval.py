"""Intent macro-F1 of the trained Rasa model on the held-out NLU set (engine environment).

    .venv-engine/bin/python benchmarks/nlu_eval.py [--model models/tthc.tar.gz]
        [--data tests/data/nlu_heldout.yml] [--json]

tests/data/nlu_heldout.yml was written separately from data/nlu.yml and is never trained
on. The figures are reported for the whole set and for its part typed without diacritics.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from vntext.normalization import has_diacritics  # noqa: E402


def load_examples(path: Path) -> list[tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


def macro_f1(gold: list[str], predicted: list[str]) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, f1_score

    labels = sorted(set(gold))
    return {
        "n": len(gold),
        "macro_f1": round(float(f1_score(gold, predicted, labels=labels, average="macro")), 4),
        "accuracy": round(float(accuracy_score(gold, predicted)), 4),
    }


async def predict(model: Path, texts: list[str]) -> tuple[list[str], list[float]]:
    import logging

    import structlog
    from rasa.core.agent import Agent

    # Rasa logs every parse at debug level through structlog; keep the report readable.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    logging.getLogger().setLevel(logging.WARNING)
    agent = Agent.load(str(model))
    intents, latencies = [], []
    for text in texts:
        start = time.perf_counter()
        parsed = await agent.parse_message(text)
        latencies.append((time.perf_counter() - start) * 1000)
        intents.append(parsed["intent"]["name"])
    return intents, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "tthc.tar.gz")
    parser.add_argument("--data", type=Path, default=ROOT / "tests" / "data" / "nlu_heldout.yml")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    examples = load_examples(args.data)
    texts = [text for text, _ in examples]
    gold = [intent for _, intent in examples]
    predicted, latencies = asyncio.run(predict(args.model, texts))
    bare = [i for i, text in enumerate(texts) if not has_diacritics(text)]
    report = {
        "all": macro_f1(gold, predicted),
        "no_diacritics": macro_f1([gold[i] for i in bare], [predicted[i] for i in bare]),
        "parse_ms_median": round(statistics.median(latencies), 1),
        "errors": [
            {"text": t, "gold": g, "predicted": p}
            for t, g, p in zip(texts, gold, predicted, strict=True)
            if g != p
        ],
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    for part in ("all", "no_diacritics"):
        figures = report[part]
        print(
            f"{part:>14}: n={figures['n']} macro-F1={figures['macro_f1']} "
            f"accuracy={figures['accuracy']}"
        )
    print(f"median parse time: {report['parse_ms_median']} ms")
    for error in report["errors"]:
        print(f"  {error['gold']:>22} → {error['predicted']:<22} {error['text']}")


if __name__ == "__main__":
    main()
