"""Hot-issue detection over the orders received in a window: signatures, grouping, heat, description."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _

from hotline.text.pii import mask_pii
from hotline.workorders.models import WorkOrder

from ..models import OrderSignature
from . import grouping, signatures
from .heat import MIN_CALLERS, Heat, heat

DESCRIPTION_CHARS = 60
KEYWORDS = 6


@dataclass
class HotIssue:
    """One hot issue: its place, a short description, its heat score, its orders and time span."""

    rank: int
    place: str
    description: str
    score: float
    orders: list[WorkOrder]
    first_at: dt.datetime
    last_at: dt.datetime
    keywords: list[str] = field(default_factory=list)
    callers: int = 0
    repeats: int = 0
    supports: int = 0
    growth: float = 0.0
    district: str = ""

    @property
    def size(self) -> int:
        return len(self.orders)


@dataclass
class Candidate:
    rows: np.ndarray
    heat: Heat
    place: str
    district: str
    keywords: list[str]
    medoid: int  # order id whose title describes the issue
    order_ids: list[int]
    first_at: dt.datetime
    last_at: dt.datetime


def ensure_signatures(*, since: dt.datetime, until: dt.datetime) -> int:
    missing = signatures.missing_signatures(since=since, until=until)
    return signatures.sign_orders(missing) if missing else 0


def candidates(*, since: dt.datetime, until: dt.datetime) -> list[Candidate]:
    """Every group of the window that qualifies as a hot issue, hottest first (orders not loaded)."""
    ensure_signatures(since=since, until=until)
    ids: list[int] = []
    times: list[dt.datetime] = []
    terms: list[str] = []
    place_keys: list[str] = []
    labels: list[str] = []
    districts: list[str] = []
    callers: list[str] = []
    likes: list[int] = []
    columns = (ids, times, terms, place_keys, labels, districts, callers, likes)
    rows = (
        OrderSignature.objects.filter(received_at__gte=since, received_at__lt=until)
        .order_by("received_at", "order_id")
        .values_list(
            "order_id", "received_at", "terms", "place", "place_label", "district", "caller", "likes"
        )
    )
    for row in rows.iterator(chunk_size=20000):
        for column, value in zip(columns, row, strict=True):
            column.append(value)  # type: ignore[attr-defined]
    if not ids:
        return []
    corpus = grouping.Corpus(terms=terms, places=place_keys, districts=districts)
    groups = grouping.group(corpus)
    found: list[Candidate] = []
    for members in groups.members.values():
        member_callers = [callers[i] for i in members]
        if len(set(member_callers)) < MIN_CALLERS:
            continue
        member_times = [times[i] for i in members]
        score = heat(
            times=member_times,
            callers=member_callers,
            likes=[likes[i] for i in members],
            since=since,
            until=until,
        )
        found.append(
            Candidate(
                rows=members,
                heat=score,
                place="",
                district="",
                keywords=[],
                medoid=0,
                order_ids=[ids[i] for i in members],
                first_at=min(member_times),
                last_at=max(member_times),
            )
        )
    found.sort(key=lambda c: (-c.heat.score, -c.heat.orders, -c.last_at.timestamp()))
    for candidate in found[:200]:
        _describe(candidate, groups, labels, districts, ids)
    return found


def _describe(
    candidate: Candidate,
    groups: grouping.Groups,
    labels: list[str],
    districts: list[str],
    ids: list[int],
) -> None:
    rows = candidate.rows
    vectors = groups.matrix[rows]
    centre = np.asarray(vectors.sum(axis=0)).ravel()
    top = np.argsort(-centre)[:KEYWORDS]
    candidate.keywords = [groups.vocabulary[i] for i in top if centre[i] > 0]
    closeness = np.asarray(vectors @ centre).ravel()
    candidate.medoid = ids[int(rows[int(np.argmax(closeness))])]
    district_counts = Counter(districts[i] for i in rows if districts[i])
    district = district_counts.most_common(1)[0][0] if district_counts else ""
    if district and district_counts[district] * 2 < len(rows):
        district = ""
    candidate.district = district
    place_counts = Counter(labels[i] for i in rows if labels[i])
    if place_counts:
        label = place_counts.most_common(1)[0][0]
        candidate.place = label if not district or label.startswith(district) else f"{district}{label}"
    else:
        candidate.place = district or _("citywide")


def hot_issues(*, since: dt.datetime, until: dt.datetime, top: int = 10) -> list[HotIssue]:
    """The ``top`` hottest issues among the orders received in [since, until)."""
    return materialize(candidates(since=since, until=until)[:top])


def materialize(chosen: list[Candidate]) -> list[HotIssue]:
    """Hot issues with their orders loaded (one query for all of them)."""
    wanted = {pk for c in chosen for pk in c.order_ids}
    orders = {
        order.pk: order
        for order in WorkOrder.objects.filter(pk__in=wanted).select_related("channel", "category", "division")
    }
    issues = []
    for rank, candidate in enumerate(chosen, start=1):
        members = sorted(
            (orders[pk] for pk in candidate.order_ids if pk in orders), key=lambda o: (o.received_at, o.pk)
        )
        medoid = orders.get(candidate.medoid)
        title = mask_pii(medoid.title if medoid else (members[0].title if members else ""))
        if len(title) > DESCRIPTION_CHARS:
            title = title[: DESCRIPTION_CHARS - 1] + "…"
        issues.append(
            HotIssue(
                rank=rank,
                place=candidate.place,
                description=title,
                score=candidate.heat.score,
                orders=members,
                first_at=candidate.first_at,
                last_at=candidate.last_at,
                keywords=candidate.keywords,
                callers=candidate.heat.callers,
                repeats=candidate.heat.repeats,
                supports=candidate.heat.supports,
                growth=candidate.heat.growth,
                district=candidate.district,
            )
        )
    return issues
