"""Zalo OA webhook events: parsed from the raw body into what the channel acts on."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class MalformedEvent(ValueError):
    """The body is not a Zalo event; answered with HTTP 400."""


class EventKind(Enum):
    TEXT = "text"  # user_send_text, anonymous_send_text
    ATTACHMENT = "attachment"  # images, files, stickers... the assistant reads text only
    FOLLOW = "follow"
    UNFOLLOW = "unfollow"
    CHAT_NOW = "chat_now"  # the user opened the chat from the OA's page
    SUBMIT_INFO = "submit_info"  # the user answered an information request form
    RECEIPT = "receipt"  # user_received_message / user_seen_message
    ECHO = "echo"  # oa_send_*: the OA's own messages, answering them would loop
    WITHDRAW = "withdraw"  # the user asks for their data to be deleted
    OTHER = "other"


ATTACHMENT_EVENTS = frozenset(
    f"user_send_{kind}"
    for kind in (
        "image",
        "file",
        "sticker",
        "gif",
        "audio",
        "video",
        "link",
        "location",
        "business_card",
    )
)
_KINDS = {
    "user_send_text": EventKind.TEXT,
    "anonymous_send_text": EventKind.TEXT,
    "follow": EventKind.FOLLOW,
    "unfollow": EventKind.UNFOLLOW,
    "user_click_chatnow": EventKind.CHAT_NOW,
    "user_submit_info": EventKind.SUBMIT_INFO,
    "user_received_message": EventKind.RECEIPT,
    "user_seen_message": EventKind.RECEIPT,
    "user_withdraw": EventKind.WITHDRAW,
}


def _id(value: Any) -> str | None:
    """Ids exceed a 64-bit float: keep them as the exact digits Zalo sent."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | str):
        text = str(value).strip()
        return text or None
    return None


@dataclass(frozen=True)
class ZaloEvent:
    name: str
    app_id: str
    timestamp: str  # as sent: part of the signature
    user_id: str | None  # the citizen the event is about
    text: str | None = None
    msg_id: str | None = None
    anonymous: bool = False
    conversation_id: str | None = None  # anonymous chats are answered per conversation
    attachments: list[dict[str, Any]] = field(default_factory=list)

    @property
    def kind(self) -> EventKind:
        if self.name in ATTACHMENT_EVENTS:
            return EventKind.ATTACHMENT
        if self.name.startswith("oa_send_"):
            return EventKind.ECHO
        return _KINDS.get(self.name, EventKind.OTHER)

    @property
    def timestamp_ms(self) -> int:
        return int(self.timestamp)

    @property
    def dedupe_key(self) -> str:
        """Zalo retries an event unchanged: same msg_id, or same user and timestamp."""
        return f"{self.app_id}:{self.msg_id or f'{self.name}:{self.user_id}:{self.timestamp}'}"


def parse(raw_body: bytes) -> ZaloEvent:
    try:
        body = json.loads(raw_body)
    except RecursionError:
        raise MalformedEvent("body is nested too deeply") from None
    except ValueError as error:  # not JSON, not UTF-8, or an integer of over 4,300 digits
        raise MalformedEvent(f"body is not JSON: {error}") from None
    if not isinstance(body, dict):
        raise MalformedEvent("body is not a JSON object")
    name = body.get("event_name")
    if not isinstance(name, str) or not name:
        raise MalformedEvent("event_name is missing")
    app_id = _id(body.get("app_id"))
    if app_id is None:
        raise MalformedEvent("app_id is missing")
    timestamp = _id(body.get("timestamp"))
    if timestamp is None or not timestamp.isdigit():
        raise MalformedEvent("timestamp is missing or not milliseconds")

    sender = body.get("sender") if isinstance(body.get("sender"), dict) else {}
    follower = body.get("follower") if isinstance(body.get("follower"), dict) else {}
    message = body.get("message") if isinstance(body.get("message"), dict) else {}
    user_id = _id(sender.get("id")) or _id(follower.get("id")) or _id(body.get("user_id"))
    text = message.get("text")
    attachments = message.get("attachments")
    return ZaloEvent(
        name=name,
        app_id=app_id,
        timestamp=timestamp,
        user_id=user_id,
        text=text if isinstance(text, str) else None,
        msg_id=_id(message.get("msg_id")),
        anonymous=name.startswith("anonymous_"),
        conversation_id=_id(message.get("conversation_id")),
        attachments=[a for a in attachments if isinstance(a, dict)]
        if isinstance(attachments, list)
        else [],
    )
