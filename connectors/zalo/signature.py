"""Zalo's webhook signature: ``X-ZEvent-Signature: mac=<hex>``.

The hex is a plain SHA-256 (not an HMAC) of ``app_id + raw_body + timestamp + OA secret``,
computed over the bytes Zalo sent: re-serialised JSON would not match.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-ZEvent-Signature"


def compute(app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str) -> str:
    digest = hashlib.sha256()
    digest.update(app_id.encode())
    digest.update(raw_body)
    digest.update(timestamp.encode())
    digest.update(oa_secret_key.encode())
    return digest.hexdigest()


def header_value(app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str) -> str:
    """The header Zalo sends (used by tests, benchmarks and local replays)."""
    return f"mac={compute(app_id, raw_body, timestamp, oa_secret_key)}"


def is_valid(
    header: str | None, app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str
) -> bool:
    if not header or not oa_secret_key:
        return False
    scheme, _, mac = header.strip().partition("=")
    if scheme.strip().lower() != "mac" or not mac:
        return False
    expected = compute(app_id, raw_body, timestamp, oa_secret_key)
    # Bytes: a forged header may hold any character, and compare_digest refuses non-ASCII str.
    given = mac.strip().lower().encode("utf-8", "surrogateescape")
    return hmac.compare_digest(given, expected.encode())
