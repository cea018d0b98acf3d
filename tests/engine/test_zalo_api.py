"""Sending through the OA API and rotating tokens, against the fake Zalo API over HTTP."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import stat
from pathlib import Path

import pytest

from connectors.zalo.api import ZaloApiError, ZaloClient
from connectors.zalo.tokens import Tokens, TokensMissing, TokenStore
from tests.fakes.zalo_api import FakeZaloApi

pytestmark = pytest.mark.engine

CITIZEN = {"user_id": "2468458835296117922"}


def client_for(zalo: FakeZaloApi, token_file: Path) -> ZaloClient:
    store = TokenStore(token_file, Tokens("access-0", "refresh-0"))  # as first configured
    return ZaloClient(zalo.app_id, zalo.app_secret, store, zalo.url, zalo.url)


def send(client: ZaloClient, text: str) -> dict:
    async def run() -> dict:
        try:
            return await client.send(CITIZEN, {"text": text})
        finally:
            await client.close()

    return asyncio.run(run())


def test_a_message_is_posted_with_the_access_token_header(zalo, tmp_path) -> None:
    send(client_for(zalo, tmp_path / "tokens.json"), "Xin chào")
    [received] = zalo.received
    assert received.headers["access_token"] == "access-0"
    assert received.body == {"recipient": CITIZEN, "message": {"text": "Xin chào"}}


def test_an_expired_token_is_refreshed_once_and_the_message_resent(zalo, tmp_path) -> None:
    zalo.expire_access_token()
    reply = send(client_for(zalo, tmp_path / "tokens.json"), "Lệ phí là 0 đồng")
    assert reply["error"] == 0
    [refresh] = zalo.refreshes()
    assert refresh.headers["secret_key"] == zalo.app_secret
    assert refresh.body == {
        "refresh_token": "refresh-0",
        "app_id": zalo.app_id,
        "grant_type": "refresh_token",
    }
    assert [s["message"]["text"] for s in zalo.sends()] == ["Lệ phí là 0 đồng"] * 2


def test_the_rotated_refresh_token_is_persisted_for_the_next_refresh(zalo, tmp_path) -> None:
    token_file = tmp_path / "tokens.json"
    zalo.expire_access_token()
    send(client_for(zalo, token_file), "một")
    stored = json.loads(token_file.read_text())
    assert (stored["access_token"], stored["refresh_token"]) == ("access-1", "refresh-1")
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    # A restarted process reads the rotated pair, not the settings' (now spent) one.
    zalo.expire_access_token()
    send(client_for(zalo, token_file), "hai")
    assert [r.body["refresh_token"] for r in zalo.refreshes()] == ["refresh-0", "refresh-1"]


def test_a_token_still_refused_after_a_refresh_is_an_error_not_a_loop(zalo, tmp_path) -> None:
    zalo.failures += [{"error": -216, "message": "Access token is invalid"}] * 2
    with pytest.raises(ZaloApiError):
        send(client_for(zalo, tmp_path / "tokens.json"), "x")
    assert len(zalo.refreshes()) == 1
    assert len(zalo.sends()) == 2


def test_other_api_errors_are_raised_with_their_code(zalo, tmp_path) -> None:
    zalo.failures.append({"error": -230, "message": "User has not interacted in 7 days"})
    with pytest.raises(ZaloApiError) as raised:
        send(client_for(zalo, tmp_path / "tokens.json"), "x")
    assert raised.value.code == -230
    assert zalo.refreshes() == []


def test_a_refused_refresh_token_is_an_error(zalo, tmp_path) -> None:
    zalo.refresh_token = "revoked-by-the-admin"
    zalo.expire_access_token()
    with pytest.raises(ZaloApiError, match="refresh failed"):
        send(client_for(zalo, tmp_path / "tokens.json"), "x")


def test_without_tokens_anywhere_the_store_says_so(tmp_path) -> None:
    with pytest.raises(TokensMissing):
        TokenStore(tmp_path / "tokens.json").read()


def _refresh_in_another_process(url: str, token_file: str, app_id: str, secret: str) -> str:
    store = TokenStore(Path(token_file))
    client = ZaloClient(app_id, secret, store, url, url)

    async def run() -> str:
        try:
            return await client.refresh(expired="access-0")
        finally:
            await client.close()

    return asyncio.run(run())


def test_two_processes_refreshing_at_once_spend_the_refresh_token_once(zalo, tmp_path) -> None:
    token_file = tmp_path / "tokens.json"
    TokenStore(token_file).write(Tokens("access-0", "refresh-0"))
    zalo.expire_access_token()
    arguments = (zalo.url, str(token_file), zalo.app_id, zalo.app_secret)
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        tokens = pool.starmap(_refresh_in_another_process, [arguments] * 4)
    assert len(zalo.refreshes()) == 1
    assert set(tokens) == {"access-1"}
    assert json.loads(token_file.read_text())["refresh_token"] == "refresh-1"


def test_a_refresh_reply_that_is_not_an_object_is_an_api_error(zalo, tmp_path) -> None:
    zalo.refresh_token = "revoked"
    zalo.expire_access_token()
    client = client_for(zalo, tmp_path / "tokens.json")
    client.refresh_url = client.send_url.replace("/v3.0/oa/message/cs", "/not-json")
    with pytest.raises(ZaloApiError):
        send(client, "x")


def test_a_newly_configured_pair_replaces_the_stored_chain(zalo, tmp_path) -> None:
    token_file = tmp_path / "tokens.json"
    zalo.expire_access_token()
    send(client_for(zalo, token_file), "một")  # the stored chain now starts from refresh-0
    # The operator re-authorises the OA and configures a new pair.
    store = TokenStore(token_file, Tokens("access-new", "refresh-new"))
    assert store.read().access_token == "access-new"
    # Without a change in the settings the stored (rotated) pair is used.
    assert TokenStore(token_file, Tokens("access-0", "refresh-0")).read().access_token == "access-1"
