"""Text signatures of orders: what hot-issue detection compares.

A signature holds the problem words of the title and the beginning of the text (the place mentions taken
out, so that two different problems at one place do not look alike), the specific place, the district, a
hash that tells callers apart, and the likes the order had on its channel. The worker computes it when an
order comes in or its title or place is corrected (``sign_orders``); detection computes the missing ones.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef

from hotline.core import refcache
from hotline.text import segment
from hotline.text.normalize import normalize
from hotline.workorders.models import WorkOrder

from ..models import OrderSignature, OrderSupport
from . import places


def _words(text: str) -> list[str]:
    """Word lists are written as one space-separated string: easier to read and to extend."""
    return text.split()


# Bumped whenever what a signature holds changes; older signatures are recomputed on use.
VERSION = 4
# The beginning of the text says what it is about; the rest is detail. The title and the place field are
# segmented with jieba's HMM (it finds names the dictionary does not know, most place names); the text
# without it, which is about twice as fast.
TITLE_CHARS = 120
CONTENT_CHARS = 200
MAX_CONTENT_TERMS = 60

# Words every request uses, whatever it is about.
DOMAIN_STOPWORDS = frozenset(
    _words(
        "问题 反映 投诉 举报 咨询 建议 请求 要求 解决 处理 相关 部门 有关 领导 尊敬 政府 市民 群众 情况 进行 工作 "
        "现在 一直 至今 多次 严重 这样 非常 感谢 盼望 恳请 恳求 强烈 呼吁 关于 请问 能否 是否 为什么 为何 怎么办 "
        "时候 今年 去年 本人 我家 大家 网友 留言 答复 回复 一下 一些 所有 这些 那些 一起 以及 还有 但是 而且 并且 "
        "可是 由于 不能 不是 需要 应该 必须 导致 造成 存在 出现 发生 时间 希望 能够 得到 帮助 重视 关注 给予 尽快 "
        "及时 有关部门 相关部门 市长 书记 县长 区长 局长 主任 同志 您好 你好 谢谢 麻烦 知道 认为 觉得 表示 告知 "
        "了解 看到 发现 已经 目前 这里 那里 一个 每天 之后 之前 以后 以前 期间 当时 其中 同时 这种 那种 如此 特别 "
        "十分 真的 根本 完全 还是 只是 就是 或者 然后 而是 不会 没有 不要 不予 不再 是不是 有没有 有人 大量 很多 "
        # where, not what
        "附近 周边 周围 旁边 对面 门口 路口 交叉口 路段 一带 楼下 楼上 隔壁 这边 那边 里面 外面 所在地 地址"
    )
)
_NOISE = re.compile(r"^(?:\d+|[0-9零一二三四五六七八九十百千万两]+[年月日号时点分楼层栋单元室期]?|[a-zA-Z])$")


@dataclass(frozen=True)
class Signature:
    terms: str  # "title words | content words"
    place: str
    place_label: str
    district: str


def problem_words(seg: places.Segmented, spans: tuple[tuple[int, int], ...], place: str = "") -> list[str]:
    """The words of ``seg`` outside the place mentions (and not part of the order's place name, wherever
    it is written), without stop words, numbers and single characters."""
    skip = bytearray(len(seg.text) + 1)
    for start, end in spans:
        skip[start:end] = b"\x01" * (end - start)
    words = []
    for word, offset in zip(seg.words, seg.offsets, strict=True):
        word = word.strip()
        if len(word) < 2 or skip[offset] or word in segment.STOPWORDS or word in DOMAIN_STOPWORDS:
            continue
        if word in places.ENDINGS or (place and word in place):  # 小区, 路, 医院 … say where, not what
            continue
        if _NOISE.match(word) or not any(ch.isalnum() for ch in word):
            continue
        words.append(word)
    return words


def _cut(tokenizer: Any, text: str, *, hmm: bool) -> list[str]:
    return list(tokenizer.lcut(text, HMM=hmm))


def build(*, title: str, content: str, location_text: str = "", division_district: str = "") -> Signature:
    tokenizer = segment.tokenizer()
    found: list[places.Resolved] = []
    segmented: list[places.Segmented | None] = []
    for text, chars, hmm in (
        (location_text[: TITLE_CHARS + 20], TITLE_CHARS, True),
        (title[: TITLE_CHARS + 20], TITLE_CHARS, True),
        (content[: CONTENT_CHARS + CONTENT_CHARS // 4], CONTENT_CHARS, False),
    ):
        text = normalize(text)[:chars]
        if not text:
            found.append(places.Resolved(None, "", ()))
            segmented.append(None)
            continue
        seg = places.segment_text(text, functools.partial(_cut, tokenizer, hmm=hmm))
        found.append(places.resolve(seg, division_district=division_district))
        segmented.append(seg)
    place = next((r.place for r in found if r.place is not None), None)
    label = place.label if place else ""
    # whatever the place field says is where, not what ("和平路与建设路交叉口": 建设路 and 交叉口 too)
    where = set(segmented[0].words) if segmented[0] is not None else set()
    parts = [
        [w for w in problem_words(seg, resolved.spans, label) if w not in where] if seg is not None else []
        for seg, resolved in zip(segmented, found, strict=True)
    ]
    district = division_district or next((r.district for r in found if r.district), "")
    title_words = parts[1]
    content_words = parts[2][:MAX_CONTENT_TERMS]
    return Signature(
        terms=" ".join(title_words) + " | " + " ".join(content_words),
        place=place.key if place else "",
        place_label=place.label if place else "",
        district=district,
    )


def caller_key(order: WorkOrder) -> str:
    """Tells callers apart without keeping their phone again: a hash of the phone, else of the name
    (a message board's user), else of the order itself (an anonymous caller counts once)."""
    who = order.caller_phone or (f"name:{order.caller_name}" if order.caller_name else f"order:{order.pk}")
    return hashlib.sha256(who.encode()).hexdigest()[:16]


def _division_districts() -> dict[int, str]:
    from hotline.directory.models import Division

    rows = list(Division.objects.values_list("pk", "path", "name", "level"))
    by_path = {path: (name, level) for _, path, name, level in rows}
    steplen = Division.steplen
    result: dict[int, str] = {}
    for pk, path, _, _ in rows:
        for depth in range(len(path) // steplen, 0, -1):
            ancestor = by_path.get(path[: depth * steplen])
            if ancestor and ancestor[1] == Division.Level.DISTRICT:
                result[pk] = ancestor[0]
                break
    return result


def division_district(division_id: int | None) -> str:
    if division_id is None:
        return ""
    return refcache.cached("analytics:division_districts", _division_districts).get(division_id, "")


def signature_for(order: WorkOrder) -> Signature:
    return build(
        title=order.title,
        content=order.content,
        location_text=order.location_text,
        division_district=division_district(order.division_id),
    )


def sign_orders(order_ids: Iterable[int], *, batch: int = 500) -> int:
    """Compute and store the signatures of these orders (replacing older ones); returns how many."""
    ids = list(order_ids)
    done = 0
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        orders = WorkOrder.objects.filter(pk__in=chunk).only(
            "pk", "title", "content", "location_text", "division_id", "received_at", "caller_phone",
            "caller_name",
        )  # fmt: skip
        likes = dict(OrderSupport.objects.filter(order_id__in=chunk).values_list("order_id", "likes"))
        rows = []
        for order in orders:
            sig = signature_for(order)
            rows.append(
                OrderSignature(
                    order_id=order.pk,
                    received_at=order.received_at,
                    version=VERSION,
                    terms=sig.terms,
                    place=sig.place[:100],
                    place_label=sig.place_label[:100],
                    district=sig.district[:100],
                    caller=caller_key(order),
                    likes=likes.get(order.pk, 0),
                )
            )
        with transaction.atomic():
            OrderSignature.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["order"],
                update_fields=[
                    "received_at", "version", "terms", "place", "place_label", "district", "caller", "likes",
                ],
            )  # fmt: skip
        done += len(rows)
    return done


def missing_signatures(*, since: object, until: object) -> list[int]:
    """Orders received in the window whose signature is missing or older than ``VERSION``."""
    current = OrderSignature.objects.filter(order_id=OuterRef("pk"), version=VERSION)
    return list(
        WorkOrder.objects.filter(received_at__gte=since, received_at__lt=until)
        .filter(~Exists(current))  # an anti-join: NOT IN over a million ids would not be hashed
        .values_list("pk", flat=True)
    )
