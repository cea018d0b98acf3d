"""The deployment profile: the province the assistant speaks for (``tthc/deployment.yml``
by default, ``TTHC_DEPLOYMENT_FILE`` for a province's own)."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, Field, field_validator

# What the chat widget offers a citizen who does not know how to start: questions as a
# citizen types them, each about one procedure and one facet.
DEFAULT_SUGGESTED_QUESTIONS = [
    "Làm căn cước cho con cần giấy tờ gì?",
    "Lệ phí đăng ký kết hôn bao nhiêu?",
    "Cấp lại giấy phép lái xe mất bao lâu?",
    "Đăng ký hộ kinh doanh nộp ở đâu?",
]


class DeploymentProfile(BaseModel):
    province: str = Field(min_length=1, description="Province name, e.g. Bắc Ninh")
    province_note: str = ""
    assistant_name: str = "Trợ lý ảo thủ tục hành chính"
    portal_url: str = Field(description="The province's public-service portal")
    national_portal_url: str = "https://dichvucong.gov.vn"
    hotline: str = Field(min_length=1)
    service_centre: str = Field(min_length=1)
    service_centre_address: str = ""
    service_centre_hours: str = ""
    suggested_questions: list[str] = Field(
        default_factory=lambda: list(DEFAULT_SUGGESTED_QUESTIONS),
        min_length=4,
        max_length=6,
        description="Four to six questions the chat widget offers when it opens",
    )

    @field_validator("suggested_questions")
    @classmethod
    def _questions_are_written(cls, questions: list[str]) -> list[str]:
        cleaned = [" ".join(question.split()) for question in questions]
        if not all(cleaned):
            raise ValueError("a suggested question is empty")
        if len(set(cleaned)) != len(cleaned):
            raise ValueError("a suggested question is repeated")
        if any(len(question) > 120 for question in cleaned):
            raise ValueError("a suggested question is longer than 120 characters")
        return cleaned

    @property
    def service_centre_line(self) -> str:
        """The centre with whatever of address and hours the province has confirmed."""
        parts = [self.service_centre]
        if self.service_centre_address:
            parts.append(f"địa chỉ {self.service_centre_address}")
        if self.service_centre_hours:
            parts.append(f"làm việc {self.service_centre_hours}")
        return ", ".join(parts)


def load_profile(path: Path) -> DeploymentProfile:
    """Read a profile file; a missing or invalid file is an error at start, not mid-chat."""
    with path.open(encoding="utf-8") as handle:
        return DeploymentProfile.model_validate(yaml.safe_load(handle) or {})
