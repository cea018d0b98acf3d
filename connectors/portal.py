"""The public-service portal's chat widget channel: REST in, a stream of messages out.

Why REST rather than socket.io: the assistant only ever speaks in reply, so the widget
needs no server push; a plain POST passes every proxy and load balancer a provincial
portal sits behind (no sticky sessions, no WebSocket upgrade), needs no client library
in the page, and is safe to retry. Each message carries a ``message_id``: a retry after a
dropped connection gets the same answer again (replayed, even while it is still being
produced) instead of a second one, while this process keeps it (ten minutes). The answer
is streamed as JSON lines: a first line ``{"reply": {"message_id", "replayed"}}``, then
one per chat message, as Rasa produces them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from cachetools import TTLCache
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from connectors import messages

logger = logging.getLogger(__name__)

SENDER = re.compile(r"[A-Za-z0-9-]{16,64}")
MESSAGE_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
DEFAULT_MAX_MESSAGE_CHARS = 10_000


class Reply:
    """The messages answering one user message, readable while they are produced."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.done = False
        self.changed = asyncio.Condition()

    async def add(self, message: dict[str, Any]) -> None:
        async with self.changed:
            self.messages.append(message)
            self.changed.notify_all()

    async def finish(self) -> None:
        async with self.changed:
            self.done = True
            self.changed.notify_all()

    async def lines(self) -> Any:
        """Each message as one JSON line, from the first, until the reply is complete."""
        sent = 0
        while True:
            async with self.changed:
                await self.changed.wait_for(lambda s=sent: self.done or len(self.messages) > s)
                new, done = self.messages[sent:], self.done
            sent += len(new)
            for message in new:
                yield json.dumps(message, ensure_ascii=False) + "\n"
            if done and sent == len(self.messages):
                return


class ReplyOutput(CollectingOutputChannel):
    def __init__(self, reply: Reply) -> None:
        super().__init__()
        self.reply = reply

    @classmethod
    def name(cls) -> str:
        return "portal"

    async def _persist_message(self, message: dict[str, Any]) -> None:
        message = {k: v for k, v in message.items() if k != "recipient_id" and v is not None}
        await self.reply.add(message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        # The collecting channel cuts text at blank lines into separate messages; an answer
        # is one chat message here (the actions already keep each under 2,000 characters).
        await self._persist_message(self._message(recipient_id, text=text.strip()))


def _bad_request(reason: str) -> HTTPResponse:
    return response.json({"error": reason}, status=400)


class PortalInput(InputChannel):
    """Rasa channel at /webhooks/portal/webhook, used by the widget (tthc/widget/)."""

    @classmethod
    def name(cls) -> str:
        return "portal"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> PortalInput:
        values = credentials or {}
        return cls(int(values.get("max_message_chars") or DEFAULT_MAX_MESSAGE_CHARS))

    def __init__(self, max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS) -> None:
        self.max_message_chars = max_message_chars
        # Replies kept for retries of the same message_id (10 minutes).
        self.replies: TTLCache[str, Reply] = TTLCache(maxsize=20_000, ttl=600)
        self._tasks: set[asyncio.Task[None]] = set()

    def _validate(self, body: Any) -> tuple[str, str, str] | str:
        if not isinstance(body, dict):
            return "the body must be a JSON object"
        sender, text, message_id = body.get("sender"), body.get("message"), body.get("message_id")
        if not isinstance(sender, str) or not SENDER.fullmatch(sender):
            return "sender must be 16-64 letters, digits or dashes"
        if not isinstance(message_id, str) or not MESSAGE_ID.fullmatch(message_id):
            return "message_id must be 1-64 letters, digits or dashes"
        if not isinstance(text, str) or not text.strip():
            return "message must be non-empty text"
        if len(text) > self.max_message_chars:
            return f"message is longer than {self.max_message_chars} characters"
        return sender, text, message_id

    async def _answer(
        self,
        reply: Reply,
        message: UserMessage,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        try:
            await on_new_message(message)
        except Exception:
            logger.exception("The portal message could not be answered")
            await reply.add({"text": messages.ANSWER_FAILED})
        finally:
            await reply.finish()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("portal_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            try:
                body = json.loads(request.body or b"")
            except (UnicodeDecodeError, json.JSONDecodeError):
                return _bad_request("the body must be JSON")
            checked = self._validate(body)
            if isinstance(checked, str):
                return _bad_request(checked)
            sender, text, message_id = checked
            key = f"{sender}:{message_id}"
            reply = self.replies.get(key)
            replayed = reply is not None
            if reply is None:
                reply = self.replies[key] = Reply()
                message = UserMessage(
                    text,
                    ReplyOutput(reply),
                    f"portal:{sender}",
                    input_channel=self.name(),
                    message_id=message_id,
                )
                # Its own task: a dropped connection does not cancel the answer, which
                # waits here for the retry.
                task = asyncio.create_task(self._answer(reply, message, on_new_message))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

            async def stream(http_response: Any) -> None:
                # First line: whether this is a replay, so the widget knows whether to skip
                # the messages it already shows (a fresh answer starts from nothing).
                head = {"reply": {"message_id": message_id, "replayed": replayed}}
                await http_response.write(json.dumps(head) + "\n")
                async for line in reply.lines():
                    await http_response.write(line)

            return response.stream(stream, content_type="application/x-ndjson; charset=utf-8")

        return webhook
