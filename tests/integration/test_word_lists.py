"""Word lists edited in the back-office: an everyday phrase an editor adds is understood by
the next search, without a restart or a rebuilt index; removed, it is not; bad entries are
refused with the reason."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.conftest import back_office_as, form_token
from tthc.backoffice.accounts import Role

pytestmark = [pytest.mark.app, pytest.mark.slow]

MARRIAGE = "1.000894"
QUESTION = "đi làm giấy báo hỷ cần mang gì"


@pytest.fixture(scope="module")
def deployment(seeded_deployment):  # type: ignore[no-untyped-def]
    return seeded_deployment


@pytest.fixture
def editor(deployment):  # type: ignore[no-untyped-def]
    with back_office_as(deployment, "tudien", Role.EDITOR) as client:
        yield client


def first_hit(client: TestClient) -> tuple[str, bool]:
    body = client.get("/api/search", params={"q": QUESTION}).json()
    return body["results"][0]["code"] if body["results"] else "", body["confident"]


def add(client: TestClient, word_list: str, phrase: str, meaning: str):  # type: ignore[no-untyped-def]
    data = {"csrf_token": form_token(client, "/admin/word-lists"), "word_list": word_list}
    return client.post("/admin/word-lists", data={**data, "phrase": phrase, "meaning": meaning})


def test_an_added_synonym_is_understood_at_once_and_forgotten_when_removed(
    editor: TestClient,
) -> None:
    before = first_hit(editor)
    assert before != (MARRIAGE, True)
    assert add(editor, "synonyms", "giấy báo hỷ", "đăng ký kết hôn").status_code == 303
    assert first_hit(editor) == (MARRIAGE, True)
    page = editor.get("/admin/word-lists").text
    entry = re.search(r"/admin/word-lists/(\d+)/remove", page).group(1)
    editor.post(
        f"/admin/word-lists/{entry}/remove", data={"csrf_token": form_token(editor, "/admin")}
    )
    assert first_hit(editor) == before
    assert "Đã bỏ" in editor.get("/admin/word-lists").text


@pytest.mark.parametrize(
    ("word_list", "phrase", "meaning", "reason"),
    [
        ("synonyms", "", "đăng ký kết hôn", "Cần cả cụm từ"),
        ("synonyms", "kết hôn", "Kết hôn", "giống nhau"),
        ("tu_dien_la", "abc", "xyz", "Không có danh sách này"),
        ("abbreviations", "123", "một hai ba", "Cụm từ cần có chữ"),
    ],
)
def test_a_bad_entry_is_refused_with_the_reason(
    editor: TestClient, word_list, phrase, meaning, reason
) -> None:  # type: ignore[no-untyped-def]
    response = add(editor, word_list, phrase, meaning)
    assert response.status_code == 400
    assert reason in response.text


def test_an_abbreviation_already_listed_here_is_refused(editor: TestClient) -> None:
    assert add(editor, "abbreviations", "đkkh", "đăng ký kết hôn").status_code == 303
    again = add(editor, "abbreviations", "ĐKKH", "đăng ký khai sinh")
    assert again.status_code == 400 and "đã có" in again.text
