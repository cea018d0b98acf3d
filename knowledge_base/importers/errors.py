"""Errors shared by the importers."""

from __future__ import annotations


class RecordError(ValueError):
    """A record (or a whole file) that cannot be stored at all.

    Fields that merely fail to parse are not errors: the importers keep the record and report a
    ``ParseIssue`` instead, so one odd cell never loses a procedure.
    """
