"""The Zalo Official Account channel: Zalo's webhook in, the OA Open API out.

Zalo wants HTTP 200 within 2 seconds and redelivers otherwise, so the webhook checks the
signature, the timestamp and whether the event is new, acknowledges at once and runs
the conversation in the background; answers go back through the API.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cachetools import TTLCache
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from connectors import messages
from connectors.bodies import MAX_MESSAGE_CHARS, MESSAGE_TIME_LIMIT_SECONDS
from connectors.conversations import forget_conversation
from connectors.rate_limits import RateLimits
from connectors.recent_events import RecentEvents, recent_events
from connectors.zalo import events, signature
from connectors.zalo.api import DEFAULT_API_URL, DEFAULT_OAUTH_URL, ZaloClient
from connectors.zalo.events import EventKind, MalformedEvent, ZaloEvent
from connectors.zalo.tokens import Tokens, TokenStore
from vntext.chat_format import split_message
from vntext.personal_data import mask

logger = logging.getLogger(__name__)

GREET = "/greet"
MAX_BUTTONS = 5  # Zalo's button template
MAX_BUTTON_TITLE = 100
DEFAULT_TOKEN_FILE = Path(".data") / "zalo_tokens.json"
# Background answering: conversations in flight at once (one queue each, a user always in
# the same one), and how acknowledgements of a burst get ahead of the work (ZaloInput._work).
WORKERS = 8
QUIET_SECONDS = 0.02
MAX_DEFER_SECONDS = 1.0
# Zalo's clock and ours may differ a little; an event from further in the future is forged
# or replayed with a made-up time.
MAX_CLOCK_SKEW_SECONDS = 30


@dataclass(frozen=True)
class ZaloSettings:
    """The ``connectors.zalo.channel.ZaloInput`` section of credentials.yml, else ZALO_* vars."""

    app_id: str
    oa_secret_key: str  # signs the webhook
    app_secret: str  # authenticates token refreshes
    access_token: str | None
    refresh_token: str | None
    token_file: Path
    api_url: str = DEFAULT_API_URL
    oauth_url: str = DEFAULT_OAUTH_URL
    max_event_age_seconds: float = 300
    redis_url: str | None = None

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> ZaloSettings:
        values = credentials or {}

        def setting(key: str, default: Any = None) -> Any:
            value = values.get(key)
            if value in (None, ""):
                value = os.environ.get(f"ZALO_{key.upper()}", default)
            return value

        return cls(
            app_id=str(setting("app_id", "")),
            oa_secret_key=str(setting("oa_secret_key", "")),
            app_secret=str(setting("app_secret", "")),
            access_token=setting("access_token"),
            refresh_token=setting("refresh_token"),
            token_file=Path(setting("token_file", DEFAULT_TOKEN_FILE)),
            api_url=setting("api_url", DEFAULT_API_URL),
            oauth_url=setting("oauth_url", DEFAULT_OAUTH_URL),
            max_event_age_seconds=float(setting("max_event_age_seconds", 300)),
            redis_url=setting("redis_url"),
        )

    @property
    def configured(self) -> bool:
        return bool(self.app_id and self.oa_secret_key)


def _reject(status: int, reason: str, event: ZaloEvent | None, request: Request) -> HTTPResponse:
    # Never log the signature, the secret or the message text.
    logger.warning(
        "Zalo webhook rejected (%s): event=%s from %s",
        reason,
        event.name if event else "-",
        request.remote_addr or request.ip,
    )
    return response.json({"error": reason}, status=status)


class OfferedButtons:
    """Buttons shown to each user, so a click (Zalo sends the title back) maps to its payload.

    The title is what the citizen sees in the chat, instead of an intent payload.
    """

    def __init__(self, ttl_seconds: float = 3600) -> None:
        self._offered: TTLCache[str, dict[str, str]] = TTLCache(maxsize=50_000, ttl=ttl_seconds)

    def remember(self, user: str, buttons: dict[str, str]) -> None:
        self._offered[user] = buttons

    def resolve(self, user: str, text: str) -> str:
        return self._offered.get(user, {}).get(text.strip(), text)

    def forget(self, user: str) -> None:
        self._offered.pop(user, None)


def zalo_buttons(buttons: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Rasa buttons as Zalo's: links and phone numbers open, the rest send their title."""
    converted: list[dict[str, Any]] = []
    queries: dict[str, str] = {}
    for button in buttons[:MAX_BUTTONS]:
        title = str(button.get("title") or "").strip()[:MAX_BUTTON_TITLE]
        payload = str(button.get("payload") or button.get("url") or "").strip()
        if not title:
            continue
        if payload.startswith(("https://", "http://")):
            converted.append({"title": title, "type": "oa.open.url", "payload": {"url": payload}})
        elif payload.startswith("tel:"):
            converted.append(
                {"title": title, "type": "oa.open.phone", "payload": {"phone_code": payload[4:]}}
            )
        else:
            converted.append({"title": title, "type": "oa.query.show", "payload": title})
            queries[title] = payload or title
    return converted, queries


class ZaloOutput(OutputChannel):
    """Sends the assistant's messages to one Zalo user through the OA API."""

    def __init__(
        self, client: ZaloClient, recipient: dict[str, str], user: str, buttons: OfferedButtons
    ) -> None:
        self.client = client
        self.recipient = recipient
        self.user = user
        self.buttons = buttons
        self.sent = 0

    @classmethod
    def name(cls) -> str:
        return "zalo"

    async def _send(self, message: dict[str, Any]) -> None:
        await self.client.send(self.recipient, message)
        self.sent += 1

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        self.buttons.forget(self.user)  # earlier buttons no longer answer this message
        for part in split_message(text):
            await self._send({"text": part})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        parts = split_message(text) or [""]
        for part in parts[:-1]:
            await self._send({"text": part})
        converted, queries = zalo_buttons(buttons)
        self.buttons.remember(self.user, queries)
        message: dict[str, Any] = {"text": parts[-1]}
        if converted:
            message["attachment"] = {
                "type": "template",
                "payload": {"template_type": "button", "buttons": converted},
            }
        await self._send(message)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._send({"text": image})

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        logger.debug("Custom JSON is not sent to Zalo: %s", list(json_message))


class ZaloInput(InputChannel):
    """Rasa channel at /webhooks/zalo/webhook (register that URL with Zalo)."""

    @classmethod
    def name(cls) -> str:
        return "zalo"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> ZaloInput:
        return cls(ZaloSettings.from_credentials(credentials))

    def __init__(self, settings: ZaloSettings) -> None:
        self.settings = settings
        initial = (
            Tokens(settings.access_token, settings.refresh_token)
            if settings.access_token and settings.refresh_token
            else None
        )
        self.client = ZaloClient(
            settings.app_id,
            settings.app_secret,
            TokenStore(settings.token_file, initial),
            api_url=settings.api_url,
            oauth_url=settings.oauth_url,
        )
        self.seen: RecentEvents = recent_events(settings.redis_url, prefix="tthc:zalo:seen:")
        self.buttons = OfferedButtons()
        # Zalo's servers are the only caller, so the limit is per user, not per address.
        self.limits = RateLimits(per_sender="20/minute")
        self._queues: list[asyncio.Queue[Any]] = []
        self._workers: list[asyncio.Task[None]] = []  # referenced, so never collected
        self._last_arrival = 0.0
        if not settings.configured:
            logger.warning(
                "The Zalo channel has no app_id or oa_secret_key: its webhook answers 503"
            )

    def _fresh(self, event: ZaloEvent) -> bool:
        age = (time.time() * 1000 - event.timestamp_ms) / 1000
        return -MAX_CLOCK_SKEW_SECONDS <= age <= self.settings.max_event_age_seconds

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("zalo_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": self.settings.configured})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            raw = request.body or b""
            try:
                event = events.parse(raw)
            except MalformedEvent as error:
                return _reject(400, f"malformed event: {error}", None, request)
            if not self.settings.configured:
                return _reject(503, "the Zalo channel is not configured", event, request)
            if not signature.is_valid(
                request.headers.get(signature.HEADER),
                event.app_id,
                raw,
                event.timestamp,
                self.settings.oa_secret_key,
            ):
                return _reject(401, "invalid or missing signature", event, request)
            if event.app_id != self.settings.app_id:
                return _reject(401, "event for another app", event, request)
            if not self._fresh(event):
                return _reject(401, "stale timestamp", event, request)
            if not await self.seen.first_time(event.dedupe_key):
                return response.json({"status": "duplicate"})
            self._enqueue(event, on_new_message, request.app)
            return response.json({"status": "accepted"})

        return webhook

    def _enqueue(
        self, event: ZaloEvent, on_new_message: Callable[[UserMessage], Awaitable[Any]], app: Any
    ) -> None:
        loop = asyncio.get_running_loop()
        if not self._queues:  # created in the server's event loop, on first use
            self._queues = [asyncio.Queue() for _ in range(WORKERS)]
            self._workers = [asyncio.create_task(self._work(queue)) for queue in self._queues]
        self._last_arrival = loop.time()
        # One user's events always go to the same worker: answered in the order sent.
        queue = self._queues[zlib.crc32((event.user_id or "").encode()) % WORKERS]
        queue.put_nowait((loop.time(), event, on_new_message, app))

    async def _work(self, queue: asyncio.Queue[Any]) -> None:
        """Answer queued events; a burst of webhooks is acknowledged before any is answered.

        Understanding a message holds the event loop for tens of milliseconds, so answers
        wait until the webhook has been quiet for a moment (at most MAX_DEFER_SECONDS),
        which keeps each acknowledgement within Zalo's 2 seconds however many arrive.
        """
        loop = asyncio.get_running_loop()
        while True:
            queued_at, event, on_new_message, app = await queue.get()
            while (
                loop.time() - self._last_arrival < QUIET_SECONDS
                and loop.time() - queued_at < MAX_DEFER_SECONDS
            ):
                await asyncio.sleep(QUIET_SECONDS)
            await self.handle(event, on_new_message, app)

    async def handle(
        self, event: ZaloEvent, on_new_message: Callable[[UserMessage], Awaitable[Any]], app: Any
    ) -> None:
        """Act on one verified, new event (in the background)."""
        kind = event.kind
        if kind in (EventKind.ECHO, EventKind.RECEIPT, EventKind.UNFOLLOW, EventKind.OTHER):
            logger.debug("Zalo event %s needs no answer", event.name)
            return
        if not event.user_id:
            logger.warning("Zalo event %s names no user; ignored", event.name)
            return
        sender_id = f"zalo{'-anonymous' if event.anonymous else ''}:{event.user_id}"
        recipient = (
            {"anonymous_id": event.user_id, "conversation_id": event.conversation_id or ""}
            if event.anonymous
            else {"user_id": event.user_id}
        )
        if event.msg_id and not event.anonymous:
            # Zalo counts a message naming the one it answers as a reply, not as a
            # proactive message (which an OA's quota limits).
            recipient["message_id"] = event.msg_id
        output = ZaloOutput(self.client, recipient, sender_id, self.buttons)
        try:
            if kind is EventKind.TEXT:
                if self.limits.retry_after(None, sender_id) is not None:
                    logger.warning("A Zalo user sent over the rate limit; not answered")
                    return
                text = self.buttons.resolve(sender_id, event.text or "")
                if len(text) > MAX_MESSAGE_CHARS:
                    await output.send_text_message(sender_id, messages.too_long(MAX_MESSAGE_CHARS))
                    return
                message = UserMessage(
                    mask(text),  # nothing downstream (trackers, logs, actions) sees it raw
                    output,
                    sender_id,
                    input_channel=self.name(),
                    message_id=event.msg_id,
                )
                try:
                    await asyncio.wait_for(on_new_message(message), MESSAGE_TIME_LIMIT_SECONDS)
                except asyncio.TimeoutError:
                    logger.error("A Zalo message took too long and was given up")
                if not output.sent:  # the action endpoint did not answer: Rasa says nothing
                    await output.send_text_message(sender_id, messages.ANSWER_FAILED)
            elif kind in (EventKind.FOLLOW, EventKind.CHAT_NOW):
                await on_new_message(
                    UserMessage(GREET, output, sender_id, input_channel=self.name())
                )
            elif kind is EventKind.ATTACHMENT:
                await output.send_text_message(sender_id, messages.TEXT_ONLY)
            elif kind is EventKind.SUBMIT_INFO:
                await output.send_text_message(sender_id, messages.INFO_RECEIVED)
            elif kind is EventKind.WITHDRAW:
                self.buttons.forget(sender_id)
                await forget_conversation(app.ctx.agent, sender_id)
                await output.send_text_message(sender_id, messages.CONVERSATION_DELETED)
        except Exception:  # a background task: log it, Zalo has had its 200 already
            logger.exception("Zalo event %s could not be handled", event.name)
