"""Write evaluation files from the real questions in ../shared/data (not copied into the repo).

- ``dvc-faq.jsonl``: the national portal's FAQ questions whose expected procedure title
  matches a record of the national catalogue exactly (gold = every record with that title);
- ``moh-faq.jsonl``: the Ministry of Health's questions, out of the knowledge base (gold = []).

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
    seen: set[str] = set()
    with (
        (DATA / "questions" / "moh-faq.csv").open(encoding="utf-8-sig") as source,
        (out_dir / "moh-faq.jsonl").open("w", encoding="utf-8") as target,
    ):
        for row in csv.DictReader(source):
            question = re.sub(r"^(Câu hỏi\s*)+\d+\s*:\s*", "", row["question"]).strip()
            if question and question not in seen:
                seen.add(question)
                item = {"question": question, "gold": [], "style": "moh_oos"}
                target.write(json.dumps(item, ensure_ascii=False) + "\n")
    print(f"dvc-faq: {matched} questions with a matching record; moh-faq: {len(seen)} questions")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/tthc-external"))
