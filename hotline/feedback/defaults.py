"""The callback exemptions a deployment starts with (administrators switch them on and off)."""

from __future__ import annotations

from typing import Any

# code, name, match, value, active
DEFAULTS: list[tuple[str, str, str, str, bool]] = [
    ("anonymous", "匿名来电不回访", "anonymous", "", True),
    ("praise", "表扬类诉求不回访", "request_type", "praise", True),
    ("rejected", "不予受理件不回访", "rejected", "", True),
    ("confidential", "保密来电不回访", "confidential", "", False),
]


def ensure_default_exemptions(model: Any) -> None:
    """Create the default exemptions that are missing (also from the data migration, with the
    historical model)."""
    for code, name, match, value, active in DEFAULTS:
        model.objects.get_or_create(
            code=code, defaults={"name": name, "match": match, "value": value, "active": active}
        )
