"""Pydantic schemas: the shape of a procedure as importers produce it and the API returns it.

Kept apart from the ORM models (``knowledge_base.models``) so that importers, the seed
file and the API agree on one contract without touching the database.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

from knowledge_base.facts.fees import FeeItem, FeeKind, FeeRemark


class ProcedureStatus(str, Enum):
    active = "active"
    retired = "retired"


class DossierDocument(BaseModel):
    """One document of the dossier (thành phần hồ sơ)."""

    model_config = ConfigDict(from_attributes=True)

    name: str
    template: str | None = Field(None, description="Form or template (mẫu đơn, tờ khai), if any")
    copies: str | None = Field(None, description="Copies as written, e.g. '1 bản chính'")
    group: str | None = Field(
        None, description="Case the document applies to, if the list is split"
    )


class SubmissionChannel(BaseModel):
    """One way to submit (cách thức thực hiện) with its own time limit and fee."""

    model_config = ConfigDict(from_attributes=True)

    channel: str = Field(description="Trực tiếp, Trực tuyến, Dịch vụ bưu chính, ...")
    processing_time: str | None = Field(None, description="Time limit as written")
    processing_days: float | None = Field(None, description="Time limit as a number, if parsed")
    time_unit: str | None = Field(None, description="Ngày làm việc, Ngày, Giờ, ...")
    fee: str | None = Field(None, description="Fee text as written (Phí, lệ phí)")
    fee_vnd: int | None = Field(None, description="Smallest fee amount in VND, 0 when free")
    fee_kind: FeeKind | None = Field(
        None, description="amounts, regulation, free or not_stated; read from fee at import"
    )
    fee_items: list[FeeItem] = Field(default_factory=list)
    fee_remarks: list[FeeRemark] = Field(default_factory=list)
    fee_references: list[str] = Field(
        default_factory=list, description="Regulations the fee note says set the amount"
    )
    description: str | None = None


class LegalBasis(BaseModel):
    """One legal document the procedure rests on (căn cứ pháp lý)."""

    model_config = ConfigDict(from_attributes=True)

    number: str | None = Field(None, description="Document number, e.g. 123/2015/NĐ-CP")
    title: str


class ProcedureIn(BaseModel):
    """A procedure as an importer or the seed file provides it; upserted by ``code``."""

    code: str = Field(min_length=1, description="National code, e.g. 1.004222")
    provincial_codes: list[str] = Field(default_factory=list)
    name: str = Field(min_length=1)
    levels: list[str] = Field(default_factory=list, description="Cấp tỉnh, Cấp xã, Cấp bộ, ...")
    field: str | None = Field(None, description="Lĩnh vực")
    procedure_type: str | None = None
    decision_number: str | None = None
    competent_authority: str | None = Field(None, description="Cơ quan có thẩm quyền")
    implementing_agency: str | None = Field(None, description="Cơ quan thực hiện")
    submission_address: str | None = Field(None, description="Địa chỉ tiếp nhận")
    applicants: str | None = Field(None, description="Đối tượng thực hiện")
    conditions: str | None = Field(None, description="Yêu cầu, điều kiện")
    steps: list[str] = Field(default_factory=list)
    documents: list[DossierDocument] = Field(default_factory=list)
    channels: list[SubmissionChannel] = Field(default_factory=list)
    legal_bases: list[LegalBasis] = Field(default_factory=list)
    result: str | None = Field(None, description="Kết quả thực hiện")
    related_procedures: str | None = None
    portal_url: str | None = None
    keywords: list[str] = Field(
        default_factory=list, description="Everyday words citizens use for it (seed only)"
    )
    status: ProcedureStatus = ProcedureStatus.active
    source: str = Field("manual", description="dichvucong, catalogue, seed, manual")


class ProcedureOut(ProcedureIn):
    model_config = ConfigDict(from_attributes=True)

    updated_at: datetime
    version: int


class ParseIssue(BaseModel):
    """A field an importer could not parse, with the reason; the record is still stored."""

    field: str
    reason: str
