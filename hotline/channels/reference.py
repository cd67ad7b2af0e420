"""The message templates every deployment starts with; admins edit their text afterwards.

Every template also gets ``city`` (the deployment's city name). Codes are a contract between apps: the
first ten are used by other apps through ``channels.services.sms_send``.
"""

from __future__ import annotations

from typing import Any

# code, name, mail subject, body, variables
TEMPLATES: list[tuple[str, str, str, str, str]] = [
    (
        "receipt",
        "受理回执",
        "您的来信已受理（工单号{{ number }}）",
        "【{{ city }}12345】您的诉求已受理，工单号{{ number }}，查询码{{ query_code }}。"
        "可回复补充情况，或发送工单号查询进度。",
        "number, query_code, title",
    ),
    (
        "progress",
        "办理进度",
        "您的工单{{ number }}办理进度",
        "【{{ city }}12345】您的工单{{ number }}正在办理：{{ text }}",
        "number, text",
    ),
    (
        "reply",
        "办理答复",
        "您的工单{{ number }}已办理完毕",
        "【{{ city }}12345】您的工单{{ number }}已办理完毕，答复如下：{{ text }}",
        "number, text, unit",
    ),
    (
        "survey",
        "回访评价",
        "",
        "【{{ city }}12345】您反映的问题（工单{{ number }}）已办结，请回复评价：1满意，2基本满意，3不满意；"
        "并回复Y已解决或N未解决，如“1Y”。",
        "number",
    ),
    ("survey_thanks", "评价致谢", "", "【{{ city }}12345】感谢您的评价，我们将持续改进服务。", "number"),
    (
        "reminder",
        "催办提醒",
        "",
        "【{{ city }}12345】催办：工单{{ number }}（{{ title }}）{{ text }}请尽快办理。",
        "number, title, text, due",
    ),
    (
        "supervision_notice",
        "督办通知",
        "",
        "【{{ city }}12345】督办通知：工单{{ number }}（{{ title }}）{{ text }}请于{{ respond_by }}前书面反馈。",
        "number, title, text, respond_by",
    ),
    (
        "escalation",
        "督办通报",
        "",
        "【{{ city }}12345】通报：工单{{ number }}（{{ title }}）{{ text }}",
        "number, title, text",
    ),
    (
        "kb_review_due",
        "知识复审提醒",
        "",
        "【{{ city }}12345】知识库条目「{{ title }}」已到复审期，请于{{ due }}前完成复审。",
        "title, due",
    ),
    ("early_warning", "预警通知", "", "【{{ city }}12345】预警：{{ text }}", "text"),
    (
        "answer",
        "即时答复",
        "关于您的来信（工单{{ number }}）",
        "【{{ city }}12345】关于您的诉求（工单{{ number }}）：{{ text }}",
        "number, text",
    ),
    (
        "status",
        "进度查询",
        "",
        "【{{ city }}12345】工单{{ number }}当前状态：{{ status }}。{{ detail }}",
        "number, status, detail",
    ),
    (
        "added",
        "补充收悉",
        "您补充的情况已转入工单{{ number }}",
        "【{{ city }}12345】您补充的情况已转入工单{{ number }}。",
        "number",
    ),
    (
        "missed_call",
        "未接来电",
        "",
        "【{{ city }}12345】您的来电暂未接通，我们将尽快回电；也可直接回复短信说明诉求。",
        "",
    ),
]


def ensure_templates(template_model: Any) -> None:
    """Create the templates that are missing (data migration, with the historical model)."""
    for code, name, subject, body, variables in TEMPLATES:
        template_model.objects.get_or_create(
            code=code, defaults={"name": name, "subject": subject, "body": body, "variables": variables}
        )
