"""Every write to the knowledge base. Import as ``from hotline.knowledge import services as kb``."""

from __future__ import annotations

from .entries import (
    EntryInput,
    entry_confirm_review,
    entry_create,
    entry_input_from_version,
    entry_publish,
    entry_return,
    entry_submit,
    entry_update,
    entry_withdraw,
)
from .feedback import entry_report, report_settle
from .review import SweepResult, review_sweep
from .usage import gap_close, on_event, parse_ref, record_gap, record_use

__all__ = [
    "EntryInput",
    "SweepResult",
    "entry_confirm_review",
    "entry_create",
    "entry_input_from_version",
    "entry_publish",
    "entry_report",
    "entry_return",
    "entry_submit",
    "entry_update",
    "entry_withdraw",
    "gap_close",
    "on_event",
    "parse_ref",
    "record_gap",
    "record_use",
    "report_settle",
    "review_sweep",
]
