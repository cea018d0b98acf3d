"""The shipped seed knowledge base (knowledge_base/seed/procedures.yaml).

Checks the file against the ``ProcedureIn`` contract and, where the shared development data
is present (``../shared/data``), against the national catalogue it was written from: every
code must exist there, each channel must be one the portal lists, and each ``fee_vnd`` must
be an amount the portal states for that channel.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from knowledge_base.schemas import ProcedureIn

pytestmark = pytest.mark.app

PROJECT = Path(__file__).parents[2]
SEED = PROJECT / "knowledge_base" / "seed" / "procedures.yaml"
SHARED_DATA = Path(__file__).parents[2].parent / "shared" / "data"
NATIONAL = SHARED_DATA / "procedures" / "dichvucong-national.jsonl"

# A row of the flattened channel table starts with the channel name followed by its time
# cell (a number) or "Không có thông tin"; the same words inside a description do not.
CHANNEL_ROW = re.compile(r"(Trực tuyến|Trực tiếp|Dịch vụ bưu chính)(?=\s*(?:\d|Không))")
AMOUNT = re.compile(r"(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?:Việt Nam Đồng|VNĐ|VND|đồng|Đồng|đ\b)")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@pytest.fixture(scope="module")
def raw_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def items(raw_text) -> list[dict]:
    data = yaml.safe_load(raw_text)
    assert isinstance(data, dict) and isinstance(data.get("procedures"), list)
    return data["procedures"]


@pytest.fixture(scope="module")
def procedures(items) -> list[ProcedureIn]:
    return [ProcedureIn.model_validate(item) for item in items]


def test_file_is_utf8_nfc(raw_text):
    assert unicodedata.normalize("NFC", raw_text) == raw_text


def test_keys_are_procedurein_fields(items):
    known = set(ProcedureIn.model_fields)
    for item in items:
        unknown = set(item) - known
        assert not unknown, f"{item.get('code')}: unknown keys {sorted(unknown)}"


def test_count_and_unique_codes(procedures):
    assert len(procedures) >= 40
    codes = [p.code for p in procedures]
    assert len(codes) == len(set(codes)), "duplicate procedure codes"


def test_every_procedure_is_complete(procedures):
    for p in procedures:
        assert p.source == "seed" and p.status.value == "active", p.code
        assert p.levels and p.field and p.applicants, p.code
        assert p.implementing_agency and p.result and p.portal_url, p.code
        assert 3 <= len(p.steps) <= 6, f"{p.code}: {len(p.steps)} steps"
        assert p.documents, f"{p.code}: no documents"
        assert p.legal_bases and all(lb.number for lb in p.legal_bases), p.code
        assert any(c.processing_time for c in p.channels), f"{p.code}: no processing time"


def test_every_channel_states_its_fee(procedures):
    for p in procedures:
        for c in p.channels:
            assert c.fee or c.fee_vnd is not None, f"{p.code} / {c.channel}: no fee"
            assert c.fee_vnd is None or c.fee_vnd >= 0, f"{p.code} / {c.channel}"


def test_keywords_cover_everyday_wording(procedures):
    for p in procedures:
        assert len(p.keywords) >= 8, f"{p.code}: only {len(p.keywords)} keywords"
        assert any(k.isascii() for k in p.keywords), f"{p.code}: no keyword without diacritics"


def test_no_district_level(items):
    """Since 1 July 2025 local government has two levels: no text may send people to a district."""
    for item in items:
        for text in _strings(item):
            assert "cấp huyện" not in text.casefold(), f"{item['code']}: {text!r}"


# --- against the national catalogue ---------------------------------------------------


def _national_channels(table: str) -> dict[str, str]:
    """Channel name -> the text of all its rows in the flattened 'cách thức thực hiện' table."""
    rows: dict[str, str] = {}
    starts = list(CHANNEL_ROW.finditer(table))
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(table)
        rows[match.group(1)] = rows.get(match.group(1), "") + " " + table[match.end() : end]
    return rows


def _amounts(text: str) -> set[int]:
    return {int(re.sub(r"[.,]", "", m.group(1))) for m in AMOUNT.finditer(text)}


@pytest.fixture(scope="module")
def national(procedures) -> dict[str, dict]:
    if not NATIONAL.is_file():
        pytest.skip(f"shared data not available ({NATIONAL}); national cross-checks skipped")
    wanted = {p.code for p in procedures}
    found: dict[str, dict] = {}
    with NATIONAL.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if record.get("ma_thu_tuc") in wanted:
                found[record["ma_thu_tuc"]] = record
    return found


@pytest.mark.slow
def test_codes_exist_in_national_catalogue(procedures, national):
    missing = [p.code for p in procedures if p.code not in national]
    assert not missing, f"codes not in the national catalogue: {missing}"
    for p in procedures:
        assert p.portal_url == national[p.code]["detail_url"], p.code


@pytest.mark.slow
def test_channels_and_fees_match_national_record(procedures, national):
    for p in procedures:
        rows = _national_channels(national[p.code]["cach_thuc_thuc_hien"])
        assert {c.channel for c in p.channels} == set(rows), (
            f"{p.code}: channels {sorted(c.channel for c in p.channels)} != national {sorted(rows)}"
        )
        for c in p.channels:
            if c.fee_vnd is None:
                continue
            text = rows[c.channel]
            amounts = _amounts(text)
            if c.fee_vnd == 0:
                free = not any(amounts) or "miễn" in text.casefold()
                assert free, f"{p.code} / {c.channel}: seed says free, national states {amounts}"
            else:
                assert c.fee_vnd in amounts, (
                    f"{p.code} / {c.channel}: fee_vnd {c.fee_vnd} not in national {amounts}"
                )
