"""The yearly report on the assistant (báo cáo kết quả ứng dụng trí tuệ nhân tạo): what a
province reports each year — questions handled, share answered, satisfaction, top topics,
unanswered topics — as a spreadsheet (XLSX) and as a PDF.

The PDF needs a font with Vietnamese letters: DejaVu Sans (Debian's fonts-dejavu-core) or
the one ``TTHC_REPORT_FONT`` names.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy.orm import Session

from tthc.analytics import OUTCOME_LABELS, Figures, figures, questions_in

FONT_CANDIDATES = [
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
]


FORMULA_STARTS = ("=", "+", "-", "@")


class NoFont(RuntimeError):
    """No font with Vietnamese letters to write the PDF with."""


@dataclass(frozen=True)
class YearlyReport:
    year: int
    province: str
    made_at: datetime
    figures: Figures

    def summary(self) -> list[tuple[str, str]]:
        f = self.figures
        share = _percent(f.share_answered)
        good = _percent(f.share_good)
        rated = f.outcomes["rated_good"] + f.outcomes["rated_bad"]
        return [
            ("Số câu hỏi trợ lý đã tiếp nhận", f"{f.questions:,}".replace(",", ".")),
            ("Tỷ lệ trả lời được ngay", share),
            ("Số lần hỏi lại để chọn đúng thủ tục", _count(f.outcomes["clarified"])),
            (
                "Số câu hỏi chưa trả lời được",
                _count(f.outcomes["not_found"] + f.outcomes["handed_off"]),
            ),
            ("Số lần chuyển cho cán bộ", _count(f.outcomes["handed_off"])),
            ("Số lượt tra cứu tình trạng hồ sơ", _count(f.outcomes["dossier"])),
            ("Tỷ lệ đánh giá hữu ích", f"{good} trên {_count(rated)} lượt đánh giá"),
            ("Thời gian trả lời (95% câu hỏi dưới)", _ms(f.latency_p95_ms)),
            ("Số ngày có người dân hỏi", _count(f.days_with_questions)),
            ("Mức độ sẵn sàng của hệ thống", _availability(f)),
        ]


def _availability(f: Figures) -> str:
    if f.availability is None or f.availability_since is None:
        return "chưa có số liệu (đo từ khi chạy phiên bản có ghi nhận)"
    since = f.availability_since  # on Vietnam's clock
    share = f"{f.availability * 100:.2f}%".replace(".", ",")
    return f"{share} thời gian trợ lý trả lời được (đo mỗi phút từ {since:%d/%m/%Y})"


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _percent(share: float | None) -> str:
    return "chưa có số liệu" if share is None else f"{share * 100:.1f}%".replace(".", ",")


def _ms(value: int | None) -> str:
    return "chưa có số liệu" if value is None else f"{value / 1000:.2f} giây".replace(".", ",")


def build(session: Session, year: int, province: str, top: int = 20) -> YearlyReport:
    return YearlyReport(
        year,
        province,
        datetime.now(UTC),
        figures(session, date(year, 1, 1), date(year, 12, 31), top),
    )


def to_xlsx(report: YearlyReport) -> bytes:
    book = Workbook()
    bold = Font(bold=True)
    sheet = book.active
    sheet.title = "Tổng hợp"
    sheet.append([f"Báo cáo kết quả ứng dụng trợ lý ảo thủ tục hành chính năm {report.year}"])
    sheet.append([f"Tỉnh {report.province} · lập ngày {report.made_at:%d/%m/%Y}"])
    sheet.append([])
    sheet["A1"].font = Font(bold=True, size=13)
    for label, value in report.summary():
        sheet.append([label, value])
    f = report.figures
    months = book.create_sheet("Theo tháng")
    columns = ["answered", "clarified", "not_found", "handed_off", "rated_good", "rated_bad"]
    months.append(["Tháng", "Câu hỏi", *(OUTCOME_LABELS[c] for c in columns)])
    for month in sorted(f.per_month):
        counts = f.per_month[month]
        months.append([month, questions_in(counts), *(counts[c] for c in columns)])
    channels = book.create_sheet("Theo kênh")
    channels.append(["Kênh", "Câu hỏi"])
    for channel, count in f.channels.most_common():
        channels.append([channel, count])
    topics = book.create_sheet("Lĩnh vực hỏi nhiều")
    topics.append(["Lĩnh vực", "Câu hỏi đã trả lời"])
    for field_name, count in f.top_fields:
        topics.append([field_name, count])
    procedures = book.create_sheet("Thủ tục hỏi nhiều")
    procedures.append(["Mã", "Thủ tục", "Câu hỏi đã trả lời"])
    for code, name, count in f.top_procedures:
        procedures.append([code, name, count])
    unanswered = book.create_sheet("Chưa trả lời được")
    unanswered.append(["Câu hỏi (đã che thông tin cá nhân)", "Số lần"])
    for question, count in f.top_unanswered:
        unanswered.append([question, count])
    for ws in book.worksheets:
        for cell in ws[1 if ws.title != "Tổng hợp" else 4]:
            cell.font = bold
        ws.column_dimensions["A"].width = 48
        ws.column_dimensions["B"].width = 40
        for row in ws.iter_rows():
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for ws in book.worksheets:  # citizens' words are text, never a formula to run
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def report_font(configured: Path | None) -> Path:
    for path in [configured, *FONT_CANDIDATES]:
        if path is not None and path.is_file():
            return path
    raise NoFont(
        "Cần một phông chữ tiếng Việt để xuất PDF: cài fonts-dejavu-core "
        "(apt-get install fonts-dejavu-core) hoặc đặt TTHC_REPORT_FONT."
    )


def to_pdf(report: YearlyReport, font: Path) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(format="A4")
    pdf.add_font("report", fname=str(font))
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("report", size=15)
    pdf.multi_cell(
        0,
        8,
        f"Báo cáo kết quả ứng dụng trợ lý ảo thủ tục hành chính năm {report.year}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("report", size=10)
    pdf.multi_cell(
        0,
        6,
        f"Tỉnh {report.province} · lập ngày {report.made_at:%d/%m/%Y}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)

    def table(
        title: str, header: tuple[str, ...], rows: list[tuple[str, ...]], widths: tuple[int, ...]
    ) -> None:
        pdf.set_font("report", size=12)
        pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("report", size=9)
        with pdf.table(
            col_widths=widths,
            text_align="LEFT",
            line_height=5,
            headings_style=FontFace(emphasis="", fill_color=(235, 238, 242)),
        ) as grid:
            for cells in [header, *rows]:
                row = grid.row()
                for value in cells:
                    row.cell(str(value))
        pdf.ln(3)

    f = report.figures
    table("1. Tổng hợp", ("Chỉ tiêu", "Kết quả"), report.summary(), (60, 40))
    table(
        "2. Theo tháng",
        ("Tháng", "Câu hỏi", "Đã trả lời", "Chưa trả lời được"),
        [
            (
                m,
                str(questions_in(c)),
                str(c["answered"]),
                str(c["not_found"] + c["handed_off"]),
            )
            for m, c in sorted(f.per_month.items())
        ],
        (25, 25, 25, 25),
    )
    table(
        "3. Lĩnh vực hỏi nhiều",
        ("Lĩnh vực", "Câu hỏi"),
        [(n, str(c)) for n, c in f.top_fields],
        (75, 25),
    )
    table(
        "4. Thủ tục hỏi nhiều",
        ("Mã", "Thủ tục", "Câu hỏi"),
        [(code, name, str(c)) for code, name, c in f.top_procedures],
        (18, 67, 15),
    )
    table(
        "5. Câu hỏi chưa trả lời được nhiều nhất",
        ("Câu hỏi (đã che thông tin cá nhân)", "Số lần"),
        [(q, str(c)) for q, c in f.top_unanswered],
        (85, 15),
    )
    return bytes(pdf.output())
