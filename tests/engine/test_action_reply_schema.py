"""Action replies are still checked exactly as Rasa checks them, with a compiled schema."""

from __future__ import annotations

import jsonschema
import pytest

import bot.normalizer  # noqa: F401  (loading the components installs the check)
from bot import action_reply_schema

pytestmark = pytest.mark.engine

SPEC = {
    "type": "object",
    "properties": {"responses": {"type": "array", "items": {"type": "object"}}},
}


def test_loading_the_components_installs_the_compiled_check() -> None:
    assert jsonschema.validate is action_reply_schema.validate


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
