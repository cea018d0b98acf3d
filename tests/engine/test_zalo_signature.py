"""Zalo's webhook signature: SHA-256 of app_id + raw body + timestamp + OA secret key."""

from __future__ import annotations

import hashlib
import json

import pytest

from connectors.zalo import signature

pytestmark = pytest.mark.engine

APP_ID = "4318800000000000001"
SECRET = "oa-secret-key"
TIMESTAMP = "1764130000000"
BODY = (
    b'{"app_id": "4318800000000000001", "event_name": "user_send_text", '
    b'"message": {"text": "lam cccd can gi", "msg_id": "abc"}, "timestamp": "1764130000000"}'
)


def test_the_mac_is_plain_sha256_of_app_id_body_timestamp_and_secret() -> None:
    expected = hashlib.sha256(APP_ID.encode() + BODY + TIMESTAMP.encode() + SECRET.encode())
    assert signature.compute(APP_ID, BODY, TIMESTAMP, SECRET) == expected.hexdigest()


def test_a_signature_made_with_the_secret_is_accepted() -> None:
    header = signature.header_value(APP_ID, BODY, TIMESTAMP, SECRET)
    assert signature.is_valid(header, APP_ID, BODY, TIMESTAMP, SECRET)


def test_a_signature_made_with_another_secret_is_rejected() -> None:
    header = signature.header_value(APP_ID, BODY, TIMESTAMP, "guessed-secret")
    assert not signature.is_valid(header, APP_ID, BODY, TIMESTAMP, SECRET)


def test_a_missing_or_malformed_header_is_rejected() -> None:
    mac = signature.compute(APP_ID, BODY, TIMESTAMP, SECRET)
    for header in (None, "", mac, "sha=" + mac, "mac="):
        assert not signature.is_valid(header, APP_ID, BODY, TIMESTAMP, SECRET)


def test_the_signature_covers_the_raw_bytes_not_reserialised_json() -> None:
    header = signature.header_value(APP_ID, BODY, TIMESTAMP, SECRET)
    reserialised = json.dumps(json.loads(BODY), separators=(",", ":")).encode()
    assert not signature.is_valid(header, APP_ID, reserialised, TIMESTAMP, SECRET)


def test_a_changed_timestamp_breaks_the_signature() -> None:
    header = signature.header_value(APP_ID, BODY, TIMESTAMP, SECRET)
    assert not signature.is_valid(header, APP_ID, BODY, "1764130099999", SECRET)


def test_without_a_configured_secret_nothing_is_accepted() -> None:
    header = signature.header_value(APP_ID, BODY, TIMESTAMP, "")
    assert not signature.is_valid(header, APP_ID, BODY, TIMESTAMP, "")


def test_a_header_with_non_ascii_characters_is_rejected_not_an_error() -> None:
    for header in ("mac=é" + "0" * 63, "mac=\udcff"):
        assert not signature.is_valid(header, APP_ID, BODY, TIMESTAMP, SECRET)
