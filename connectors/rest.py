"""The REST channel for integrations (the province's LGSP platform, kiosks), in place of
Rasa's own ``rest`` channel, at the same address: POST /webhooks/rest/webhook
``{"sender", "message"}`` → a JSON list of messages.

Rasa's channel opens a conversation for any sender id, and all channels share one
namespace, so ``"sender": "portal:…"`` continued a citizen's portal conversation, and a
request without a sender landed in one shared ``default`` conversation. Here the sender is
required and always becomes ``rest:<sender>``; the channel asks for a bearer token
(credentials ``token``, else the REST_TOKEN variable) and, without one, is open only where
``require_token`` is false (`tthc serve` in development), never in production.

An integration deletes a conversation on its citizen's request with POST
/webhooks/rest/forget ``{"sender"}``: 200 once the app's records and Rasa's tracker are gone.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

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
from vntext.personal_data import mask

logger = logging.getLogger(__name__)

SENDER = re.compile(r"[A-Za-z0-9._-]{1,64}")


def _sender(body: dict[str, Any]) -> str:
    sender = body.get("sender")
    if not isinstance(sender, str) or not SENDER.fullmatch(sender):
        raise BadBody("sender must be 1-64 letters, digits, dots, dashes or _")
    return sender


def _flag(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


class RestInput(InputChannel):
    """Rasa channel at /webhooks/rest/webhook, for integrations."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> RestInput:
        values = credentials or {}
        token = str(values.get("token") or os.environ.get("REST_TOKEN") or "") or None
        require = values.get("require_token")
        if require in (None, ""):
            require = os.environ.get("REST_REQUIRE_TOKEN", "true")
        return cls(token=token, require_token=_flag(require))

    def __init__(
        self,
        token: str | None = None,
        require_token: bool = True,
        time_limit_seconds: float = MESSAGE_TIME_LIMIT_SECONDS,
    ) -> None:
        self.token = token
        self.require_token = require_token
        self.time_limit_seconds = time_limit_seconds
        if require_token and not token:
            logger.warning("The REST channel has no token: it answers 403 (set REST_TOKEN)")

    def _refusal(self, request: Request) -> HTTPResponse | None:
        if self.token:
            scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
            if scheme.lower() != "bearer" or not secrets.compare_digest(
                given.strip().encode(), self.token.encode()
            ):
                return response.json({"error": "missing or wrong REST token"}, status=401)
            return None
        if self.require_token:
            return response.json({"error": "the REST channel is off: no token is set"}, 403)
        return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/forget", methods=["POST"])
        async def forget(request: Request) -> HTTPResponse:
            refusal = self._refusal(request)
            if refusal is not None:
                return refusal
            try:
                sender = _sender(json_object(request.body))
            except BadBody as error:
                return response.json({"error": str(error)}, status=400)
            try:
                await forget_conversation(request.app.ctx.agent, f"rest:{sender}")
            except Exception:
                logger.exception("A REST conversation could not be deleted")
                return response.json({"error": "the conversation could not be deleted"}, 503)
            return response.json({"deleted": True})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            refusal = self._refusal(request)
            if refusal is not None:
                return refusal
            try:
                body = json_object(request.body)
                sender = _sender(body)
                text = message_text(body.get("message"), MAX_MESSAGE_CHARS)
            except BadBody as error:
                return response.json({"error": str(error)}, status=400)
            collector = CollectingOutputChannel()
            message = UserMessage(
                mask(text),  # nothing downstream (trackers, logs, actions) sees it raw
                collector,
                f"rest:{sender}",
                input_channel=self.name(),
            )
            try:
                await asyncio.wait_for(on_new_message(message), self.time_limit_seconds)
            except Exception:  # the time limit included
                logger.exception("A REST message could not be answered")
                return response.json([{"recipient_id": sender, "text": messages.ANSWER_FAILED}])
            for sent in collector.messages:
                sent["recipient_id"] = sender  # the caller's id, not the namespaced one
            return response.json(collector.messages)

        return webhook
