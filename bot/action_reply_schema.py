"""Check action-server replies against a compiled schema, not a re-checked one.

Rasa 3.6 validates every reply of the action server with ``jsonschema.validate``, which
first re-checks the schema itself against the JSON-Schema meta-schema: 8% of Rasa's CPU
per message (py-spy, benchmarks/conversation_latency.py). The replacement checks each
distinct schema once, keeps its validator, and raises exactly what ``validate`` would
(the best-matching error). Installed by the engine's launcher (``bot/launcher.py``);
engine environment only.
"""

from __future__ import annotations

import json
from typing import Any

import jsonschema

_validators: dict[str, Any] = {}
_original_validate = jsonschema.validate


def validate(
    instance: Any, schema: dict[str, Any], cls: Any = None, *args: Any, **kwargs: Any
) -> None:
    key = json.dumps(schema, sort_keys=True)
    validator = _validators.get(key)
    if validator is None:
        cls = cls or jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        validator = _validators[key] = cls(schema, *args, **kwargs)
    error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
    if error is not None:
        raise error


def install() -> None:
    """Rasa imports ``validate`` from jsonschema at each call, so this takes effect."""
    jsonschema.validate = validate
