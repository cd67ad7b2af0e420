"""The schemes that ship with the platform. They are data: a data migration creates them, an admin edits
them like any other scheme, and ``scheme_from_preset`` makes a fresh copy.

- ``three_rates``: a Beijing-style 三率 scheme: response (响应率) 10, resolution (解决率) 45 and
  satisfaction (满意率) 45.
- ``weighted``: the seeds' comprehensive score (综合考评, the Yibin rules: "workload, reply rate,
  satisfaction, timeliness, and the reminders, forced handling, returns and supervision a unit received"):
  weighted rates adding up to 100, then penalty points for reminders, supervision notices, reopened
  orders and extension requests.
"""

from __future__ import annotations

from typing import Any

PRESETS: dict[str, dict[str, Any]] = {
    "three_rates": {
        "name": "三率考核（北京模式）",
        "description": "接诉即办“三率”：响应率10%、解决率45%、满意率45%。经同意的退回和获批的延期不计入。",
        "min_orders": 5,
        "indicators": [
            {
                "code": "response",
                "name": "响应率",
                "formula": "rate(responded_on_time, response_due)",
                "weight": 10,
                "description": "受理后5个工作日内（或办理时限内）向诉求人作出阶段性答复、承诺或答复的比例。",
            },
            {
                "code": "resolution",
                "name": "解决率",
                "formula": "rate(resolved, rated)",
                "weight": 45,
                "description": "回访中诉求人表示问题已解决的比例（重办后以第二次回访为准）。",
            },
            {
                "code": "satisfaction",
                "name": "满意率",
                "formula": "rate(satisfied + basically, rated)",
                "weight": 45,
                "description": "回访评价为满意或基本满意的比例。",
            },
        ],
    },
    "weighted": {
        "name": "综合考评（加权计分）",
        "description": (
            "综合考虑工作量、签收及时率、回复率、按时办结率、满意率、解决率和退回准确率，"
            "并对催办、督办、重办和延期扣分。"
        ),
        "min_orders": 5,
        "indicators": [
            {
                "code": "workload",
                "name": "工作量",
                "formula": "rate(assigned, mean_assigned)",
                "score_formula": "min(100, value)",
                "weight": 5,
                "description": "本单位承办量占各单位平均承办量的比例，达到平均水平得满分。",
            },
            {
                "code": "sign_for",
                "name": "签收及时率",
                "formula": "rate(signed_on_time, sign_due)",
                "weight": 10,
                "description": "在签收时限内签收（或按时退回）的比例。",
            },
            {
                "code": "reply",
                "name": "回复率",
                "formula": "rate(completed, completion_due)",
                "weight": 15,
                "description": "到期工单中已回复（办结）的比例。",
            },
            {
                "code": "on_time",
                "name": "按时办结率",
                "formula": "rate(completed_on_time, completion_due)",
                "weight": 25,
                "description": "在办理时限内办结的比例；获批延期按延期后的时限计算。",
            },
            {
                "code": "satisfaction",
                "name": "满意率",
                "formula": "rate(satisfied + basically, rated)",
                "weight": 25,
                "description": "回访评价为满意或基本满意的比例。",
            },
            {
                "code": "resolution",
                "name": "解决率",
                "formula": "rate(resolved, rated)",
                "weight": 10,
                "description": "回访中诉求人表示问题已解决的比例。",
            },
            {
                "code": "valid_return",
                "name": "退回准确率",
                "formula": "rate(returns_accepted, returns_accepted + returns_rejected)",
                "score_formula": "default(value, 100)",
                "weight": 10,
                "description": "经审核同意的退回占已审核退回的比例；没有退回的单位得满分。",
            },
            {
                "code": "reminders",
                "name": "催办扣分",
                "kind": "adjustment",
                "formula": "reminders",
                "score_formula": "-min(5, 0.5 * value)",
                "unit_label": "次",
                "higher_is_better": False,
                "description": "每收到一次催办扣0.5分，最多扣5分。",
            },
            {
                "code": "supervisions",
                "name": "督办扣分",
                "kind": "adjustment",
                "formula": "supervisions",
                "score_formula": "-min(10, 2 * value)",
                "unit_label": "次",
                "higher_is_better": False,
                "description": "每收到一次督办通知扣2分，最多扣10分。",
            },
            {
                "code": "reopen",
                "name": "重办率",
                "kind": "adjustment",
                "formula": "rate(reopened, rated + reopened)",
                "score_formula": "-min(5, value / 4)",
                "higher_is_better": False,
                "description": "回访不满意、未解决而重办的比例，每1%扣0.25分，最多扣5分。",
            },
            {
                "code": "extension",
                "name": "延期率",
                "kind": "adjustment",
                "formula": "rate(extension_requests, assigned)",
                "score_formula": "-min(3, value / 10)",
                "higher_is_better": False,
                "description": "申请延期的工单比例，每10%扣1分，最多扣3分。",
            },
        ],
    },
}
DEFAULT_PRESET = "weighted"


def indicator_fields(spec: dict[str, Any], sort: int) -> dict[str, Any]:
    """Model field values of an indicator from its preset entry."""
    return {
        "code": spec["code"],
        "name": spec["name"],
        "kind": spec.get("kind", "weighted"),
        "formula": spec["formula"],
        "score_formula": spec.get("score_formula", "value"),
        "weight": spec.get("weight", 0),
        "unit_label": spec.get("unit_label", "%"),
        "higher_is_better": spec.get("higher_is_better", True),
        "description": spec.get("description", ""),
        "sort": sort,
    }


def install(scheme_model: Any, indicator_model: Any, *, now: Any) -> int:
    """Create the preset schemes that do not exist yet (by code); the first install makes ``weighted``
    the default. Works with the historical models of a migration. Returns how many were created."""
    created = 0
    has_default = scheme_model.objects.filter(is_default=True).exists()
    for code, preset in PRESETS.items():
        if scheme_model.objects.filter(code=code).exists():
            continue
        scheme = scheme_model.objects.create(
            code=code,
            name=preset["name"],
            description=preset["description"],
            preset=code,
            min_orders=preset.get("min_orders", 5),
            is_default=not has_default and code == DEFAULT_PRESET,
            updated_at=now,
        )
        for sort, spec in enumerate(preset["indicators"], start=1):
            indicator_model.objects.create(scheme=scheme, **indicator_fields(spec, sort * 10))
        created += 1
    return created
