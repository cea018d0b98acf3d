"""Dossier documents as a citizen reads them: no list markers, copies only when stated."""

from __future__ import annotations

import re

_BOILERPLATE = re.compile(r"^\W*số lượng hồ sơ\s*:?\s*\d+[^.]{0,30}\.?\s*$", re.IGNORECASE)
_MARKER = re.compile(r"^(?:[-+•*–]+|\(?[ivx]+\)|\(\d+\))\s*")
_COUNTS = re.compile(r"(\d{1,2}) bản (chính|sao)|Bản (chính|sao):\s?(\d{1,2})")


def strip_marker(name: str) -> str:
    """ "- Giấy chứng sinh" -> "Giấy chứng sinh"; the portal's bullets are not the name."""
    return _MARKER.sub("", name, count=1).strip()


def stated_copies(copies: str | None) -> str | None:
    """ "0 bản chính, 1 bản sao" -> "1 bản sao"; "0 bản chính" -> None (the portal's blank)."""
    if not copies:
        return None
    parts = []
    for match in _COUNTS.finditer(copies):
        count = int(match.group(1) or match.group(4))
        kind = match.group(2) or match.group(3)
        if count:
            parts.append(f"{count} bản {kind}")
    if not _COUNTS.search(copies):
        return copies
    return ", ".join(parts) or None


def is_boilerplate(name: str) -> bool:
    """A row the portal's table holds that is not a document ("Số lượng hồ sơ: 01 bộ")."""
    return _BOILERPLATE.match(name) is not None
