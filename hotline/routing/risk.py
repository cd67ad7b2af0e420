"""Risk flags on a request: life-safety and emergency language (with the emergency number to transfer to),
repeat callers about the same matter, and patterns of harassment.

Emergency detection errs on the side of flagging: a missed fire or suicide threat costs a life, a false
flag costs the agent one glance. The patterns cover how people actually say it (口语, partial words,
words in between: 煤气味好大, 有人拿刀砍人, 我不想活了). Words that are as often told of the past
(车祸, 骨折, 洪水, 打架) make an emergency when the sentence says it is happening now (正在, 刚才, 救命,
快来 …); otherwise, like a fire or gas word in a clearly hypothetical sentence (存在火灾隐患, 一旦发生
火灾), they raise a safety-hazard flag: urgent, without the transfer prompt. Threats to life (self-harm,
fire burning, gas smelt, a knife) always prompt the transfer.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from hotline.text.normalize import normalize
from hotline.workorders.models import WorkOrder

from . import conf


@dataclass(frozen=True)
class EmergencyKind:
    code: str
    label: StrOrPromise
    transfer: tuple[str, ...]  # emergency numbers, first the one to transfer to
    patterns: tuple[str, ...]  # an emergency whenever said
    weak: tuple[str, ...] = ()  # an emergency when said as happening now (正在, 刚才, 救命 …), else a hazard


KINDS: tuple[EmergencyKind, ...] = (
    EmergencyKind(
        "self_harm",
        _("self-harm or suicide risk"),
        ("110", "120"),
        (
            r"自杀|轻生|寻死|自尽|自残|自伤|割腕|上吊|服毒|跳楼|跳河|跳江|跳湖|跳桥|卧轨",
            r"不想活|活不下去|活着没意思|活着没有意思|不如死了|想死|去死|一死了之|以死相逼|以死明志|了结自己|结束自己的生命|结束生命",
            r"(?:喝|吃|服)了?(?:农药|敌敌畏|百草枯|老鼠药|安眠药|一瓶药|很多药)",
            r"站在(?:楼顶|天台|桥上|窗台|楼边)",
        ),
    ),
    EmergencyKind(
        "fire",
        _("fire or explosion"),
        ("119",),
        (r"着火|著火|起火|失火|烧起来|烧着了|火苗|冒火|火光|火烧",),
        (r"火灾|大火|火情|火势|浓烟|冒烟|爆炸|(?<!气)炸了|爆燃|闪爆",),
    ),
    EmergencyKind(
        "gas",
        _("gas leak"),
        ("119",),
        (
            r"(?:燃气|煤气|天然气|液化气|液化石油气|沼气)[^。！？\n]{0,8}(?:泄漏|泄露|漏气|漏了|味|气味|很臭|刺鼻|爆)",
            r"(?:闻到|有|好大的?|很重的?|浓烈的?)(?:燃气|煤气|天然气|液化气)味",
            r"漏气|气罐漏|煤气中毒|一氧化碳中毒",
        ),
    ),
    EmergencyKind(
        "violence",
        _("violence or crime in progress"),
        ("110",),
        (
            r"砍人|砍伤|捅人|捅伤|持刀|拿刀|拿着刀|拿斧头|行凶|要杀|威胁要杀|杀了我|砸门|抢劫|抢包|劫持|强奸|猥亵|非礼",
            r"家暴|家庭暴力|被虐待|打我(?!电话|手机|的电话|的手机)|打孩子|打老婆|打老人|被人打|被.{0,3}打了|群殴|械斗",
            r"有人(?:闯进|撬门|入室)|入室盗窃|小偷在|正在偷|持枪|枪声",
        ),
        (r"打人|殴打|被打(?!扰|折|击|电话|卡|针|疫苗|款|分)|打架|斗殴|杀人|绑架",),
    ),
    EmergencyKind(
        "medical",
        _("medical emergency"),
        ("120",),
        (
            r"晕倒|晕过去|昏倒|不省人事|没有意识|失去意识|没有呼吸|没呼吸|喘不上气|抽搐|休克|心脏骤停",
            r"血流不止|流了很多血|触电|被电到|溺水|快不行了|快要死了|救命",
        ),
        (r"昏迷|呼吸困难|心脏病发|心梗|脑溢血|中风|大出血|重伤|摔伤|骨折|中毒|生命危险|危及生命|人命关天",),
    ),
    EmergencyKind(
        "traffic",
        _("traffic accident"),
        ("122", "120"),
        (r"撞人|撞了人|被车撞|撞倒|翻车|侧翻|肇事逃逸",),
        (r"车祸|交通事故|追尾|撞伤|撞死|被撞",),
    ),
    EmergencyKind(
        "flood",
        _("flooding or people trapped"),
        ("119", "110"),
        (
            r"被水淹|被洪水|齐腰深|没过膝盖|进水很深|水漫进|房子要塌|楼要塌",
            r"被困(?!扰|难|惑)|困在(?:电梯|楼|屋|家|车|水|里面)|困住了|(?:困|关|锁)在[^。，,]{0,6}出不来",
            r"落水|掉进(?:河|水|湖|井|江|坑)|掉到(?:河|水|湖|井|江|坑)|卡在电梯",
        ),
        (r"洪水|山洪|泥石流|山体滑坡|塌方|决堤|溃坝|水淹|淹了|淹到|倒塌|坍塌|塌了|垮塌",),
    ),
)

# A hazard word in a sentence that talks of a risk, not of something happening now.
_HYPOTHETICAL = re.compile(
    r"隐患|一旦|万一|以免|以防|防止|预防|避免|担心|容易引发|可能引发|存在.{0,6}风险|消防检查|消防通道"
)
# Words that say it is happening now: a weak word with one of them is an emergency. The softer ones
# (现在, 还在 …) do not count in a sentence that tells of the past (去年, 之前 …).
_NOW = re.compile(r"正在|刚刚|刚才|马上|赶紧|赶快|快来|救命|紧急|求救|来人|出事了")
_SOFT_NOW = re.compile(r"现在|目前|还在|立即|立刻|快点|怎么办|帮帮|求助")
_PAST = re.compile(r"去年|前年|以前|之前|曾经|当年|那年|上个?月|上周|多年|年前|月前|过去")
_HAZARD_KINDS = frozenset({"fire", "gas", "flood"})
_SENTENCE = re.compile(r"[^。！？!?；;\n]+")


def _alternation(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


_COMPILED = [(kind, _alternation(kind.patterns), _alternation(kind.weak)) for kind in KINDS]


@dataclass(frozen=True)
class EmergencyFlag:
    code: str
    label: StrOrPromise
    matched: str
    transfer: tuple[str, ...]
    hazard_only: bool  # a hazard described, not an emergency now: urgent, no transfer


@dataclass(frozen=True)
class Assessment:
    flags: list[EmergencyFlag] = field(default_factory=list)

    @property
    def urgent(self) -> bool:
        return bool(self.flags)

    @property
    def emergency(self) -> bool:
        """Whether the agent is prompted to transfer the call."""
        return any(not f.hazard_only for f in self.flags)

    @property
    def transfer_to(self) -> list[str]:
        numbers: list[str] = []
        for flag in self.flags:
            if not flag.hazard_only:
                numbers.extend(n for n in flag.transfer if n not in numbers)
        return numbers


def assess(text: str) -> Assessment:
    """The emergency and safety flags raised by ``text``, one per kind, emergencies first."""
    text = normalize(text)
    flags: dict[str, EmergencyFlag] = {}
    for sentence in _SENTENCE.findall(text):
        hypothetical = bool(_HYPOTHETICAL.search(sentence))
        now = bool(_NOW.search(sentence)) or (bool(_SOFT_NOW.search(sentence)) and not _PAST.search(sentence))
        for kind, strong, weak in _COMPILED:
            found = strong.search(sentence) if strong else None
            hazard_only = hypothetical and kind.code in _HAZARD_KINDS
            if found is None and weak is not None:
                found = weak.search(sentence)
                hazard_only = hazard_only or not now
            if found is None:
                continue
            previous = flags.get(kind.code)
            if previous is None or (previous.hazard_only and not hazard_only):
                flags[kind.code] = EmergencyFlag(
                    kind.code, kind.label, found.group(0), kind.transfer, hazard_only
                )
    codes = [k.code for k in KINDS]
    return Assessment(sorted(flags.values(), key=lambda f: (f.hazard_only, codes.index(f.code))))


# ---------------------------------------------------------------------------------------------------------
# Callers


@dataclass(frozen=True)
class CallerFlags:
    recent_orders: int  # orders from this phone in the repeat window
    repeat_orders: list[str]  # numbers of earlier orders about the same matter in the window
    harassment: bool
    harassment_reasons: list[str]
    open_orders: int

    @property
    def repeat(self) -> bool:
        return len(self.repeat_orders) >= conf.repeat_threshold()


def caller_flags(
    *,
    phone: str,
    now: dt.datetime,
    title: str = "",
    content: str = "",
    location_text: str = "",
    exclude: int | None = None,
) -> CallerFlags:
    """Repeat and harassment flags for a caller (by phone), judged against the text being typed when
    given. Thresholds come from ``conf``; a flag is for a person to judge, never a refusal by itself."""
    from hotline.workorders.lifecycle import OPEN_STATUSES

    from .similar import caller_key, docs_for_caller, matter_terms, term_hash, term_similarity

    phone = phone.strip()
    if not phone:
        return CallerFlags(0, [], False, [], 0)
    since = now - dt.timedelta(days=conf.repeat_days())
    orders = WorkOrder.objects.filter(caller_phone=phone)
    if exclude is not None:
        orders = orders.exclude(pk=exclude)
    window = list(
        orders.filter(received_at__gte=min(since, now - dt.timedelta(days=conf.harassment_days())))
        .values("pk", "number", "received_at", "status", "rejection_reason__code")
        .order_by("-received_at")[:500]
    )
    recent = [row for row in window if row["received_at"] >= since]
    repeats: list[str] = []
    if (title or content) and recent:
        current = [term_hash(t) for t in matter_terms(title, content, location_text).terms]
        numbers = {row["pk"]: row["number"] for row in recent}
        for doc in docs_for_caller(caller_key(phone), since=since, exclude=exclude):
            if (
                doc["order_id"] in numbers
                and term_similarity(current, doc["terms"]) >= conf.same_matter_min_score()
            ):
                repeats.append(numbers[doc["order_id"]])
    reasons: list[str] = []
    burst = [row for row in window if row["received_at"] >= now - dt.timedelta(days=conf.harassment_days())]
    if len(burst) >= conf.harassment_threshold():
        reasons.append(
            str(
                _("%(count)d orders in %(days)d days") % {"count": len(burst), "days": conf.harassment_days()}
            )
        )
    rejected = orders.filter(rejection_reason__code="harassment").count()
    if rejected >= conf.harassment_rejected_threshold():
        reasons.append(str(_("%(count)d earlier calls rejected as harassment") % {"count": rejected}))
    return CallerFlags(
        recent_orders=len(recent),
        repeat_orders=repeats,
        harassment=bool(reasons),
        harassment_reasons=reasons,
        open_orders=orders.filter(status__in=OPEN_STATUSES).count(),
    )
