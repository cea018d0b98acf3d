"""What a channel says on its own, where Rasa cannot answer: a message that is not text,
or a failure while answering. Everything else Rasa says is in domain.yml (``responses:``)
or comes from the actions (``actions/messages.py``). Same form of address: "anh/chị"."""

TEXT_ONLY = (
    "Cảm ơn anh/chị đã gửi tin. Hiện trợ lý chỉ đọc được tin nhắn dạng chữ, "
    "chưa xem được hình ảnh, tệp, âm thanh hay vị trí.\n\n"
    "Anh/chị vui lòng gõ câu hỏi về thủ tục hành chính, ví dụ: "
    "“Làm căn cước cho con cần giấy tờ gì?”"
)

INFO_RECEIVED = (
    "Cảm ơn anh/chị đã gửi thông tin. Anh/chị cần hỏi về thủ tục nào, "
    "xin cứ nhắn để trợ lý hướng dẫn ạ."
)

ANSWER_FAILED = (
    "Xin lỗi anh/chị, trợ lý đang gặp sự cố khi trả lời. Anh/chị vui lòng thử lại sau ít phút."
)

CONVERSATION_DELETED = (
    "Trợ lý đã xóa cuộc trò chuyện và các đánh giá của anh/chị khỏi hệ thống theo yêu cầu."
)


def too_long(limit: int) -> str:
    """A message longer than every channel's limit (connectors/bodies.py)."""
    return (
        f"Tin nhắn của anh/chị dài quá {limit:,} ký tự nên trợ lý chưa đọc được. ".replace(",", ".")
        + "Anh/chị vui lòng gửi câu hỏi ngắn gọn hơn, ví dụ: “Đăng ký khai sinh cần giấy tờ gì?”"
    )
