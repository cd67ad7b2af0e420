"""The reference rows every deployment starts with: channels and rejection reasons (DOMAIN.md).

Loaded by a data migration; admins may rename, deactivate or add rows afterwards.
"""

from __future__ import annotations

from typing import Any

# code, name, GB/T 33358 first-response target in minutes (None where the standard sets none)
CHANNELS: list[tuple[str, str, int | None]] = [
    ("phone", "电话", None),
    ("sms", "短信", 3),
    ("web", "网站", 3),
    ("wechat", "微信", 3),
    ("app", "APP", 3),
    ("mailbox", "市长信箱", 24 * 60),
    ("weibo", "微博", 3),
    ("merged", "合并热线", None),
    ("partner", "合作系统", None),
    ("message_board", "留言板", 24 * 60),
    ("walk_in", "现场", None),
]

# code, name, transfer-to-emergency-services
REJECTION_REASONS: list[tuple[str, str, bool]] = [
    ("secret_privacy", "涉及国家秘密、商业秘密或他人隐私", False),
    ("legal_process", "已进入或应通过诉讼、仲裁、行政复议等程序解决", False),
    ("petition", "已受理或办结的信访事项", False),
    ("duplicate", "同一人同一事项已受理或办结且无新情况", False),
    ("emergency", "应由110/119/120/122处置的紧急事项（即时转接）", True),
    ("party_congress", "党委、人大、政协事务", False),
    ("military", "军队、武警事务", False),
    ("jurisdiction", "不属本级管辖范围", False),
    ("harassment", "骚扰、恶意来电", False),
    ("unlawful", "违反法律法规或公序良俗的诉求", False),
    ("other", "其他", False),
]

EMERGENCY_SERVICES: list[tuple[str, str]] = [
    ("110", "110 公安报警"),
    ("119", "119 消防救援"),
    ("120", "120 医疗急救"),
    ("122", "122 交通事故"),
]


def ensure_reference_rows(channel_model: Any, reason_model: Any) -> None:
    """Create the reference rows that are missing (used by the data migration, with historical models)."""
    for sort, (code, name, minutes) in enumerate(CHANNELS):
        channel_model.objects.get_or_create(
            code=code, defaults={"name": name, "first_response_minutes": minutes, "sort": sort}
        )
    for sort, (code, name, transfer) in enumerate(REJECTION_REASONS):
        reason_model.objects.get_or_create(
            code=code, defaults={"name": name, "transfer": transfer, "sort": sort}
        )
