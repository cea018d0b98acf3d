"""One form of address wherever the assistant speaks: the citizen is "anh/chị", never
"bạn" (Rasa's responses, the actions' and the channels' wording, the widget); and the
questions the widget suggests, which the citizen sends as their own, address no one."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.app

ROOT = Path(__file__).resolve().parents[2]
CASUAL = re.compile(r"\bbạn\b", re.IGNORECASE)
# Words by which a message addresses someone: pronouns of address and the polite "ạ".
ADDRESSING = re.compile(r"\b(bạn|anh|chị|em|ông|bà|quý khách|ạ)\b", re.IGNORECASE)


def python_strings(path: Path) -> list[str]:
    """Every string literal of a module (f-strings included), docstrings aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def rasa_responses() -> list[str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return [v["text"] for variants in domain["responses"].values() for v in variants]


def widget_texts() -> list[str]:
    script = (ROOT / "tthc" / "widget" / "tthc-widget.js").read_text(encoding="utf-8")
    table = script[script.index("var TEXT = {") : script.index("};", script.index("var TEXT = {"))]
    return re.findall(r'"([^"]*)"', table)


CATALOGUES = {
    "domain.yml responses": rasa_responses,
    "actions/messages.py": lambda: python_strings(ROOT / "actions" / "messages.py"),
    "connectors/messages.py": lambda: python_strings(ROOT / "connectors" / "messages.py"),
    "the widget's texts": widget_texts,
}


@pytest.mark.parametrize("catalogue", CATALOGUES)
def test_no_text_addresses_the_citizen_as_ban(catalogue: str) -> None:
    texts = CATALOGUES[catalogue]()
    assert texts, f"{catalogue} was not read"
    assert [t for t in texts if CASUAL.search(t)] == []


@pytest.mark.parametrize("catalogue", CATALOGUES)
def test_each_catalogue_speaks_to_anh_chi(catalogue: str) -> None:
    assert any("anh/chị" in text.lower() for text in CATALOGUES[catalogue]())


def test_the_suggested_questions_address_no_one() -> None:
    profile = yaml.safe_load((ROOT / "tthc" / "deployment.yml").read_text(encoding="utf-8"))
    questions = profile["suggested_questions"]
    assert questions, "the shipped profile suggests no questions"
    assert [q for q in questions if ADDRESSING.search(q)] == []
