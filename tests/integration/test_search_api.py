"""The HTTP API over the shipped seed knowledge base, with the real model and index."""

from __future__ import annotations

import dataclasses

import pytest
from fastapi.testclient import TestClient

from tthc.api.main import create_app

pytestmark = [pytest.mark.app, pytest.mark.slow]


@pytest.fixture(scope="module")
def client(seeded_deployment):  # type: ignore[no-untyped-def]
    with TestClient(create_app(seeded_deployment)) as client:
        yield client


def top_names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [r["name"].lower() for r in response.json()["results"]]


def test_question_without_diacritics_finds_the_procedure(client) -> None:
    response = client.get("/api/search", params={"q": "dang ky ket hon can giay to gi"})
    assert response.status_code == 200
    body = response.json()
    assert body["confident"] is True
    assert "kết hôn" in top_names(response)[0]


def test_abbreviation_finds_the_identity_card(client) -> None:
    response = client.get("/api/search", params={"q": "lam cccd mat bao lau"})
    assert "căn cước" in top_names(response)[0]


def test_everyday_words_find_the_official_procedure(client) -> None:
    response = client.get("/api/search", params={"q": "làm sổ đỏ lần đầu cần gì"})
    assert "quyền sử dụng đất" in top_names(response)[0]


def test_top_limits_the_number_of_results(client) -> None:
    response = client.get("/api/search", params={"q": "khai sinh", "top": 2})
    assert len(response.json()["results"]) == 2


def test_out_of_scope_question_is_not_confident(client) -> None:
    response = client.get("/api/search", params={"q": "tối nay đội tuyển Việt Nam đá mấy giờ"})
    assert response.json()["confident"] is False


def test_empty_question_is_refused_clearly(client) -> None:
    response = client.get("/api/search", params={"q": "   "})
    assert response.status_code == 422
    assert "trống" in response.json()["detail"]


def test_very_long_question_is_answered(client) -> None:
    story = "Nhà em ở xã bên, em muốn hỏi về giấy tờ. " * 240 + "đăng ký kết hôn"
    response = client.get("/api/search", params={"q": story[:10_000]})
    assert response.status_code == 200


def test_html_in_a_question_is_treated_as_text(client) -> None:
    response = client.get(
        "/api/search", params={"q": "<script>alert(1)</script> đăng ký khai sinh"}
    )
    assert response.status_code == 200
    assert "<script>" not in response.text.replace(response.json()["query"], "")


def test_procedure_is_returned_with_its_fields(client) -> None:
    code = client.get("/api/search", params={"q": "đăng ký khai sinh"}).json()["results"][0]["code"]
    procedure = client.get(f"/api/procedures/{code}").json()
    assert procedure["code"] == code
    assert procedure["documents"] and procedure["channels"] and procedure["steps"]


def test_unknown_procedure_code_gives_a_clear_404(client) -> None:
    response = client.get("/api/procedures/9.999999")
    assert response.status_code == 404
    assert "9.999999" in response.json()["detail"]


def test_health_reports_the_index(client) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["procedures"] >= 40
    assert body["index_current"] is True


def test_health_says_the_app_runs_no_rasa_server_of_its_own(client) -> None:
    assert client.get("/healthz").json()["engine"] == {"status": "not-run", "restarts": 0}


def test_the_api_docs_are_not_served_in_production(seeded_deployment) -> None:  # type: ignore[no-untyped-def]
    production = dataclasses.replace(
        seeded_deployment,
        settings=seeded_deployment.settings.model_copy(update={"environment": "production"}),
    )
    with TestClient(create_app(production)) as public:
        for path in ("/docs", "/redoc", "/openapi.json"):
            assert public.get(path).status_code == 404


def test_search_is_rate_limited_per_address_with_a_retry_after(seeded_deployment) -> None:  # type: ignore[no-untyped-def]
    limited = dataclasses.replace(
        seeded_deployment,
        settings=seeded_deployment.settings.model_copy(update={"search_rate_limit": "3/minute"}),
    )
    with TestClient(create_app(limited)) as public:
        statuses = [public.get("/api/search", params={"q": "lam ho chieu"}) for _ in range(4)]
    assert [r.status_code for r in statuses] == [200, 200, 200, 429]
    assert 1 <= int(statuses[-1].headers["retry-after"]) <= 60


def limited_behind(seeded_deployment, proxy_count: int):  # type: ignore[no-untyped-def]
    settings = seeded_deployment.settings.model_copy(
        update={"search_rate_limit": "2/minute", "proxy_count": proxy_count}
    )
    return create_app(dataclasses.replace(seeded_deployment, settings=settings))


def test_behind_a_proxy_each_citizen_has_a_search_limit_of_their_own(seeded_deployment) -> None:  # type: ignore[no-untyped-def]
    with TestClient(limited_behind(seeded_deployment, 1)) as public:
        statuses = [
            public.get(
                "/api/search",
                params={"q": "lam ho chieu"},
                headers={"X-Forwarded-For": f"203.0.113.{i % 3}"},
            ).status_code
            for i in range(6)
        ]
    assert statuses == [200] * 6  # three citizens, two searches each


def test_an_address_a_caller_claims_for_itself_is_not_believed(seeded_deployment) -> None:  # type: ignore[no-untyped-def]
    with TestClient(limited_behind(seeded_deployment, 0)) as public:
        statuses = [
            public.get(
                "/api/search",
                params={"q": "lam ho chieu"},
                headers={"X-Forwarded-For": f"203.0.113.{i}"},
            ).status_code
            for i in range(3)
        ]
    assert statuses == [200, 200, 429]


def test_behind_a_proxy_only_the_address_it_appended_counts(seeded_deployment) -> None:  # type: ignore[no-untyped-def]
    with TestClient(limited_behind(seeded_deployment, 1)) as public:
        statuses = [
            public.get(
                "/api/search",
                params={"q": "lam ho chieu"},
                headers={"X-Forwarded-For": f"10.9.9.{i}, 203.0.113.7"},  # a forged first hop
            ).status_code
            for i in range(3)
        ]
    assert statuses == [200, 200, 429]


def test_openapi_documents_the_endpoints(client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/search", "/api/procedures/{code}", "/healthz"} <= paths.keys()
