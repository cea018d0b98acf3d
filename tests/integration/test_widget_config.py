"""GET /widget/config.json: what the chat widget shows on open, before Rasa has said
anything; readable by the province's portal on another origin, and built from the
deployment profile alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import deployment_settings
from tthc.api.main import create_app
from tthc.services import build_services

pytestmark = pytest.mark.app

PORTAL = "https://dichvucong.bacninh.gov.vn"
OWN_PROFILE = """\
province: Lâm Đồng
portal_url: https://dichvucong.lamdong.gov.vn
hotline: "02633822222"
service_centre: Trung tâm Phục vụ hành chính công tỉnh Lâm Đồng
suggested_questions:
  - Đăng ký khai sinh cần giấy tờ gì?
  - Lệ phí cấp phiếu lý lịch tư pháp bao nhiêu?
  - Chuyển hộ khẩu mất bao lâu?
  - Xin giấy phép xây dựng nộp ở đâu?
"""


def client_for(tmp_path: Path, **settings: object) -> TestClient:
    """The app of a throw-away deployment; its lifespan (loading the index) is not run."""
    deployment = deployment_settings(tmp_path / "data").model_copy(update=settings)
    return TestClient(create_app(build_services(deployment)))


def test_the_config_offers_the_profiles_suggested_questions(tmp_path: Path) -> None:
    profile = tmp_path / "deployment.yml"
    profile.write_text(OWN_PROFILE, encoding="utf-8")
    config = client_for(tmp_path, deployment_file=profile).get("/widget/config.json").json()
    assert config["province"] == "Lâm Đồng"
    assert config["suggested_questions"] == [
        "Đăng ký khai sinh cần giấy tờ gì?",
        "Lệ phí cấp phiếu lý lịch tư pháp bao nhiêu?",
        "Chuyển hộ khẩu mất bao lâu?",
        "Xin giấy phép xây dựng nộp ở đâu?",
    ]


def test_the_shipped_config_offers_four_to_six_questions(tmp_path: Path) -> None:
    config = client_for(tmp_path).get("/widget/config.json").json()
    assert 4 <= len(config["suggested_questions"]) <= 6


def test_the_config_does_not_echo_the_host_it_was_asked_at(tmp_path: Path) -> None:
    response = client_for(tmp_path).get("/widget/config.json", headers={"Host": "attacker.example"})
    assert response.status_code == 200
    assert "attacker" not in response.text


def test_a_portal_on_another_origin_may_read_the_config(tmp_path: Path) -> None:
    response = client_for(tmp_path).get("/widget/config.json", headers={"Origin": PORTAL})
    assert response.headers["access-control-allow-origin"] == "*"


def test_only_the_allowed_portal_may_read_the_config_when_origins_are_set(
    tmp_path: Path,
) -> None:
    client = client_for(tmp_path, chat_allowed_origins=PORTAL)
    allowed = client.get("/widget/config.json", headers={"Origin": PORTAL})
    other = client.get("/widget/config.json", headers={"Origin": "https://example.com"})
    assert allowed.headers["access-control-allow-origin"] == PORTAL
    assert "access-control-allow-origin" not in other.headers
    assert allowed.headers["vary"] == "Origin"


def test_the_widget_files_are_still_served_beside_the_config(tmp_path: Path) -> None:
    response = client_for(tmp_path).get("/widget/tthc-widget.js")
    assert response.status_code == 200 and "suggested_questions" in response.text


def test_the_demo_page_points_the_widget_at_the_configured_server_not_the_host_header(
    tmp_path: Path,
) -> None:
    with client_for(tmp_path, public_chat_url="https://chat.bacninh.gov.vn") as client:
        page = client.get("/", headers={"Host": "attacker.example"}).text
    assert 'data-server="https://chat.bacninh.gov.vn"' in page
    assert "attacker.example" not in page


def test_without_a_configured_server_the_page_points_at_this_machine(tmp_path: Path) -> None:
    with client_for(tmp_path, rasa_port=5205) as client:
        page = client.get("/", headers={"Host": "attacker.example"}).text
    assert 'data-server="http://127.0.0.1:5205"' in page
    assert "attacker.example" not in page


def test_the_demo_page_may_load_only_its_own_files_and_talk_to_the_chat_server(
    tmp_path: Path,
) -> None:
    with client_for(tmp_path, public_chat_url="https://chat.bacninh.gov.vn") as client:
        response = client.get("/")
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "connect-src 'self' https://chat.bacninh.gov.vn" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"


def test_the_config_says_how_long_a_conversation_is_kept(tmp_path: Path) -> None:
    with client_for(tmp_path, conversation_retention_days=30) as client:
        assert client.get("/widget/config.json").json()["conversation_retention_days"] == 30
