"""What every channel accepts as a request body: one JSON object, a text of bounded length.

The same limits hold on every channel (portal, REST, Zalo), so no door is wider than the
others: a message of at most ``MAX_MESSAGE_CHARS`` characters, a body of at most
``MAX_BODY_BYTES`` (Sanic refuses a larger one with 413 before it is read, see
``bot/server_hardening.py``), JSON that is an object, however it nests.
"""

from __future__ import annotations

import json
from typing import Any

MAX_MESSAGE_CHARS = 10_000
MAX_BODY_BYTES = 256 * 1024  # a message of 10,000 characters is at most ~40 KB of JSON
# One message may hold its conversation this long (Rasa's own wait for an action server is
# five minutes); then the citizen is told it failed and may ask again.
MESSAGE_TIME_LIMIT_SECONDS = 30.0


class BadBody(ValueError):
    """A request body a channel cannot take, with the reason the caller is told."""


def json_object(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object, or BadBody: not JSON, not an object, nested too deep for
    the parser."""
    try:
        body = json.loads(raw or b"")
    except RecursionError:
        raise BadBody("the body is nested too deeply") from None
    except ValueError:  # not JSON, not UTF-8, or an integer of over 4,300 digits
        raise BadBody("the body must be JSON") from None
    if not isinstance(body, dict):
        raise BadBody("the body must be a JSON object")
    return body


def message_text(value: Any, max_chars: int = MAX_MESSAGE_CHARS) -> str:
    """A citizen's message: non-empty text within the length limit, or BadBody."""
    if not isinstance(value, str) or not value.strip():
        raise BadBody("message must be non-empty text")
    if len(value) > max_chars:
        raise BadBody(f"message is longer than {max_chars} characters")
    return value
