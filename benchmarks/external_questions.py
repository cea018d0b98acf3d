"""Write evaluation files from the real questions in ../shared/data (not copied into the repo).

- ``dvc-faq.jsonl``: the national portal's FAQ questions whose expected procedure title
  matches a record of the national catalogue exactly (gold = every record with that title);
- ``moh-faq.jsonl``: the Ministry of Health's questions, out of the knowledge base (gold = []);
  ``moh-faq-examples.jsonl`` and ``moh-faq-test.jsonl`` split them: labelled out-of-scope
  examples for the national adaptation, and the questions to measure refusals on.

Usage: `.venv/bin/python benchmarks/external_questions.py OUT_DIR`, then
`tthc kb eval OUT_DIR/dvc-faq.jsonl --json` over the imported national catalogue.
"""

from __future__ import annotations

import csv
import json
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

INSURANCE = "Bảo hiểm y tế"
DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def title_key(title: str) -> str:
    return " ".join(unicodedata.normalize("NFC", title).lower().split())


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    codes_by_title: dict[str, list[str]] = defaultdict(list)
    with (DATA / "procedures" / "dichvucong-national.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            codes_by_title[title_key(record["ten_thu_tuc"])].append(record["ma_thu_tuc"])
    matched = 0
    with (
        (DATA / "questions" / "dvc-faq-qa.jsonl").open(encoding="utf-8") as source,
        (out_dir / "dvc-faq.jsonl").open("w", encoding="utf-8") as target,
    ):
        for line in source:
            item = json.loads(line)
            gold = codes_by_title.get(title_key(item["expected_procedure_title"]))
            if gold:
                matched += 1
                row = {"question": item["question"], "gold": gold, "style": "dvc_faq"}
                target.write(json.dumps(row, ensure_ascii=False) + "\n")
    by_topic: dict[str, list[str]] = defaultdict(list)
    seen: set[str] = set()
    with (DATA / "questions" / "moh-faq.csv").open(encoding="utf-8-sig") as source:
        for row in csv.DictReader(source):
            question = re.sub(r"^(Câu hỏi\s*)+\d+\s*:\s*", "", row["question"]).strip()
            if question and question not in seen:
                seen.add(question)
                by_topic[row["main_topic"]].append(question)
    everything = [question for questions in by_topic.values() for question in questions]
    examples, test = moh_halves(by_topic)
    for name, questions in (
        ("moh-faq.jsonl", everything),
        ("moh-faq-examples.jsonl", examples),
        ("moh-faq-test.jsonl", test),
    ):
        with (out_dir / name).open("w", encoding="utf-8") as target:
            for question in questions:
                item = {"question": question, "gold": [], "style": "moh_oos"}
                target.write(json.dumps(item, ensure_ascii=False) + "\n")
    print(
        f"dvc-faq: {matched} questions with a matching record; moh-faq: {len(everything)} "
        f"questions, {len(examples)} as out-of-scope examples and {len(test)} to test them on"
    )


def moh_halves(by_topic: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """Every other question of each topic as labelled out-of-scope examples for
    `tthc kb adapt --questions`, the rest to measure refusals on. Health insurance is left
    out of both: issuing its cards is a procedure the national catalogue holds."""
    examples: list[str] = []
    test: list[str] = []
    for topic, questions in by_topic.items():
        if INSURANCE not in topic:
            examples += questions[::2]
            test += questions[1::2]
    return examples, test


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/tthc-external"))
