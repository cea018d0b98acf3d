"""What the channels themselves say to citizens (everything else comes from the actions)."""

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
