"""Action replies are still checked exactly as Rasa checks them, with a compiled schema."""

from __future__ import annotations

import importlib
import sys

import jsonschema
import pytest

from bot import action_reply_schema, launcher

pytestmark = pytest.mark.engine

SPEC = {
    "type": "object",
    "properties": {"responses": {"type": "array", "items": {"type": "object"}}},
}


@pytest.fixture(autouse=True)
def compiled_check():  # type: ignore[no-untyped-def]
    """The check as the launcher installs it, removed again after each test."""
    action_reply_schema.install()
    yield
    jsonschema.validate = action_reply_schema._original_validate


def test_importing_the_components_changes_nothing_process_wide(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    jsonschema.validate = action_reply_schema._original_validate
    # Imported afresh (the modules already loaded are put back afterwards).
    for name in ("bot.normalizer", "bot.tokenizer"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    importlib.import_module("bot.normalizer")
    importlib.import_module("bot.tokenizer")

    assert jsonschema.validate is action_reply_schema._original_validate


def test_the_launcher_installs_the_compiled_check_before_rasa_runs(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    jsonschema.validate = action_reply_schema._original_validate
    seen: list[tuple[object, list[str]]] = []
    monkeypatch.setattr(sys, "argv", ["python -m bot.launcher"])
    monkeypatch.setattr(
        "rasa.__main__.main", lambda: seen.append((jsonschema.validate, list(sys.argv)))
    )

    launcher.main(["run", "--port", "5005"])

    assert seen == [(action_reply_schema.validate, ["rasa", "run", "--port", "5005"])]


def test_a_valid_reply_passes() -> None:
    jsonschema.validate({"events": [], "responses": [{"text": "Xin chào"}]}, SPEC)


def test_an_invalid_reply_raises_the_error_rasa_expects() -> None:
    with pytest.raises(jsonschema.ValidationError) as compiled:
        jsonschema.validate({"responses": ["not an object"]}, SPEC)
    with pytest.raises(jsonschema.ValidationError) as original:
        action_reply_schema._original_validate({"responses": ["not an object"]}, SPEC)
    assert compiled.value.message == original.value.message


def test_an_invalid_schema_is_still_refused() -> None:
    with pytest.raises(jsonschema.SchemaError):
        jsonschema.validate({}, {"type": "no-such-type"})


def test_rasa_validates_an_action_reply_through_it() -> None:
    from rasa.core.actions.action import RemoteAction

    action = RemoteAction("action_answer_procedure", None)
    assert action._validate_action_result({"events": [], "responses": [{"text": "ok"}]})
