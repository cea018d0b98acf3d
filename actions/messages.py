"""What the assistant says besides facts of a procedure: greetings, clarifications, hand-offs.

Every text a citizen reads is here, in Vietnamese, with the province's details from the
deployment profile; none of it repeats what the citizen typed except a validated code.
"""

from __future__ import annotations

import re

from actions.dossier_status import DossierStatus
from knowledge_base.deployment import DeploymentProfile
from knowledge_base.retrieval.hybrid import SearchHit

EXAMPLES = (
    "“làm căn cước cần giấy tờ gì?”, “lệ phí đăng ký kết hôn”, "
    "“cấp lại giấy phép lái xe mất bao lâu?”"
)
_MARKUP = re.compile(r"[<>{}\[\]`\\]")


def plain(text: str | None) -> str | None:
    """User-typed text (a place name) fit to quote back: no markup characters."""
    if not text:
        return None
    return _MARKUP.sub("", text).strip()[:80] or None


def _human_channels(profile: DeploymentProfile) -> str:
    return (
        f"• Gọi tổng đài {profile.hotline}\n"
        f"• Đến {profile.service_centre_line}, hoặc Bộ phận Một cửa của UBND xã, phường\n"
        f"• Gửi câu hỏi trên Cổng dịch vụ công: {profile.portal_url}"
    )


def greeting(profile: DeploymentProfile) -> str:
    where = f"tỉnh {profile.province}"
    if profile.province_note:
        where += f" ({profile.province_note})"
    return (
        f"Xin chào! Tôi là {profile.assistant_name} của {where}.\n"
        "Tôi có thể giúp bạn tra cứu thủ tục hành chính: cần giấy tờ gì, lệ phí, thời hạn "
        "giải quyết, nộp ở đâu, và tình trạng hồ sơ đã nộp.\n"
        f"Bạn cứ hỏi tự nhiên, ví dụ: {EXAMPLES}"
    )


def clarify(facet_label: str) -> str:
    return f"Có vài thủ tục gần giống nhau. Bạn muốn hỏi {facet_label} của thủ tục nào dưới đây ạ?"


def button_title(hit: SearchHit, candidates: list[SearchHit], limit: int = 80) -> str:
    """The procedure's name, with its level when other candidates share the name."""
    title = hit.name.strip()
    if len(title) > limit:
        title = title[: limit - 1].rsplit(" ", 1)[0] + "…"
    same_name = [c for c in candidates if c.name.strip() == hit.name.strip()]
    if len(same_name) > 1 and hit.levels:
        title += f" ({', '.join(hit.levels).lower()})"
    return title


def ask_which(facet_label: str) -> str:
    return (
        f"Bạn muốn hỏi {facet_label} của thủ tục nào ạ? Bạn nhắn tên thủ tục giúp tôi, "
        "ví dụ: “đăng ký khai sinh”, “làm căn cước”, “cấp đổi giấy phép lái xe”."
    )


def not_found(profile: DeploymentProfile) -> str:
    return (
        "Xin lỗi, tôi chưa tìm được thủ tục khớp với câu hỏi của bạn trong cơ sở dữ liệu, "
        "nên không dám trả lời để tránh sai.\n"
        f"Bạn thử hỏi lại với tên thủ tục cụ thể hơn, ví dụ: {EXAMPLES}\n\n"
        f"Hoặc để được cán bộ hướng dẫn:\n{_human_channels(profile)}"
    )


def not_understood(profile: DeploymentProfile) -> str:
    return (
        "Xin lỗi, tôi chưa hiểu câu hỏi của bạn. Tôi trả lời các câu hỏi về thủ tục hành "
        f"chính, ví dụ: {EXAMPLES}\n\n"
        f"Nếu cần người hỗ trợ:\n{_human_channels(profile)}"
    )


def out_of_scope(profile: DeploymentProfile) -> str:
    return (
        "Xin lỗi, tôi chỉ hỗ trợ tra cứu thủ tục hành chính và dịch vụ công của tỉnh "
        f"{profile.province}, nên không trả lời được câu hỏi này.\n"
        f"Bạn có thể hỏi tôi, ví dụ: {EXAMPLES}\n"
        f"Cần hỗ trợ khác, bạn gọi tổng đài {profile.hotline}."
    )


def handoff(profile: DeploymentProfile) -> str:
    return (
        "Tôi là trợ lý ảo nên không chuyển máy được. Để được cán bộ hỗ trợ trực tiếp, "
        f"bạn vui lòng:\n{_human_channels(profile)}"
    )


def contact_buttons(profile: DeploymentProfile) -> list[dict[str, str]]:
    """Call the hotline, open the portal: channels show them as a call and a link."""
    return [
        {"title": f"Gọi tổng đài {profile.hotline}", "payload": f"tel:{profile.hotline}"},
        {"title": "Mở Cổng dịch vụ công", "payload": profile.portal_url},
    ]


def thanks_for_feedback(helpful: bool, profile: DeploymentProfile) -> str:
    if helpful:
        return "Cảm ơn bạn đã phản hồi! Bạn cần hỏi thêm thủ tục nào cứ nhắn cho tôi nhé."
    return (
        "Xin lỗi vì câu trả lời chưa đúng ý bạn. Tôi đã ghi nhận để cán bộ rà soát lại.\n"
        "Bạn có thể hỏi lại cụ thể hơn (tên thủ tục và điều bạn cần biết), hoặc liên hệ:\n"
        f"{_human_channels(profile)}"
    )


def ask_receipt_code() -> str:
    return (
        "Để tra cứu tình trạng hồ sơ, bạn nhắn giúp tôi mã hồ sơ in trên giấy biên nhận, "
        "ví dụ: 000.00.04.H51-250221-0001."
    )


def malformed_receipt_code() -> str:
    return (
        "Mã hồ sơ bạn nhắn chưa đúng định dạng. Mã đúng có dạng 000.00.04.H51-250221-0001 "
        "(mã cơ quan, ngày nhận, số thứ tự), in trên giấy biên nhận. Bạn kiểm tra và nhắn "
        "lại giúp tôi nhé."
    )


def _date(value) -> str:  # type: ignore[no-untyped-def]
    return value.strftime("%d/%m/%Y") if value else ""


def dossier_status(status: DossierStatus) -> str:
    lines = [f"Hồ sơ {status.receipt_code}"]
    if status.procedure_name:
        lines.append(f"Thủ tục: {status.procedure_name}")
    lines.append(f"Tình trạng: {status.status}")
    if status.received_at:
        lines.append(f"Ngày tiếp nhận: {_date(status.received_at)}")
    if status.due_at:
        lines.append(f"Ngày hẹn trả kết quả: {_date(status.due_at)}")
    if status.agency:
        lines.append(f"Cơ quan xử lý: {status.agency}")
    if status.note:
        lines.append(f"Ghi chú: {status.note}")
    return "\n".join(lines)


def dossier_not_found(code: str, profile: DeploymentProfile) -> str:
    return (
        f"Tôi không tìm thấy hồ sơ có mã {code}. Bạn kiểm tra lại mã trên giấy biên nhận, "
        f"hoặc tra cứu trên Cổng dịch vụ công ({profile.portal_url}), hoặc gọi tổng đài "
        f"{profile.hotline} để được hỗ trợ."
    )


def dossier_lookup_failed(code: str, profile: DeploymentProfile) -> str:
    return (
        f"Xin lỗi, hệ thống tra cứu hồ sơ đang tạm gián đoạn nên tôi chưa tra được mã {code}. "
        f"Bạn thử lại sau ít phút, hoặc tra trên {profile.portal_url}, hoặc gọi tổng đài "
        f"{profile.hotline}."
    )


def internal_error(profile: DeploymentProfile) -> str:
    return (
        "Xin lỗi, hệ thống đang gặp sự cố nên tôi chưa trả lời được. Bạn thử lại sau ít "
        f"phút, hoặc liên hệ:\n{_human_channels(profile)}"
    )
