"""Personal data masked before text is stored in any model or index: phone numbers, ID card numbers,
bank card numbers, e-mail addresses, car plates, QQ and WeChat accounts, and a name the caller gives
(我叫…, 姓名：…). Each is replaced by a placeholder naming its kind."""

from __future__ import annotations

import re

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "身份证号",
        re.compile(
            r"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])"
        ),
    ),
    ("银行卡号", re.compile(r"(?<!\d)(?:62|4\d|5[1-5])\d{14,17}(?!\d)")),
    ("手机号", re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")),
    ("电话", re.compile(r"(?<!\d)0\d{2,3}[- ]?\d{7,8}(?!\d)")),
    ("邮箱", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    (
        "社交账号",
        re.compile(r"(?:(?<![A-Za-z])[Qq]{2}号?|微信号?|[Ww]echat|vx|VX)\s*[:：]?\s*[A-Za-z0-9_-]{5,20}"),
    ),
    ("姓名", re.compile(r"(?:我叫|姓名\s*[:：]|联系人\s*[:：])\s*[\u4e00-\u9fff·]{2,4}")),
    (
        "车牌",
        re.compile(
            r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][·• ]?[A-HJ-NP-Z0-9]{4,5}[A-HJ-NP-Z0-9挂学警港澳]"
        ),
    ),
]


def mask_pii(text: str) -> str:
    """``text`` with personal data replaced by ``<手机号>``-style placeholders."""
    for label, pattern in _PATTERNS:
        text = pattern.sub(f"<{label}>", text)
    return text


def find_pii(text: str) -> list[tuple[str, str]]:
    """The personal data found in ``text`` as (kind, matched text) pairs, in pattern order."""
    found: list[tuple[str, str]] = []
    for label, pattern in _PATTERNS:
        found.extend((label, match.group(0)) for match in pattern.finditer(text))
        text = pattern.sub(f"<{label}>", text)
    return found
