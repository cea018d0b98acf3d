"""Precision and recall of the personal-data masking on the project's labelled messages.

    .venv/bin/python benchmarks/personal_data.py [tests/data/personal_data_heldout.txt] [--json]

Each message is measured as written and again typed without diacritics. A labelled piece is
found when masks cover every letter and digit of it; a mask is right when it overlaps a
labelled piece. Recall is by labelled kind (whatever kind the mask says), precision over all
masks; identifiers are every kind but names and addresses.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vntext.personal_data import IDENTIFIERS, find, fold  # noqa: E402

MARK = re.compile(r"\[\[(\w+):(.+?)\]\]")


@dataclass(frozen=True)
class Labelled:
    text: str
    pieces: tuple[tuple[str, int, int], ...]  # kind, start, end


def read(path: Path) -> list[Labelled]:
    """Each line's text and its marked pieces; the same again without diacritics."""
    messages = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, pieces, last = "", [], 0
        for match in MARK.finditer(line):
            text += line[last : match.start()]
            pieces.append((match.group(1), len(text), len(text) + len(match.group(2))))
            text += match.group(2)
            last = match.end()
        text += line[last:]
        messages.append(Labelled(text, tuple(pieces)))
        # Typed without diacritics keeps the capitals a citizen types.
        folded = "".join(
            f.upper() if c.isupper() else f for c, f in zip(text, fold(text), strict=True)
        )
        messages.append(Labelled(folded, tuple(pieces)))
    return messages


def measure(messages: list[Labelled]) -> dict[str, object]:
    found_by_kind, total_by_kind = Counter(), Counter()
    right = masks = 0
    missed, wrong = [], []
    for message in messages:
        spans = [(f.start, f.end) for f in find(message.text)]
        for kind, start, end in message.pieces:
            total_by_kind[kind] += 1
            wanted = [i for i in range(start, end) if message.text[i].isalnum()]
            if all(any(s <= i < e for s, e in spans) for i in wanted):
                found_by_kind[kind] += 1
            else:
                missed.append((kind, message.text[start:end], message.text))
        for start, end in spans:
            masks += 1
            if any(start < e and s < end for _, s, e in message.pieces):
                right += 1
            else:
                wrong.append((message.text[start:end], message.text))

    def recall(kinds: set[str]) -> float:
        total = sum(total_by_kind[k] for k in kinds)
        return round(sum(found_by_kind[k] for k in kinds) / total, 3) if total else 1.0

    identifiers = set(total_by_kind) & IDENTIFIERS | (set(total_by_kind) - {"name", "address"})
    return {
        "messages": len(messages),
        "labelled": sum(total_by_kind.values()),
        "identifier_recall": recall(identifiers),
        "name_recall": recall({"name"}),
        "address_recall": recall({"address"}),
        "recall_by_kind": {
            k: f"{found_by_kind[k]}/{total_by_kind[k]}" for k in sorted(total_by_kind)
        },
        "precision": round(right / masks, 3) if masks else 1.0,
        "masks": masks,
        "missed": missed,
        "wrong": wrong,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "path", nargs="?", type=Path, default=ROOT / "tests/data/personal_data_dev.txt"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = measure(read(args.path))
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=1))
        return
    for key in (
        "messages",
        "labelled",
        "identifier_recall",
        "name_recall",
        "address_recall",
        "precision",
        "masks",
    ):
        print(f"{key:18} {figures[key]}")
    print("recall by kind    ", figures["recall_by_kind"])
    for kind, piece, text in figures["missed"]:
        print(f"  missed {kind}: {piece!r} in {text!r}")
    for piece, text in figures["wrong"]:
        print(f"  wrong: {piece!r} in {text!r}")


if __name__ == "__main__":
    main()
