"""Zalo webhook bodies parsed into events the channel acts on."""

from __future__ import annotations

import json

import pytest

from connectors.zalo.events import EventKind, MalformedEvent, parse

pytestmark = pytest.mark.engine


def body(**fields: object) -> bytes:
    event = {"app_id": "4318800000000000001", "timestamp": "1764130000000", **fields}
    return json.dumps(event).encode()


def test_a_text_message_gives_the_user_text_and_msg_id() -> None:
    event = parse(
        body(
            event_name="user_send_text",
            sender={"id": "2468458835296117922"},
            recipient={"id": "579745863508352884"},
            message={"text": "làm căn cước mất bao lâu", "msg_id": "8a7f"},
        )
    )
    assert event.kind is EventKind.TEXT
    assert (event.user_id, event.text, event.msg_id) == (
        "2468458835296117922",
        "làm căn cước mất bao lâu",
        "8a7f",
    )


def test_ids_beyond_a_64_bit_float_keep_every_digit() -> None:
    raw = (
        b'{"app_id": 4318800000000000001, "event_name": "user_send_text", '
        b'"sender": {"id": 2468458835296117923}, "message": {"text": "a", "msg_id": "m"}, '
        b'"timestamp": 1764130000000}'
    )
    event = parse(raw)
    assert event.app_id == "4318800000000000001"
    assert event.user_id == "2468458835296117923"
    assert event.timestamp == "1764130000000"


def test_the_timestamp_may_be_a_string_or_a_number() -> None:
    as_string = parse(body(event_name="follow", follower={"id": "1"}))
    as_number = parse(body(event_name="follow", follower={"id": "1"}, timestamp=1764130000000))
    assert as_string.timestamp_ms == as_number.timestamp_ms == 1764130000000


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("user_send_text", EventKind.TEXT),
        ("anonymous_send_text", EventKind.TEXT),
        ("user_send_image", EventKind.ATTACHMENT),
        ("user_send_file", EventKind.ATTACHMENT),
        ("user_send_sticker", EventKind.ATTACHMENT),
        ("user_send_gif", EventKind.ATTACHMENT),
        ("user_send_audio", EventKind.ATTACHMENT),
        ("user_send_video", EventKind.ATTACHMENT),
        ("user_send_link", EventKind.ATTACHMENT),
        ("user_send_location", EventKind.ATTACHMENT),
        ("user_send_business_card", EventKind.ATTACHMENT),
        ("follow", EventKind.FOLLOW),
        ("unfollow", EventKind.UNFOLLOW),
        ("user_click_chatnow", EventKind.CHAT_NOW),
        ("user_submit_info", EventKind.SUBMIT_INFO),
        ("user_received_message", EventKind.RECEIPT),
        ("user_seen_message", EventKind.RECEIPT),
        ("oa_send_text", EventKind.ECHO),
        ("oa_send_image", EventKind.ECHO),
        ("user_withdraw", EventKind.WITHDRAW),
        ("some_future_event", EventKind.OTHER),
    ],
)
def test_every_event_name_has_its_kind(name: str, kind: EventKind) -> None:
    assert parse(body(event_name=name, sender={"id": "1"})).kind is kind


def test_a_follow_names_the_follower() -> None:
    event = parse(body(event_name="follow", follower={"id": "2468458835296117922"}))
    assert event.user_id == "2468458835296117922"


def test_attachments_are_kept() -> None:
    event = parse(
        body(
            event_name="user_send_image",
            sender={"id": "1"},
            message={"msg_id": "x", "attachments": [{"type": "image", "payload": {"url": "u"}}]},
        )
    )
    assert event.attachments == [{"type": "image", "payload": {"url": "u"}}]


def test_a_redelivered_event_has_the_same_dedupe_key() -> None:
    first = parse(body(event_name="user_send_text", sender={"id": "1"}, message={"msg_id": "m1"}))
    again = parse(body(event_name="user_send_text", sender={"id": "1"}, message={"msg_id": "m1"}))
    other = parse(body(event_name="user_send_text", sender={"id": "1"}, message={"msg_id": "m2"}))
    assert first.dedupe_key == again.dedupe_key != other.dedupe_key


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"{not json",
        b"[1, 2]",
        b'{"app_id": "1", "timestamp": "1"}',
        b'{"event_name": "follow", "timestamp": "1"}',
        b'{"event_name": "follow", "app_id": "1"}',
        b'{"event_name": "follow", "app_id": "1", "timestamp": "yesterday"}',
        '{"event_name": "follow"}'.encode("utf-16"),
    ],
)
def test_a_body_that_is_not_a_zalo_event_is_malformed(raw: bytes) -> None:
    with pytest.raises(MalformedEvent):
        parse(raw)
