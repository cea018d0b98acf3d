"""Back-office accounts: roles and what they may do, passwords, and signing in.

Passwords are hashed with argon2 (pwdlib's recommended hasher). Signing in is throttled by
failed attempts, per account and per address, so a password cannot be guessed at speed,
and every attempt, kept or refused, is written to ``sign_ins`` for the audit.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import StrEnum

from limits import parse, storage, strategies
from pwdlib import PasswordHash
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.models import SignIn, User

USERNAME = re.compile(r"[a-z0-9._-]{3,64}")
MIN_PASSWORD_CHARS = 10
_PASSWORDS = PasswordHash.recommended()
# Verifying against this keeps an unknown account as slow as a wrong password, so the
# answer's timing does not tell which accounts exist.
_DUMMY_HASH = _PASSWORDS.hash("not a password of anyone's")


class Role(StrEnum):
    ADMIN = "quan_tri"
    EDITOR = "bien_tap"
    OFFICER = "can_bo"
    ANALYST = "phan_tich"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "Quản trị",
    Role.EDITOR: "Biên tập",
    Role.OFFICER: "Cán bộ",
    Role.ANALYST: "Phân tích",
}


class Permission(StrEnum):
    LOOKUP = "lookup"  # tra cứu thủ tục
    CONVERSATIONS = "conversations"  # what citizens asked, labelling
    PROCEDURES = "procedures"  # editing the knowledge base
    IMPORTS = "imports"
    WORD_LISTS = "word_lists"
    DASHBOARD = "dashboard"
    REPORTS = "reports"
    USERS = "users"  # accounts and the sign-in audit


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.EDITOR: frozenset(
        {
            Permission.LOOKUP,
            Permission.CONVERSATIONS,
            Permission.PROCEDURES,
            Permission.IMPORTS,
            Permission.WORD_LISTS,
        }
    ),
    Role.OFFICER: frozenset({Permission.LOOKUP, Permission.CONVERSATIONS}),
    Role.ANALYST: frozenset({Permission.DASHBOARD, Permission.REPORTS}),
}


def may(user: User, permission: Permission) -> bool:
    return user.active and permission in ROLE_PERMISSIONS.get(Role(user.role), frozenset())


class AccountError(ValueError):
    """An account that cannot be created as asked, with the reason (in Vietnamese)."""


def create_user(
    session: Session, username: str, password: str, role: Role, full_name: str | None = None
) -> User:
    username = username.strip().lower()
    if not USERNAME.fullmatch(username):
        raise AccountError(
            "Tên đăng nhập gồm 3–64 ký tự: chữ thường không dấu, số, dấu chấm, gạch ngang."
        )
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"Mật khẩu cần ít nhất {MIN_PASSWORD_CHARS} ký tự.")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError(f"Tên đăng nhập '{username}' đã có.")
    user = User(
        username=username,
        full_name=full_name,
        password_hash=_PASSWORDS.hash(password),
        role=Role(role).value,
    )
    session.add(user)
    session.flush()
    return user


@dataclass(frozen=True)
class Refused:
    """Why a sign-in was refused; ``retry_after`` seconds when it was throttled."""

    reason: str
    retry_after: int | None = None


class SignInThrottle:
    """Failed sign-ins allowed per account (``limit``, e.g. "5/15 minutes"), and
    ``per_address`` times as many per address, before further attempts are refused without
    checking the password."""

    def __init__(self, limit: str = "5/15 minutes", per_address: int = 4) -> None:
        account = parse(limit)
        address = type(account)(account.amount * per_address, account.multiples)
        self._items = {"account": account, "address": address}
        self._limiter = strategies.MovingWindowRateLimiter(storage.MemoryStorage())
        # Checked, verified and counted as one step: parallel guesses cannot all pass the
        # check before the first failure is counted (argon2 takes tens of milliseconds).
        self.lock = threading.Lock()

    def retry_after(self, username: str, address: str) -> int | None:
        for scope, key in (("account", username), ("address", address)):
            item = self._items[scope]
            if not self._limiter.test(item, scope, key):
                reset = self._limiter.get_window_stats(item, scope, key).reset_time
                return max(1, int(reset - datetime.now(timezone.utc).timestamp()) + 1)
        return None

    def failed(self, username: str, address: str) -> None:
        self._limiter.hit(self._items["account"], "account", username)
        self._limiter.hit(self._items["address"], "address", address)


def sign_in(
    session: Session, username: str, password: str, address: str, throttle: SignInThrottle
) -> User | Refused:
    """The account, if the password is right and it may sign in; else why not. Every
    attempt is recorded."""
    username = username.strip().lower()[:64]
    with throttle.lock:
        outcome = _checked(session, username, password, address, throttle)
    session.add(
        SignIn(
            username=username,
            succeeded=isinstance(outcome, User),
            reason=None if isinstance(outcome, User) else outcome.reason,
            address=address[:64],
        )
    )
    session.commit()
    return outcome


def _checked(
    session: Session, username: str, password: str, address: str, throttle: SignInThrottle
) -> User | Refused:
    wait = throttle.retry_after(username, address)
    if wait is not None:
        outcome: User | Refused = Refused("throttled", wait)
    else:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            _PASSWORDS.verify(password, _DUMMY_HASH)
            outcome = Refused("unknown_user")
        elif not _PASSWORDS.verify(password, user.password_hash):
            outcome = Refused("wrong_password")
        elif not user.active:
            outcome = Refused("disabled")
        else:
            user.last_sign_in_at = datetime.now(timezone.utc)
            outcome = user
        if isinstance(outcome, Refused):
            throttle.failed(username, address)
    return outcome
