"""The OA's access and refresh tokens, shared by every process that serves the channel.

The refresh token is single-use: each refresh returns a new one and the old one stops
working. So a refresh happens under an exclusive file lock, re-reads the file first (another
process may have refreshed already) and writes the rotated pair atomically (temporary file,
fsync, rename): a crash never leaves a half-written file or a lost refresh token.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path


class TokensMissing(RuntimeError):
    """Neither the token file nor the settings hold the OA's tokens."""


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_at: float | None = None  # seconds since the epoch
    refreshed_at: float | None = None
    # The configured refresh token this chain of rotations started from: when an operator
    # configures a new pair (after re-authorising the OA), it replaces the stored chain.
    seeded_from: str | None = None


class TokenStore:
    def __init__(self, path: Path, initial: Tokens | None = None) -> None:
        self.path = Path(path)
        # The pair from the settings, marked as the start of its own chain.
        self.seed = replace(initial, seeded_from=initial.refresh_token) if initial else None
        self._lock_path = self.path.with_name(self.path.name + ".lock")

    def read(self) -> Tokens:
        """The current tokens: the stored chain, unless the settings hold a newer pair."""
        try:
            stored = Tokens(**json.loads(self.path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            if self.seed is None:
                raise TokensMissing(
                    f"No Zalo tokens in {self.path} and none in the channel settings"
                ) from None
            return self.seed
        if self.seed is not None and stored.seeded_from != self.seed.seeded_from:
            return self.seed  # re-configured since the file was written
        return stored

    @asynccontextmanager
    async def locked(self) -> AsyncIterator[None]:
        """Exclusive across processes; the wait for the lock happens off the event loop."""
        self._lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self._lock_path, "a+") as handle:
            await asyncio.to_thread(fcntl.flock, handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def write(self, tokens: Tokens) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".tokens-")
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump(asdict(tokens), handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, 0o600)  # secrets: readable by the service only
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def rotated(
    access_token: str, refresh_token: str, expires_in: float | None, seeded_from: str | None
) -> Tokens:
    now = time.time()
    return Tokens(
        access_token=access_token,
        refresh_token=refresh_token,
        expires_at=now + expires_in if expires_in else None,
        refreshed_at=now,
        seeded_from=seeded_from,
    )
