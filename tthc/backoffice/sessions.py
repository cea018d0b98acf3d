"""The back-office's session cookie: who is signed in, and the form token against CSRF.

The cookie holds only an account id and a random token, signed (itsdangerous) with a key
the deployment keeps, and expires after ``max_age_seconds``; it is ``HttpOnly``,
``SameSite=Lax`` and ``Secure`` when the page was served over HTTPS. Every form carries the
token and every POST is checked against the cookie's (double submit), so another site
cannot post a form as a signed-in editor. Before signing in, the cookie holds a token only,
so the sign-in form is protected too.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "tthc_admin"


@dataclass(frozen=True)
class AdminSession:
    user_id: int | None
    csrf_token: str

    def token_matches(self, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(given.encode(), self.csrf_token.encode())


class SessionCookies:
    def __init__(self, secret: str, max_age_seconds: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="tthc-admin-session")
        self.max_age_seconds = max_age_seconds

    def new(self, user_id: int | None = None) -> tuple[AdminSession, str]:
        """A new session (a new form token each time: signing in changes it) and its cookie
        value."""
        session = AdminSession(user_id, secrets.token_urlsafe(24))
        return session, self._serializer.dumps({"u": session.user_id, "c": session.csrf_token})

    def read(self, value: str | None) -> AdminSession | None:
        if not value:
            return None
        try:
            data = self._serializer.loads(value, max_age=self.max_age_seconds)
        except BadSignature:  # includes SignatureExpired
            return None
        if not isinstance(data, dict) or not isinstance(data.get("c"), str):
            return None
        user_id = data.get("u")
        return AdminSession(user_id if isinstance(user_id, int) else None, data["c"])
