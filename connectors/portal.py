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
import base64
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from cachetools import TTLCache
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from connectors import messages
from connectors.bodies import (
    MAX_MESSAGE_CHARS,
    MESSAGE_TIME_LIMIT_SECONDS,
    BadBody,
    json_object,
    message_text,
)
from connectors.conversations import forget_conversation
from connectors.rate_limits import RateLimits
from vntext.personal_data import mask, without_masks
from vntext.receipt_codes import find_receipt_code

logger = logging.getLogger(__name__)

MESSAGE_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
DEFAULT_MAX_MESSAGE_CHARS = MAX_MESSAGE_CHARS
DEFAULT_CONVERSATION_MAX_AGE_DAYS = 30


class ConversationIds:
    """Conversation ids the channel issues: ``<random id>.<issued at>.<signature>``, checked
    by HMAC and valid for ``max_age_seconds`` after they were issued, so an id that leaked
    (a shared computer, a screenshot) stops working; the widget then asks for a new one."""

    ISSUED = re.compile(r"([A-Za-z0-9_-]{24})\.(\d{1,12})\.([A-Za-z0-9_-]{43})")
    LEGACY = re.compile(r"([A-Za-z0-9_-]{24})\.([A-Za-z0-9_-]{43})")  # before issue times

    def __init__(
        self,
        key: str,
        max_age_seconds: float = DEFAULT_CONVERSATION_MAX_AGE_DAYS * 86400,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._key = key.encode()
        self.max_age_seconds = max_age_seconds
        self._clock = clock

    def _signature(self, *parts: str) -> str:
        """HMAC of ``portal:<parts>``; ids issued before they carried their time signed the
        conversation alone."""
        signed = ":".join(("portal", *parts)).encode()
        digest = hmac.new(self._key, signed, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def issue(self) -> str:
        conversation, issued = secrets.token_urlsafe(18), str(int(self._clock()))
        return f"{conversation}.{issued}.{self._signature(conversation, issued)}"

    def conversation(self, token: Any, *, expired_too: bool = False) -> str | None:
        """The conversation a token names, if this deployment issued it and, unless
        ``expired_too`` (deleting an old conversation), it is not too old. For a deletion,
        an id issued before ids carried their time is recognised too."""
        if expired_too and isinstance(token, str) and (old := self.LEGACY.fullmatch(token)):
            conversation, signature = old.groups()
            legacy = self._signature(conversation)
            return conversation if hmac.compare_digest(signature, legacy) else None
        match = self.ISSUED.fullmatch(token) if isinstance(token, str) else None
        if match is None:
            return None
        conversation, issued, signature = match.groups()
        if not hmac.compare_digest(signature, self._signature(conversation, issued)):
            return None
        if not expired_too and self._clock() - int(issued) > self.max_age_seconds:
            return None
        return conversation


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


def _unknown_conversation() -> HTTPResponse:
    return response.json({"error": "unknown conversation", "code": "unknown_conversation"}, 403)


def _too_many(seconds: int) -> HTTPResponse:
    return response.json(
        {"error": "too many messages, please wait", "retry_after": seconds},
        status=429,
        headers={"Retry-After": str(seconds)},
    )


def _address(request: Request) -> str:
    return request.remote_addr or request.ip


class PortalInput(InputChannel):
    """Rasa channel at /webhooks/portal/webhook, used by the widget (tthc/widget/)."""

    @classmethod
    def name(cls) -> str:
        return "portal"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> PortalInput:
        values = credentials or {}
        secret = values.get("conversation_secret") or os.environ.get("PORTAL_CONVERSATION_SECRET")
        max_age_days = values.get("conversation_max_age_days")
        return cls(
            int(values.get("max_message_chars") or DEFAULT_MAX_MESSAGE_CHARS),
            conversation_secret=secret or None,
            limits=RateLimits(
                values.get("messages_per_conversation") or "20/minute",
                values.get("messages_per_address") or "120/minute",
            ),
            issuing=RateLimits(per_address=values.get("conversations_per_address") or "30/minute"),
            lookups=RateLimits(per_address=values.get("dossier_lookups_per_address") or "60/hour"),
            conversation_max_age_days=float(max_age_days or DEFAULT_CONVERSATION_MAX_AGE_DAYS),
        )

    def __init__(
        self,
        max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS,
        conversation_secret: str | None = None,
        limits: RateLimits | None = None,
        issuing: RateLimits | None = None,
        lookups: RateLimits | None = None,
        conversation_max_age_days: float = DEFAULT_CONVERSATION_MAX_AGE_DAYS,
        time_limit_seconds: float = MESSAGE_TIME_LIMIT_SECONDS,
    ) -> None:
        self.max_message_chars = min(max_message_chars, MAX_MESSAGE_CHARS)
        if not conversation_secret:
            logger.warning(
                "No PORTAL_CONVERSATION_SECRET: conversation ids last until Rasa restarts"
            )
        self.ids = ConversationIds(
            conversation_secret or secrets.token_urlsafe(32), conversation_max_age_days * 86400
        )
        self.limits = limits or RateLimits()
        self.issuing = issuing or RateLimits(per_address="30/minute")
        # Dossier look-ups per address, beside the action's own per conversation: new
        # conversations are cheap, so that one alone would let an address walk the codes.
        self.lookups = lookups or RateLimits(per_address="60/hour")
        self.time_limit_seconds = time_limit_seconds
        # Replies kept for retries of the same message_id (10 minutes).
        self.replies: TTLCache[str, Reply] = TTLCache(maxsize=20_000, ttl=600)
        self._tasks: set[asyncio.Task[None]] = set()

    def _validate(self, body: dict[str, Any]) -> tuple[str, str]:
        """The message and its id, or BadBody."""
        message_id = body.get("message_id")
        if not isinstance(message_id, str) or not MESSAGE_ID.fullmatch(message_id):
            raise BadBody("message_id must be 1-64 letters, digits or dashes")
        return message_text(body.get("message"), self.max_message_chars), message_id

    async def _answer(
        self,
        reply: Reply,
        message: UserMessage,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        try:
            await asyncio.wait_for(on_new_message(message), self.time_limit_seconds)
            if not reply.messages:  # the action endpoint did not answer: Rasa says nothing
                await reply.add({"text": messages.ANSWER_FAILED})
        except asyncio.TimeoutError:
            logger.error(
                "A portal message took over %s s and was given up", self.time_limit_seconds
            )
            await reply.add({"text": messages.ANSWER_FAILED})
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

        @webhook.route("/conversations", methods=["POST"])
        async def new_conversation(request: Request) -> HTTPResponse:
            wait = self.issuing.retry_after(_address(request))
            if wait is not None:
                return _too_many(wait)
            return response.json({"sender": self.ids.issue()}, status=201)

        @webhook.route("/forget", methods=["POST"])
        async def forget(request: Request) -> HTTPResponse:
            """Delete the conversation (the widget's "Xóa cuộc trò chuyện"); 200 only once
            the app's records and Rasa's tracker are both gone."""
            try:
                body = json_object(request.body)
            except BadBody as error:
                return _bad_request(str(error))
            conversation = self.ids.conversation(body.get("sender"), expired_too=True)
            if conversation is None:
                return _unknown_conversation()
            wait = self.issuing.retry_after(_address(request))
            if wait is not None:
                return _too_many(wait)
            try:
                await forget_conversation(request.app.ctx.agent, f"portal:{conversation}")
            except Exception:
                logger.exception("A portal conversation could not be deleted")
                return response.json({"error": "the conversation could not be deleted"}, 503)
            for key in [k for k in self.replies if k.startswith(f"{conversation}:")]:
                self.replies.pop(key, None)
            return response.json({"deleted": True})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            try:
                body = json_object(request.body)
                text, message_id = self._validate(body)
            except BadBody as error:
                return _bad_request(str(error))
            sender = self.ids.conversation(body.get("sender"))
            if sender is None:
                return _unknown_conversation()
            key = f"{sender}:{message_id}"
            reply = self.replies.get(key)
            replayed = reply is not None
            if reply is None:
                wait = self.limits.retry_after(_address(request), sender)
                # Nothing downstream (trackers, logs, actions) sees the raw text; a receipt
                # code is found as the action will read it, masks taken out.
                masked = mask(text)
                if wait is None and find_receipt_code(without_masks(masked)):
                    wait = self.lookups.retry_after(_address(request))
                if wait is not None:
                    return _too_many(wait)
                reply = self.replies[key] = Reply()
                message = UserMessage(
                    masked,
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
