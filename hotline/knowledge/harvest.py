"""Draft entries from past orders and the replies units wrote (or from a table of questions and
replies), for the center to review: the drafts are submitted, so they wait in the review list.

Not every reply is knowledge. Left out: replies shorter than ``min_chars``; form replies — the same text
sent for ``form_reply_repeats`` or more different questions (已收悉，已转相关部门处理) — ; questions that
repeat (exactly, or as near-duplicates by MinHash of their character pairs) within the batch or that
an existing entry already asks. Personal data in questions and replies is masked first.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from hotline.core.errors import Forbidden, ValidationFailed
from hotline.directory.models import Unit, User
from hotline.taxonomy.models import Category, RequestType
from hotline.text.normalize import normalize
from hotline.text.pii import mask_pii
from hotline.workorders.lifecycle import Status
from hotline.workorders.models import Assignment, WorkOrder

from . import policy
from .models import Entry, Visibility
from .search import analysis
from .search.index import NEAR_DUPLICATE, signature_of, similarity
from .services import EntryInput, entry_create

_NOT_TEXT = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]+")
TITLE_KEYS = ("title", "question", "留言主题", "问题", "标题")
REPLY_KEYS = ("reply", "answer", "答复意见", "答案", "回复")


@dataclass
class Candidate:
    question: str
    answer: str
    unit: Unit | None = None
    category: Category | None = None
    order: WorkOrder | None = None


@dataclass
class HarvestResult:
    created: list[int] = field(default_factory=list)
    too_short: int = 0
    form_replies: int = 0
    duplicates: int = 0
    existing: int = 0


def _key(text: str) -> str:
    return _NOT_TEXT.sub("", normalize(text)).lower()


def candidates_from_orders(
    *,
    since: dt.datetime,
    until: dt.datetime,
    request_types: Iterable[str] = (RequestType.CONSULT, RequestType.HELP),
) -> Iterator[Candidate]:
    """Closed orders received in [since, until) with the lead unit's reply, or a direct answer."""
    harvested = Entry.objects.filter(source_order__isnull=False).values("source_order_id")
    orders = (
        WorkOrder.objects.filter(
            status=Status.CLOSED,
            received_at__gte=since,
            received_at__lt=until,
            request_type__in=list(request_types),
        )
        .exclude(pk__in=harvested)
        .exclude(satisfaction="dissatisfied")
        .select_related("category")
        .order_by("received_at")
    )
    replies = {
        a.order_id: a
        for a in Assignment.objects.filter(
            order__in=orders, role=Assignment.Role.LEAD, state=Assignment.State.DONE
        )
        .exclude(result="")
        .select_related("unit")
        .order_by("order_id", "round")
    }
    for order in orders:
        reply = replies.get(order.pk)
        if reply is not None:
            yield Candidate(order.title, reply.result, reply.unit, order.category, order)
        elif order.answer:
            yield Candidate(order.title, order.answer, None, order.category, order)


def candidates_from_rows(rows: Iterable[dict[str, str]], *, unit: Unit | None = None) -> Iterator[Candidate]:
    """Rows with a title and a reply column (英文 or 中文 headings, e.g. 留言主题 and 答复意见)."""
    for row in rows:
        title = next((row[k] for k in TITLE_KEYS if row.get(k)), "")
        reply = next((row[k] for k in REPLY_KEYS if row.get(k)), "")
        if title and reply:
            yield Candidate(title, reply, unit)


def harvest(
    candidates: Iterable[Candidate],
    *,
    actor: User,
    now: dt.datetime,
    min_chars: int = 40,
    form_reply_repeats: int = 3,
    limit: int | None = None,
) -> HarvestResult:
    """Submit a draft entry for each candidate worth one (see the module docstring)."""
    if not policy.is_editor(actor):
        raise Forbidden(
            _("Only the center's editors build entries from past orders."), code="kb_harvest_not_permitted"
        )
    cleaned = [
        Candidate(
            mask_pii(" ".join(c.question.split()))[:300],
            mask_pii("\n".join(_lines(c.answer))),
            c.unit,
            c.category,
            c.order,
        )
        for c in candidates
    ]
    answer_counts = Counter(_key(c.answer) for c in cleaned)
    existing = {
        _key(q) for q in Entry.objects.exclude(latest__isnull=True).values_list("latest__question", flat=True)
    }
    seen_keys: set[str] = set()
    seen_hashes: list[Any] = []
    result = HarvestResult()
    for candidate in cleaned:
        if limit is not None and len(result.created) >= limit:
            break
        answer_key = _key(candidate.answer)
        if answer_counts[answer_key] >= form_reply_repeats:
            result.form_replies += 1
            continue
        if len(answer_key) < min_chars:
            result.too_short += 1
            continue
        question_key = _key(candidate.question)
        if question_key in existing:
            result.existing += 1
            continue
        signature = signature_of(analysis.bigrams(candidate.question))
        if question_key in seen_keys or any(
            similarity(signature, other) >= NEAR_DUPLICATE for other in seen_hashes
        ):
            result.duplicates += 1
            continue
        seen_keys.add(question_key)
        seen_hashes.append(signature)
        unit = candidate.unit or actor.unit
        if unit is None:
            raise ValidationFailed(_("Name the unit that owns the drafts."), code="unit_required")
        entry = entry_create(
            actor=actor,
            data=EntryInput(
                question=candidate.question,
                answer=candidate.answer,
                category=candidate.category,
                owner_units=[unit],
                visibility=Visibility.INTERNAL,
                note=_("drafted from order %(number)s") % {"number": candidate.order.number}
                if candidate.order
                else _("drafted from past replies"),
            ),
            now=now,
            submit=True,
            source_order=candidate.order,
            notify=False,
        )
        result.created.append(entry.pk)
    return result


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]
