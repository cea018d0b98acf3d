"""The Zalo OA Open API: send a message, refresh the access token once when it expired."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
from tenacity import (
    AsyncRetrying,
    RetryError,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

from connectors.zalo.tokens import Tokens, TokenStore, rotated

logger = logging.getLogger(__name__)

EXPIRED_ACCESS_TOKEN = -216
DEFAULT_API_URL = "https://openapi.zalo.me"
DEFAULT_OAUTH_URL = "https://oauth.zaloapp.com"
# Retried only where the message cannot have been delivered: no connection, or a gateway
# that did not reach Zalo or asked to slow down (a 504 may have delivered it). Zalo's own
# errors are not retried. Five attempts over about ten seconds ride out a brief outage.
SEND_ATTEMPTS = 5
RETRIED_STATUS = frozenset({429, 502, 503})  # not 504: the message may have gone through
NOT_DELIVERED = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class _Undelivered(Exception):
    """One attempt that cannot have reached Zalo: worth another."""

    def __init__(self, reason: str, response: httpx.Response | None = None) -> None:
        super().__init__(reason)
        self.response = response


def _seconds(value: Any) -> float | None:
    try:
        return float(value) if value else None
    except (TypeError, ValueError):
        return None


class ZaloApiError(RuntimeError):
    def __init__(self, code: Any, message: str) -> None:
        super().__init__(f"Zalo API error {code}: {message}")
        self.code = code


class ZaloClient:
    def __init__(
        self,
        app_id: str,
        app_secret: str,
        tokens: TokenStore,
        api_url: str = DEFAULT_API_URL,
        oauth_url: str = DEFAULT_OAUTH_URL,
        timeout: float = 10.0,
        retry_wait: float = 0.5,
    ) -> None:
        self.app_id = app_id
        self.app_secret = app_secret
        self.tokens = tokens
        self.send_url = f"{api_url.rstrip('/')}/v3.0/oa/message/cs"
        self.refresh_url = f"{oauth_url.rstrip('/')}/v4/oa/access_token"
        self.timeout = timeout
        self.retry_wait = retry_wait  # seconds, doubled at each retry (with jitter)
        self._http: httpx.AsyncClient | None = None
        self._refreshing = asyncio.Lock()
        # Kept in memory; the file is read again only to refresh, when another process may
        # already have rotated the pair.
        self._access_token: str | None = None

    @property
    def http(self) -> httpx.AsyncClient:
        # Created on first use, inside the server's event loop.
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=self.timeout)
        return self._http

    async def send(self, recipient: dict[str, str], message: dict[str, Any]) -> dict[str, Any]:
        """Send one message; on an expired token refresh once and retry once."""
        if self._access_token is None:
            self._access_token = (await asyncio.to_thread(self.tokens.read)).access_token
        token = self._access_token
        reply = await self._post_message(token, recipient, message)
        if reply.get("error") == EXPIRED_ACCESS_TOKEN:
            logger.info("Zalo access token expired; refreshing")
            token = await self.refresh(expired=token)
            reply = await self._post_message(token, recipient, message)
        if reply.get("error") != 0:
            raise ZaloApiError(reply.get("error"), str(reply.get("message", "")))
        return reply

    async def _post_message(
        self, token: str, recipient: dict[str, str], message: dict[str, Any]
    ) -> dict[str, Any]:
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(_Undelivered),
            stop=stop_after_attempt(SEND_ATTEMPTS),
            wait=wait_random_exponential(multiplier=self.retry_wait, max=8 * self.retry_wait),
        )
        try:
            async for attempt in retrying:
                with attempt:
                    response = await self._post_once(token, recipient, message)
        except RetryError as error:
            last = error.last_attempt.exception()
            if isinstance(last, _Undelivered) and last.response is not None:
                response = last.response  # a status Zalo's gateway kept giving
            else:
                raise ZaloApiError("network", str(last)) from None
        try:
            body = response.json()
        except ValueError:
            raise ZaloApiError(response.status_code, "the reply is not JSON") from None
        if not isinstance(body, dict):
            raise ZaloApiError(response.status_code, "the reply is not a JSON object")
        return body

    async def _post_once(
        self, token: str, recipient: dict[str, str], message: dict[str, Any]
    ) -> httpx.Response:
        try:
            response = await self.http.post(
                self.send_url,
                headers={"access_token": token},
                json={"recipient": recipient, "message": message},
            )
        except NOT_DELIVERED as error:
            raise _Undelivered(str(error)) from None
        if response.status_code in RETRIED_STATUS:
            raise _Undelivered(f"HTTP {response.status_code}", response)
        return response

    async def refresh(self, expired: str) -> str:
        """A new access token, unless another task or process has already got one."""
        async with self._refreshing, self.tokens.locked():
            current = await asyncio.to_thread(self.tokens.read)
            if current.access_token == expired:
                current = await self._rotate(current)
            self._access_token = current.access_token
            return current.access_token

    async def _rotate(self, current: Tokens) -> Tokens:
        """Spend the refresh token for a new pair (under the lock) and store the pair."""
        response = await self.http.post(
            self.refresh_url,
            headers={"secret_key": self.app_secret},
            data={
                "refresh_token": current.refresh_token,
                "app_id": self.app_id,
                "grant_type": "refresh_token",
            },
        )
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not body.get("access_token"):
            body = body if isinstance(body, dict) else {}
            code = body.get("error", response.status_code)
            reason = body.get("error_name") or body.get("message") or "no token returned"
            raise ZaloApiError(code, f"token refresh failed ({reason})")
        # Zalo has spent the old refresh token: store the new pair before anything
        # else can fail.
        tokens = rotated(
            str(body["access_token"]),
            str(body.get("refresh_token") or current.refresh_token),
            _seconds(body.get("expires_in")),
            seeded_from=current.seeded_from,
        )
        await asyncio.to_thread(self.tokens.write, tokens)
        logger.info("Zalo access token refreshed; refresh token rotated")
        return tokens

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
