"""Everything the actions say to citizens, in Vietnamese: greetings, clarifications,
hand-offs, and the words around the facts of a procedure (``answers.py`` puts the facts).

The assistant calls itself "tôi" and the citizen "anh/chị", as a provincial public-service
centre's staff do at the counter and on its hotline (docs/architecture.md, "What the
assistant says"). The province's details come from the deployment profile; nothing here
repeats what the citizen typed except a validated code or a cleaned place name.
"""

from __future__ import annotations

import re
from datetime import datetime

from actions.deployment import DeploymentProfile
from actions.dossier_status import DossierStatus
from actions.facets import Facet
from knowledge_base.facts.fees import COUNCIL
from knowledge_base.retrieval.results import SearchHit
from vntext.chat_format import bullets

EXAMPLES = (
    "“làm căn cước cần giấy tờ gì?”, “lệ phí đăng ký kết hôn”, "
    "“cấp lại giấy phép lái xe mất bao lâu?”"
)
_MARKUP = re.compile(r"[<>{}\[\]`\\]")

FACET_LABELS: dict[Facet, str] = {
    Facet.general: "thông tin chung",
    Facet.documents: "thành phần hồ sơ",
    Facet.fee: "phí, lệ phí",
    Facet.processing_time: "thời hạn giải quyết",
    Facet.where_to_submit: "nơi nộp hồ sơ",
    Facet.steps: "trình tự thực hiện",
    Facet.legal_basis: "căn cứ pháp lý",
    Facet.conditions: "yêu cầu, điều kiện",
    Facet.result: "kết quả giải quyết",
    Facet.online_submission: "cách nộp trực tuyến",
    Facet.deadline: "thời hạn phải thực hiện",
}


def plain(text: str | None) -> str | None:
    """User-typed text (a place name) fit to quote back: no markup characters."""
    if not text:
        return None
    return _MARKUP.sub("", text).strip()[:80] or None


# -- the facts of a procedure ----------------------------------------------------------

DOCUMENTS = "Hồ sơ gồm:"
# Above the list, once the documents the citizen asked about are quoted before it.
OTHER_DOCUMENTS = "Ngoài các giấy tờ trên, hồ sơ còn gồm:"
ASKED_DOCUMENTS = "Về giấy tờ anh/chị hỏi:"
ASKED_STEPS = "Về điều anh/chị hỏi, theo trình tự thực hiện:"
FEE = "Phí, lệ phí"
PROCESSING_TIME = "Thời hạn giải quyết"
TIME_CASES = "Chi tiết theo mô tả trên Cổng Dịch vụ công:"
TIME_FROM_DESCRIPTION = f"{PROCESSING_TIME}, theo mô tả trên Cổng Dịch vụ công:"
IMPLEMENTING_AGENCY = "Cơ quan thực hiện"
SUBMISSION_ADDRESS = "Nơi tiếp nhận"
CHANNELS = "Cách nộp"
LEVELS = "Cấp thực hiện"
APPLICANTS = "Đối tượng"
ELIGIBLE_APPLICANTS = "Đối tượng thực hiện"
CONDITIONS = "Yêu cầu, điều kiện"
STEPS = "Các bước thực hiện"
LEGAL_BASIS = "Căn cứ pháp lý"
RESULT = "Kết quả"
DEADLINES = "Thời hạn anh/chị cần lưu ý, trích từ thông tin thủ tục"
NO_DEADLINE_STATED = (
    "Tôi không thấy thông tin thủ tục ghi thời hạn anh/chị phải thực hiện; phần yêu cầu, "
    "điều kiện ghi như sau."
)
ASK_NEXT = (
    "Anh/chị có thể hỏi tiếp: cần giấy tờ gì, lệ phí bao nhiêu, mất bao lâu, nộp ở đâu, "
    "các bước thực hiện."
)


def procedure_heading(name: str, code: str) -> str:
    return f"{name} (mã {code})"


def source_line(code: str, source: str, profile: DeploymentProfile) -> str:
    """Where the record came from: the national portal (imported, or the seed written from
    it), the province's catalogue, or the province's own edit."""
    if source == "manual":
        return f"Nguồn: cơ sở dữ liệu thủ tục của tỉnh {profile.province} (mã {code})."
    if source == "catalogue":
        return f"Nguồn: danh mục thủ tục hành chính của tỉnh {profile.province} (mã {code})."
    return f"Nguồn: Cổng Dịch vụ công quốc gia (mã {code})."


SOURCE_BUTTON = "Xem trên Cổng Dịch vụ công"
MORE_DOCUMENTS_BUTTON = "Xem đủ hồ sơ"
MORE_BUTTON = "Xem đầy đủ"

CHANNEL_LABELS: dict[str, str] = {
    "Trực tiếp": "trực tiếp",
    "Trực tuyến": "trực tuyến",
    "Dịch vụ bưu chính": "qua bưu chính",
}


def when(channel_labels: list[str]) -> str:
    return "khi nộp " + " hoặc ".join(channel_labels)


COUNCIL_SETS_FEE = "Mức cụ thể do Hội đồng nhân dân cấp tỉnh quy định, có thể khác theo tỉnh."


FREE = "miễn phí, không thu phí hay lệ phí"
FREE_FOR_NOW = "miễn phí"
TIME_WITHOUT_UNIT = (
    "Cổng Dịch vụ công không ghi rõ thời hạn giải quyết của thủ tục này (chỉ có con số, "
    "thiếu đơn vị ngày hay giờ), nên tôi không dám đoán. Anh/chị hỏi nơi tiếp nhận hồ sơ "
    "khi nộp để biết ngày hẹn trả."
)


def time_from_steps(sentence: str) -> str:
    return (
        f"{PROCESSING_TIME}: bảng cách thức thực hiện không ghi, nhưng trình tự thực hiện "
        f"nêu: “{sentence}”."
    )


def agency_from_steps(agency: str) -> str:
    return f"{IMPLEMENTING_AGENCY} (theo trình tự thực hiện): {agency}"


def applies(period: str) -> str:
    return f"áp dụng {period}"


RATES_ENDED = "các mức có thời hạn mà Cổng ghi đã hết hạn áp dụng"


def rates_ended(text: str) -> str:
    return f"{RATES_ENDED}. Cổng ghi: “{text}”. Anh/chị hỏi nơi tiếp nhận hồ sơ mức thu hiện hành."


UNIT_FROM_TEXT = "(đơn vị theo nội dung thủ tục; ô thời hạn trên Cổng chỉ ghi số)"


def fee_as_written(text: str) -> str:
    return (
        f"Cổng ghi: “{text}”. Tôi chưa đọc được mức thu rõ ràng từ đó, anh/chị hỏi nơi tiếp "
        "nhận hồ sơ để biết chính xác."
    )


def more_rates(count: int) -> str:
    return f"… và {count} mức khác, xem đầy đủ trên Cổng Dịch vụ công"


_DOCUMENT_TYPES = {"TT": "Thông tư", "NĐ": "Nghị định", "NQ": "Nghị quyết", "QĐ": "Quyết định"}


def regulation_name(number: str) -> str:
    """ "281/2016/TT-BTC" -> "Thông tư 281/2016/TT-BTC"; a number whose type is unclear stays."""
    kind = number.rsplit("/", 1)[-1].split("-", 1)[0]
    return f"{_DOCUMENT_TYPES[kind]} {number}" if kind in _DOCUMENT_TYPES else number


def fee_by_regulation(references: list[str], note: str | None) -> str:
    documents = [regulation_name(r) for r in references if r != COUNCIL]
    parts = []
    if COUNCIL in references:
        parts.append("mức thu do Hội đồng nhân dân cấp tỉnh quy định")
    if documents:
        parts.append("văn bản dẫn: " + ", ".join(documents))
    told = "; ".join(parts) if parts else "chỉ dẫn quy định của pháp luật về phí, lệ phí"
    quoted = f" Cổng ghi: “{note}”." if note else ""
    return (
        f"Cổng Dịch vụ công không ghi số tiền cụ thể ({told}).{quoted} "
        "Anh/chị hỏi nơi tiếp nhận hồ sơ số tiền phải nộp (nếu có)."
    )


def fee_remark(text: str) -> str:
    return f"Lưu ý: {text}"


def documents_by_case(cases: str) -> str:
    return (
        "Hồ sơ tùy trường hợp của anh/chị, Cổng Dịch vụ công chia theo các trường hợp:\n"
        f"{cases}\nAnh/chị bấm “{MORE_DOCUMENTS_BUTTON}” để xem giấy tờ của từng trường hợp."
    )


def more_documents(rest: int, cases: list[str]) -> str:
    if cases:
        listed = "\n".join(f"• {case}" for case in cases)
        return (
            f"Tùy trường hợp, anh/chị có thể cần thêm giấy tờ ({rest} mục):\n{listed}\n"
            f"Anh/chị bấm “{MORE_DOCUMENTS_BUTTON}” để xem đủ."
        )
    return f"Còn {rest} giấy tờ nữa; anh/chị bấm “{MORE_DOCUMENTS_BUTTON}” để xem đủ."


def documents_case(group: str) -> str:
    """A case's title: the portal's own ("Trường hợp ủy quyền…"), or "Trường hợp" added."""
    group = group.rstrip(" :") or DOCUMENTS.rstrip(":")
    if group.lower().startswith(("trường hợp", "đối với", "nếu", "lưu ý", "giấy tờ", "hồ sơ")):
        return f"{group}:"
    return f"Trường hợp {group[0].lower()}{group[1:]}:"


def submission_steps(sentences: list[str]) -> str:
    if len(sentences) == 1:
        return f"Theo trình tự thực hiện: {sentences[0]}"
    return f"Theo trình tự thực hiện:\n{bullets(sentences)}"


def commune_level_here(place: str) -> str:
    return f"Anh/chị ở {place} thì nộp tại cơ quan cấp xã của {place}."


def province_level_here(profile: DeploymentProfile) -> str:
    return f"Tại {profile.province}, hồ sơ cấp tỉnh nộp ở {profile.service_centre_line}."


def not_online(channels: str) -> str:
    return (
        "Theo cơ sở dữ liệu, thủ tục này chưa có cách nộp trực tuyến. "
        f"Anh/chị có thể nộp theo cách: {channels}."
    )


def online(profile: DeploymentProfile) -> str:
    return (
        "Thủ tục này nộp trực tuyến được, trên Cổng dịch vụ công "
        f"({profile.portal_url} hoặc {profile.national_portal_url})."
    )


def document_count(count: int) -> str:
    return f"Hồ sơ: {count} loại giấy tờ."


def missing(facet: Facet, profile: DeploymentProfile) -> str:
    return (
        f"Cơ sở dữ liệu chưa có thông tin về {FACET_LABELS[facet]} của thủ tục này, nên tôi "
        f"không dám trả lời thay. Anh/chị vui lòng gọi tổng đài {profile.hotline} hoặc hỏi "
        f"{profile.service_centre} để được hướng dẫn chính xác."
    )


# -- the conversation ------------------------------------------------------------------


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
        f"Xin chào anh/chị! Tôi là {profile.assistant_name} của {where}.\n"
        "Tôi có thể giúp anh/chị tra cứu thủ tục hành chính: cần giấy tờ gì, lệ phí, thời "
        "hạn giải quyết, nộp ở đâu, và tình trạng hồ sơ đã nộp.\n"
        f"Anh/chị cứ hỏi tự nhiên, ví dụ: {EXAMPLES}\n"
        f"{REFERENCE_NOTE}"
    )


REFERENCE_NOTE = (
    "Thông tin tôi trả lời lấy từ Cổng Dịch vụ công quốc gia và chỉ để tham khảo; kết quả "
    "chính thức do cơ quan có thẩm quyền giải quyết."
)


def clarify(facet: Facet) -> str:
    return (
        "Có vài thủ tục gần giống nhau. Anh/chị muốn hỏi "
        f"{FACET_LABELS[facet]} của thủ tục nào dưới đây ạ?"
    )


def button_title(hit: SearchHit, candidates: list[SearchHit], limit: int = 80) -> str:
    """The procedure's name, with its level when other candidates share the name."""
    title = hit.name.strip()
    if len(title) > limit:
        title = title[: limit - 1].rsplit(" ", 1)[0] + "…"
    same_name = [c for c in candidates if c.name.strip() == hit.name.strip()]
    if len(same_name) > 1 and hit.levels:
        title += f" ({', '.join(hit.levels).lower()})"
    return title


def same_for_variants(names: list[str], facet: Facet) -> str:
    listed = "; ".join(names)
    return f"Các thủ tục sau có cùng {FACET_LABELS[facet]} nên tôi trả lời chung: {listed}."


def ask_which(facet: Facet) -> str:
    return (
        f"Anh/chị muốn hỏi {FACET_LABELS[facet]} của thủ tục nào ạ? Anh/chị nhắn tên thủ "
        "tục giúp tôi, ví dụ: “đăng ký khai sinh”, “làm căn cước”, “cấp đổi giấy phép lái xe”."
    )


def not_found(profile: DeploymentProfile) -> str:
    return (
        "Xin lỗi, tôi chưa tìm được thủ tục khớp với câu hỏi của anh/chị trong cơ sở dữ "
        "liệu, nên không dám trả lời để tránh sai.\n"
        f"Anh/chị thử hỏi lại với tên thủ tục cụ thể hơn, ví dụ: {EXAMPLES}\n\n"
        f"Hoặc để được cán bộ hướng dẫn:\n{_human_channels(profile)}"
    )


def not_understood(profile: DeploymentProfile) -> str:
    return (
        "Xin lỗi, tôi chưa hiểu câu hỏi của anh/chị. Tôi trả lời các câu hỏi về thủ tục "
        f"hành chính, ví dụ: {EXAMPLES}\n\n"
        f"Nếu cần người hỗ trợ:\n{_human_channels(profile)}"
    )


def out_of_scope(profile: DeploymentProfile) -> str:
    return (
        "Xin lỗi anh/chị, tôi chỉ hỗ trợ tra cứu thủ tục hành chính và dịch vụ công của "
        f"tỉnh {profile.province}, nên không trả lời được câu hỏi này.\n"
        f"Anh/chị có thể hỏi tôi, ví dụ: {EXAMPLES}\n"
        f"Nếu cần hỗ trợ khác, anh/chị vui lòng gọi tổng đài {profile.hotline}."
    )


def handoff(profile: DeploymentProfile) -> str:
    return (
        "Tôi là trợ lý ảo nên không chuyển máy được. Để được cán bộ hỗ trợ trực tiếp, "
        f"anh/chị vui lòng:\n{_human_channels(profile)}"
    )


def contact_buttons(profile: DeploymentProfile) -> list[dict[str, str]]:
    """Call the hotline, open the portal: channels show them as a call and a link."""
    return [
        {"title": f"Gọi tổng đài {profile.hotline}", "payload": f"tel:{profile.hotline}"},
        {"title": "Mở Cổng dịch vụ công", "payload": profile.portal_url},
    ]


def thanks_for_feedback(helpful: bool, profile: DeploymentProfile) -> str:
    if helpful:
        return "Cảm ơn anh/chị đã phản hồi! Anh/chị cần hỏi thêm thủ tục nào cứ nhắn cho tôi nhé."
    return (
        "Xin lỗi vì câu trả lời chưa đúng ý anh/chị. Tôi đã ghi nhận để cán bộ rà soát lại.\n"
        "Anh/chị có thể hỏi lại cụ thể hơn (tên thủ tục và điều anh/chị cần biết), hoặc "
        "liên hệ:\n"
        f"{_human_channels(profile)}"
    )


def ask_receipt_code() -> str:
    return (
        "Để tra cứu tình trạng hồ sơ, anh/chị nhắn giúp tôi mã hồ sơ in trên giấy biên "
        "nhận, ví dụ: 000.00.04.H51-250221-0001."
    )


def malformed_receipt_code() -> str:
    return (
        "Mã hồ sơ anh/chị nhắn chưa đúng định dạng. Mã đúng có dạng "
        "000.00.04.H51-250221-0001 (mã cơ quan, ngày nhận, số thứ tự), in trên giấy biên "
        "nhận. Anh/chị kiểm tra và nhắn lại giúp tôi nhé."
    )


def _date(value: datetime | None) -> str:
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
        f"Tôi không tìm thấy hồ sơ có mã {code}. Anh/chị kiểm tra lại mã trên giấy biên "
        f"nhận, hoặc tra cứu trên Cổng dịch vụ công ({profile.portal_url}), hoặc gọi tổng "
        f"đài {profile.hotline} để được hỗ trợ."
    )


def too_many_lookups(profile: DeploymentProfile) -> str:
    return (
        "Anh/chị đã tra cứu nhiều hồ sơ trong thời gian ngắn, nên trợ lý tạm dừng tra cứu "
        f"trong cuộc trò chuyện này. Anh/chị vui lòng thử lại sau, tra trên {profile.portal_url}, "
        f"hoặc gọi tổng đài {profile.hotline}."
    )


def dossier_lookup_failed(code: str, profile: DeploymentProfile) -> str:
    return (
        "Xin lỗi anh/chị, hệ thống tra cứu hồ sơ đang tạm gián đoạn nên tôi chưa tra được "
        f"mã {code}. Anh/chị thử lại sau ít phút, hoặc tra trên {profile.portal_url}, hoặc "
        f"gọi tổng đài {profile.hotline}."
    )


def internal_error(profile: DeploymentProfile) -> str:
    """The action endpoint's reply when an action fails: an apology, never a trace."""
    return (
        "Xin lỗi anh/chị, hệ thống đang gặp sự cố nên tôi chưa trả lời được. Anh/chị thử "
        f"lại sau ít phút, hoặc liên hệ:\n{_human_channels(profile)}"
    )
