"""The back-office (/admin) over the seed knowledge base: signing in, roles, and the
civil servants' look-up. The browser twin is tests/browser/test_back_office.py."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from knowledge_base import schemas, store
from knowledge_base.models import SignIn, User
from tests.conftest import BACK_OFFICE_PASSWORD, form_token, sign_in
from tthc.api.main import create_app
from tthc.backoffice.accounts import Role, create_user
from tthc.backoffice.sessions import COOKIE

pytestmark = [pytest.mark.app, pytest.mark.slow]

PASSWORD = BACK_OFFICE_PASSWORD
MARRIAGE = "1.000894"
ID_CARD_RENEWAL = "1.014064"  # Cấp lại thẻ căn cước, cấp xã in the seed
RENEWAL_AT_PROVINCE = "9.914064"  # the same name at the province's level, added here


@pytest.fixture(scope="module")
def back_office(seeded_deployment):  # type: ignore[no-untyped-def]
    """The app over the seeded deployment, with one account of each role."""
    with seeded_deployment.sessions.begin() as session:
        for role in Role:
            create_user(
                session, role.value.replace("_", "-"), PASSWORD, role, f"Người {role.label}"
            )
        renewal = store.to_schema(store.get_procedure(session, ID_CARD_RENEWAL))
        store.upsert(
            session,
            renewal.model_copy(update={"code": RENEWAL_AT_PROVINCE, "levels": ["Cấp tỉnh"]}),
        )
    return seeded_deployment


@pytest.fixture
def client(back_office):  # type: ignore[no-untyped-def]
    with TestClient(create_app(back_office), follow_redirects=False) as client:
        yield client


def signed_in(client: TestClient, role: Role) -> TestClient:
    assert sign_in(client, role.value.replace("_", "-")).status_code == 303
    return client


def attempts(back_office, username: str) -> list[SignIn]:  # type: ignore[no-untyped-def]
    with back_office.sessions() as session:
        return list(session.scalars(select(SignIn).where(SignIn.username == username)))


# ---- signing in --------------------------------------------------------------------------


def test_the_right_password_signs_in_with_a_protected_cookie(client: TestClient) -> None:
    response = sign_in(client, "can-bo")
    assert (response.status_code, response.headers["location"]) == (303, "/admin")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    home = client.get("/admin")
    assert home.status_code == 200
    assert "Người Cán bộ" in home.text and "Tra cứu thủ tục" in home.text


def test_a_wrong_password_is_refused_and_recorded(client: TestClient, back_office) -> None:  # type: ignore[no-untyped-def]
    response = sign_in(client, "phan-tich", "mật khẩu sai rồi")
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.text
    assert client.get("/admin").status_code == 401
    assert [a.reason for a in attempts(back_office, "phan-tich")][-1] == "wrong_password"


def test_an_unknown_account_gets_the_same_answer_as_a_wrong_password(client: TestClient) -> None:
    unknown = sign_in(client, "khong-co-ai", PASSWORD)
    assert unknown.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in unknown.text


def test_repeated_failures_lock_the_account_for_a_while_even_with_the_right_password(
    back_office,  # type: ignore[no-untyped-def]
) -> None:
    with back_office.sessions.begin() as session:
        create_user(session, "bi-do-mat-khau", PASSWORD, Role.OFFICER)
    with TestClient(create_app(back_office), follow_redirects=False) as client:
        failures = [sign_in(client, "bi-do-mat-khau", f"doan sai {i}") for i in range(5)]
        blocked = sign_in(client, "bi-do-mat-khau", PASSWORD)
    assert [f.status_code for f in failures] == [401] * 5
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 60
    assert "thử lại sau" in blocked.text
    assert attempts(back_office, "bi-do-mat-khau")[-1].reason == "throttled"


def test_signing_in_without_the_forms_token_is_refused(client: TestClient) -> None:
    client.get("/admin/login")
    response = client.post("/admin/login", data={"username": "quan-tri", "password": PASSWORD})
    assert response.status_code == 403
    assert client.get("/admin").status_code == 401


def test_after_signing_in_only_pages_of_the_back_office_are_followed(client: TestClient) -> None:
    response = sign_in(client, "can-bo", next="//attacker.example/admin")
    assert response.headers["location"] == "/admin"


def test_a_locked_account_loses_its_session_and_cannot_sign_in(back_office) -> None:  # type: ignore[no-untyped-def]
    with back_office.sessions.begin() as session:
        create_user(session, "nghi-viec", PASSWORD, Role.OFFICER)
    with TestClient(create_app(back_office), follow_redirects=False) as client:
        assert sign_in(client, "nghi-viec").status_code == 303
        with back_office.sessions.begin() as session:
            session.scalar(select(User).where(User.username == "nghi-viec")).active = False
        assert client.get("/admin/lookup").status_code == 401
        again = sign_in(client, "nghi-viec")
    assert again.status_code == 401
    assert "đã bị khóa" in again.text


def test_signing_out_ends_the_session(client: TestClient) -> None:
    signed_in(client, Role.OFFICER)
    response = client.post("/admin/logout", data={"csrf_token": form_token(client, "/admin")})
    assert response.status_code == 303
    assert client.get("/admin").status_code == 401


def test_a_forged_session_cookie_is_not_a_session(client: TestClient) -> None:
    client.cookies.set(COOKIE, "eyJ1IjoxLCJjIjoiYWJjIn0.forged.signature")
    assert client.get("/admin").status_code == 401


# ---- every route checks its role ---------------------------------------------------------

EVERYONE = set(Role)
LOOKUP = {Role.ADMIN, Role.EDITOR, Role.OFFICER}
EDITORS = {Role.ADMIN, Role.EDITOR}
ANALYSTS = {Role.ADMIN, Role.ANALYST}
# (method, route as declared, a URL of it, the roles it admits)
ROUTES: list[tuple[str, str, str, set[Role]]] = [
    ("GET", "/admin", "/admin", EVERYONE),
    ("GET", "/admin/lookup", "/admin/lookup?q=kết+hôn", LOOKUP),
    ("GET", "/admin/procedures/{code}", f"/admin/procedures/{MARRIAGE}", LOOKUP),
    (
        "GET",
        "/admin/procedures/{code}/checklist",
        f"/admin/procedures/{MARRIAGE}/checklist",
        LOOKUP,
    ),
    ("GET", "/admin/compare", f"/admin/compare?code={MARRIAGE}", LOOKUP),
    ("GET", "/admin/procedures", "/admin/procedures", EDITORS),
    ("GET", "/admin/procedures/{code}/edit", f"/admin/procedures/{MARRIAGE}/edit", EDITORS),
    ("POST", "/admin/procedures/{code}/edit", f"/admin/procedures/{MARRIAGE}/edit", EDITORS),
    (
        "GET",
        "/admin/procedures/{code}/versions",
        f"/admin/procedures/{MARRIAGE}/versions",
        EDITORS,
    ),
    (
        "POST",
        "/admin/procedures/{code}/versions/{version_id}/restore",
        f"/admin/procedures/{MARRIAGE}/versions/1/restore",
        EDITORS,
    ),
    ("POST", "/admin/procedures/{code}/status", f"/admin/procedures/{MARRIAGE}/status", EDITORS),
    ("GET", "/admin/audit", "/admin/audit", EDITORS),
    ("GET", "/admin/imports", "/admin/imports", EDITORS),
    ("POST", "/admin/imports", "/admin/imports", EDITORS),
    ("GET", "/admin/imports/{job_id}", "/admin/imports/1", EDITORS),
    ("GET", "/admin/word-lists", "/admin/word-lists", EDITORS),
    ("POST", "/admin/word-lists", "/admin/word-lists", EDITORS),
    ("POST", "/admin/word-lists/{entry_id}/remove", "/admin/word-lists/1/remove", EDITORS),
    ("POST", "/admin/word-lists/{entry_id}/restore", "/admin/word-lists/1/restore", EDITORS),
    ("GET", "/admin/conversations", "/admin/conversations", LOOKUP),
    (
        "GET",
        "/admin/conversations/{conversation_id:path}",
        "/admin/conversations/portal:abc",
        LOOKUP,
    ),
    ("GET", "/admin/unanswered", "/admin/unanswered", LOOKUP),
    ("POST", "/admin/unanswered/label", "/admin/unanswered/label", EDITORS),
    ("GET", "/admin/labels", "/admin/labels", EDITORS),
    ("POST", "/admin/labels/evaluate", "/admin/labels/evaluate", EDITORS),
    ("GET", "/admin/labels/evaluation.jsonl", "/admin/labels/evaluation.jsonl", EDITORS),
    ("GET", "/admin/dashboard", "/admin/dashboard", ANALYSTS),
    ("GET", "/admin/reports/{year}.xlsx", "/admin/reports/2026.xlsx", ANALYSTS),
    ("GET", "/admin/reports/{year}.pdf", "/admin/reports/2026.pdf", ANALYSTS),
    ("GET", "/admin/users", "/admin/users", {Role.ADMIN}),
    ("POST", "/admin/users", "/admin/users", {Role.ADMIN}),
    ("POST", "/admin/users/{user_id}/active", "/admin/users/1/active", {Role.ADMIN}),
]
ROUTE_IDS = [f"{method} {url}" for method, _, url, _ in ROUTES]


def routes_of(routes: list[Any]) -> list[Any]:
    """Every route, also inside the routers the app includes."""
    flat = []
    for route in routes:
        included = getattr(route, "original_router", None)
        flat.extend(routes_of(included.routes) if included is not None else [route])
    return flat


def test_every_back_office_route_is_in_the_role_table(back_office) -> None:  # type: ignore[no-untyped-def]
    app = create_app(back_office)
    declared = {
        (method, route.path)
        for route in routes_of(app.routes)
        if route.path.startswith("/admin") and not route.path.startswith("/admin/static")
        for method in (getattr(route, "methods", None) or set()) - {"HEAD"}
    }
    public = {("GET", "/admin/login"), ("POST", "/admin/login"), ("POST", "/admin/logout")}
    assert declared - public == {(method, route) for method, route, _, _ in ROUTES}


def call(client: TestClient, method: str, path: str) -> Any:
    if method == "GET":
        return client.get(path)
    token = form_token(client, "/admin") if client.cookies.get(COOKIE) else "none"
    return client.post(path, data={"csrf_token": token})


@pytest.mark.parametrize(("method", "route", "url", "roles"), ROUTES, ids=ROUTE_IDS)
def test_without_a_session_a_route_answers_401(
    client: TestClient, method, route, url, roles
) -> None:  # type: ignore[no-untyped-def]
    assert call(client, method, url).status_code == 401


@pytest.mark.parametrize(("method", "route", "url", "roles"), ROUTES, ids=ROUTE_IDS)
def test_a_role_without_the_permission_gets_403(back_office, method, route, url, roles) -> None:  # type: ignore[no-untyped-def]
    for role in set(Role) - roles:
        with TestClient(create_app(back_office), follow_redirects=False) as client:
            assert call(signed_in(client, role), method, url).status_code == 403, role


def test_the_sign_in_page_is_shown_to_a_visitor_without_a_session(client: TestClient) -> None:
    response = client.get(f"/admin/procedures/{MARRIAGE}")
    assert response.status_code == 401
    assert 'action="/admin/login"' in response.text
    assert f'value="/admin/procedures/{MARRIAGE}"' in response.text


# ---- the look-up ---------------------------------------------------------------------------


def test_a_national_code_opens_its_procedure(client: TestClient) -> None:
    response = signed_in(client, Role.OFFICER).get("/admin/lookup", params={"q": MARRIAGE})
    assert (response.status_code, response.headers["location"]) == (
        303,
        f"/admin/procedures/{MARRIAGE}",
    )


def test_words_as_citizens_say_them_find_the_procedure(client: TestClient) -> None:
    page = signed_in(client, Role.OFFICER).get("/admin/lookup", params={"q": "dang ky ket hon"})
    assert page.status_code == 200
    first = re.search(r'href="/admin/procedures/([^"]+)"', page.text).group(1)
    assert first == MARRIAGE


def test_an_unknown_code_says_so(client: TestClient) -> None:
    page = signed_in(client, Role.OFFICER).get("/admin/lookup", params={"q": "1.999999"})
    assert "Không có thủ tục mang mã 1.999999." in page.text


def test_the_record_shows_every_part_the_counter_needs(client: TestClient, back_office) -> None:  # type: ignore[no-untyped-def]
    page = signed_in(client, Role.OFFICER).get(f"/admin/procedures/{MARRIAGE}").text
    with back_office.sessions() as session:
        record = store.to_schema(store.get_procedure(session, MARRIAGE))
    for heading in (
        "Thành phần hồ sơ",
        "Trình tự thực hiện",
        "Căn cứ pháp lý",
        "Kết quả thực hiện",
    ):
        assert heading in page
    assert record.documents[0].name in page
    assert all(basis.number in page for basis in record.legal_bases if basis.number)
    assert record.channels[0].processing_time in page


def test_variants_at_other_levels_are_offered_side_by_side(client: TestClient) -> None:
    signed_in(client, Role.OFFICER)
    page = client.get(f"/admin/procedures/{ID_CARD_RENEWAL}").text
    assert f'value="{RENEWAL_AT_PROVINCE}" checked' in page
    compared = client.get(
        "/admin/compare", params=[("code", ID_CARD_RENEWAL), ("code", RENEWAL_AT_PROVINCE)]
    )
    assert compared.text.count("<article>") == 2
    assert "Cấp xã" in compared.text and "Cấp tỉnh" in compared.text


def test_the_checklist_prints_the_documents_to_bring(client: TestClient, back_office) -> None:  # type: ignore[no-untyped-def]
    page = signed_in(client, Role.OFFICER).get(f"/admin/procedures/{MARRIAGE}/checklist").text
    with back_office.sessions() as session:
        record = store.to_schema(store.get_procedure(session, MARRIAGE))
    assert "Phiếu hướng dẫn hồ sơ" in page
    assert all(document.name in page for document in record.documents)
    assert "/admin/static/checklist.css" in page
    assert "@media print" in client.get("/admin/static/checklist.css").text


def test_the_pages_load_nothing_from_elsewhere(client: TestClient) -> None:
    signed_in(client, Role.ADMIN)
    for path in ("/admin", "/admin/lookup?q=ket+hon", f"/admin/procedures/{MARRIAGE}/checklist"):
        page = client.get(path)
        assert "<script>" not in page.text  # the content policy allows no inline script
        assert re.findall(r'(?:src|href)="(https?:)?//', page.text) == []
        assert "default-src 'self'" in page.headers["content-security-policy"]


# ---- accounts ---------------------------------------------------------------------------


def test_an_administrator_creates_an_account_that_can_sign_in(client: TestClient) -> None:
    signed_in(client, Role.ADMIN)
    created = client.post(
        "/admin/users",
        data={
            "csrf_token": form_token(client, "/admin/users"),
            "username": "cb-motcua-01",
            "full_name": "Trần Văn Bình",
            "password": "một mật khẩu dài",
            "role": "can_bo",
        },
    )
    assert created.status_code == 303
    assert "cb-motcua-01" in client.get("/admin/users").text
    with TestClient(client.app, follow_redirects=False) as other:
        assert sign_in(other, "cb-motcua-01", "một mật khẩu dài").status_code == 303


def test_a_short_password_is_refused_with_the_reason(client: TestClient) -> None:
    signed_in(client, Role.ADMIN)
    refused = client.post(
        "/admin/users",
        data={
            "csrf_token": form_token(client, "/admin/users"),
            "username": "ngan-qua",
            "password": "123",
            "role": "can_bo",
        },
    )
    assert refused.status_code == 400
    assert "Mật khẩu cần ít nhất 10 ký tự." in refused.text


def test_the_sign_in_audit_lists_attempts(client: TestClient) -> None:
    sign_in(client, "can-bo", "sai mật khẩu nhé")
    page = signed_in(client, Role.ADMIN).get("/admin/users").text
    assert "Nhật ký đăng nhập" in page and "sai mật khẩu" in page


def test_the_procedure_status_of_a_retired_procedure_is_shown(
    client: TestClient, back_office
) -> None:  # type: ignore[no-untyped-def]
    with back_office.sessions.begin() as session:
        retired = store.to_schema(store.get_procedure(session, MARRIAGE)).model_copy(
            update={"code": "9.900001", "status": schemas.ProcedureStatus.retired}
        )
        store.upsert(session, retired)
    page = signed_in(client, Role.OFFICER).get("/admin/procedures/9.900001").text
    assert "Đã ngừng áp dụng" in page


def test_in_production_the_session_cookie_is_sent_only_over_https(back_office) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    production = dataclasses.replace(
        back_office,
        settings=back_office.settings.model_copy(update={"environment": "production"}),
    )
    # Behind the province's proxy, which ends HTTPS, the app itself is reached over http.
    with TestClient(create_app(production), follow_redirects=False) as client:
        response = client.get("/admin/login")
    assert response.status_code == 200
    assert "Secure" in response.headers["set-cookie"]
