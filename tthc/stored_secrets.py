"""Secrets a deployment creates once and keeps in its data folder.

The portal's conversation ids are signed with a key that must outlive a restart (a citizen
reloading the page keeps the conversation), so unless the settings give one it is made at
first use and kept in ``data_dir/secrets/``, readable by this user only.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from tthc.settings import Settings


def kept_secret(path: Path) -> str:
    """The secret in ``path``, created (random, 0600) if there is none yet."""
    if path.is_file():
        value = path.read_text(encoding="utf-8").strip()
        if value:
            return value
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    value = secrets.token_urlsafe(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(value + "\n")
    return value


def portal_conversation_key(settings: Settings) -> str:
    if settings.portal_conversation_secret is not None:
        return settings.portal_conversation_secret.get_secret_value()
    return kept_secret(settings.data_dir / "secrets" / "portal_conversation_key")


def admin_session_key(settings: Settings) -> str:
    """The key signing back-office sessions: sign-ins outlive a restart."""
    if settings.admin_session_secret is not None:
        return settings.admin_session_secret.get_secret_value()
    return kept_secret(settings.data_dir / "secrets" / "admin_session_key")
