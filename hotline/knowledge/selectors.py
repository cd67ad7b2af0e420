"""Reading the knowledge base: the permission gate, search with highlighting, the review lists, and the
usage figures the center watches."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from hotline.core.errors import NotFound
from hotline.directory.models import Division, Unit, User
from hotline.taxonomy.models import Category
from hotline.workorders.lifecycle import Action
from hotline.workorders.models import Event

from . import conf, policy
from .models import (
    Entry,
    EntryReport,
    EntryStatus,
    EntryUse,
    EntryVersion,
    ReportState,
    SearchGap,
    Visibility,
)
from .search import analysis, highlight
from .search.engine import engine
from .search.index import Filters

GAP_COVERAGE = 0.5  # a search whose best result matches less than this share of the query found nothing


# -- the gate ---------------------------------------------------------------------------------------------


def entries_for_user(user: User) -> QuerySet[Entry]:
    """Entries ``user`` may open: everything for the center; for unit staff the published entries and
    their own units' drafts."""
    queryset = Entry.objects.select_related("latest", "published", "unit")
    if policy.is_center(user):
        return queryset
    if not policy.is_staff(user):
        return queryset.none()
    units = policy.acting_units(user)
    live = Q(published__isnull=False) & ~Q(status=EntryStatus.WITHDRAWN)
    mine = Q(unit_id__in=units) | Q(latest__owner_units__in=units)
    return queryset.filter(live | mine).distinct()


def entry_for_user(user: User, pk: int | str) -> Entry:
    """The entry if ``user`` may open it, else ``NotFound`` (the same as for a wrong number)."""
    try:
        entry = entries_for_user(user).get(pk=int(pk))
    except (Entry.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("No such knowledge entry."), code="entry_not_found") from exc
    return entry


def live_filter(today: dt.date) -> Q:
    return (
        Q(published__isnull=False)
        & ~Q(status=EntryStatus.WITHDRAWN)
        & (Q(published__effective_from__isnull=True) | Q(published__effective_from__lte=today))
        & (Q(published__expires_on__isnull=True) | Q(published__expires_on__gte=today))
    )


def public_entry(pk: int | str, *, today: dt.date) -> Entry:
    """A live public entry for the citizen portal; internal, expired or withdrawn ones are not found."""
    try:
        return (
            Entry.objects.select_related("published__category")
            .filter(live_filter(today), published__visibility=Visibility.PUBLIC)
            .get(pk=int(pk))
        )
    except (Entry.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("No such question."), code="entry_not_found") from exc


def public_categories(*, today: dt.date) -> list[tuple[Category, int]]:
    """Categories (top level) with how many live public entries each has."""
    rows = (
        Entry.objects.filter(live_filter(today), published__visibility=Visibility.PUBLIC)
        .exclude(published__category__isnull=True)
        .values_list("published__category__path", flat=True)
    )
    counts: dict[str, int] = {}
    steplen = Category.steplen
    for path in rows:
        counts[path[:steplen]] = counts.get(path[:steplen], 0) + 1
    roots = Category.objects.filter(path__in=list(counts)).order_by("path")
    return [(root, counts[root.path]) for root in roots]


def public_entries(*, today: dt.date, category: Category | None = None, limit: int = 50) -> list[Entry]:
    """Live public entries, most used first (the portal's list when nothing is searched)."""
    queryset = Entry.objects.select_related("published__category").filter(
        live_filter(today), published__visibility=Visibility.PUBLIC
    )
    if category is not None:
        queryset = queryset.filter(published__category__path__startswith=category.path)
    return list(queryset.order_by("-use_count", "-published_at", "pk")[:limit])


# -- search -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchFilters:
    category: Category | None = None
    unit: Unit | None = None
    division: Division | None = None
    visibility: str = ""  # "", "public" or "internal"
    include_expired: bool = False


@dataclass
class SearchResult:
    entry: Entry
    version: EntryVersion
    score: float
    coverage: float
    question_html: SafeString
    snippet_html: SafeString
    similar: list[int] = field(default_factory=list)


@dataclass
class SearchOutcome:
    query: str
    results: list[SearchResult]

    @property
    def found_nothing(self) -> bool:
        """No result matches a good part of the query: a gap in the knowledge base."""
        return bool(self.query.strip()) and not any(r.coverage >= GAP_COVERAGE for r in self.results)


def _index_filters(filters: SearchFilters, *, today: dt.date, public_only: bool) -> Filters:
    category_ids = None
    if filters.category is not None:
        category_ids = frozenset(Category.objects.get_tree(filters.category).values_list("pk", flat=True))
    division_ids = None
    if filters.division is not None:
        division_ids = frozenset(
            [
                filters.division.pk,
                *Division.objects.get_ancestors(filters.division).values_list("pk", flat=True),
            ]
        )
    return Filters(
        today=today.toordinal(),
        category_ids=category_ids,
        unit_id=filters.unit.pk if filters.unit is not None else None,
        division_ids=division_ids,
        public_only=public_only or filters.visibility == Visibility.PUBLIC,
        internal_only=filters.visibility == Visibility.INTERNAL and not public_only,
        include_expired=filters.include_expired and not public_only,
    )


def search_entries(
    query: str,
    *,
    today: dt.date,
    filters: SearchFilters | None = None,
    public_only: bool = False,
    limit: int = 10,
) -> SearchOutcome:
    """Live entries best matching ``query`` (for the public portal only public ones), best first, with
    the query's words marked. Every staff account may search live entries, so no user is needed."""
    query = (query or "").strip()
    if not query:
        return SearchOutcome(query, [])
    index_filters = _index_filters(filters or SearchFilters(), today=today, public_only=public_only)
    hits, _terms = engine.search(query, index_filters, limit=limit)
    if not hits:
        return SearchOutcome(query, [])
    entries = {
        e.pk: e
        for e in Entry.objects.filter(pk__in=[h.entry_id for h in hits])
        .select_related("published__category")
        .prefetch_related(
            Prefetch("published__owner_units", queryset=Unit.objects.only("id", "name", "short_name"))
        )
    }
    marks = analysis.highlight_terms(query)
    results = []
    for hit in hits:
        entry = entries.get(hit.entry_id)
        if entry is None or entry.published is None or entry.status == EntryStatus.WITHDRAWN:
            continue  # changed since this process last looked; the next search knows
        if public_only and entry.published.visibility != Visibility.PUBLIC:
            continue
        version = entry.published
        results.append(
            SearchResult(
                entry=entry,
                version=version,
                score=hit.score,
                coverage=hit.coverage,
                question_html=highlight.mark(version.question, marks),
                snippet_html=highlight.snippet(version.answer_text, marks),
                similar=hit.similar,
            )
        )
    return SearchOutcome(query, results)


def similar_entries(
    question: str, *, today: dt.date, exclude: int | None = None, limit: int = 5
) -> list[SearchResult]:
    """Live entries close to a question being drafted, so a unit sees what already exists."""
    outcome = search_entries(question, today=today, limit=limit + 1)
    return [r for r in outcome.results if r.entry.pk != exclude and r.coverage >= GAP_COVERAGE][:limit]


# -- review lists ------------------------------------------------------------------------------------------


def _scope(user: User, queryset: QuerySet[Entry]) -> QuerySet[Entry]:
    if policy.is_editor(user):
        return queryset
    units = policy.acting_units(user)
    if not units:
        return queryset.none()
    return queryset.filter(Q(unit_id__in=units) | Q(latest__owner_units__in=units)).distinct()


@dataclass
class ReviewLists:
    submitted: list[Entry]
    drafts: list[Entry]
    due: list[Entry]
    expiring: list[Entry]
    reports: list[EntryReport]

    @property
    def counts(self) -> dict[str, int]:
        return {
            "submitted": len(self.submitted),
            "drafts": len(self.drafts),
            "due": len(self.due),
            "expiring": len(self.expiring),
            "reports": len(self.reports),
        }


def review_lists(user: User, *, today: dt.date, limit: int = 200) -> ReviewLists:
    """What waits for ``user``: entries submitted for review, drafts and returned entries, entries due
    for review or near expiry, and open reports (the center's editors see all, a unit its own)."""
    horizon = today + dt.timedelta(days=conf.review_lead_days())
    base = Entry.objects.select_related("latest", "published", "unit")
    live = base.filter(published__isnull=False).exclude(status=EntryStatus.WITHDRAWN)
    drafts_q = base.filter(status__in=[EntryStatus.DRAFT, EntryStatus.RETURNED])
    if policy.is_editor(user) and not user.unit_id:
        drafts_q = drafts_q.filter(created_by=user)
    elif policy.is_editor(user):
        drafts_q = drafts_q.filter(Q(created_by=user) | Q(unit_id=user.unit_id))
    else:
        drafts_q = _scope(user, drafts_q)
    reports = EntryReport.objects.filter(state=ReportState.OPEN).select_related(
        "entry__published", "entry__latest", "reporter", "order"
    )
    if not policy.is_editor(user):
        reports = reports.filter(entry__in=_scope(user, Entry.objects.all()).values("pk"))
    return ReviewLists(
        submitted=list(
            _scope(user, base.filter(status=EntryStatus.SUBMITTED)).order_by("updated_at")[:limit]
        ),
        drafts=list(drafts_q.order_by("-updated_at")[:limit]),
        due=list(
            _scope(user, live.filter(review_due_on__lte=horizon)).order_by("review_due_on", "pk")[:limit]
        ),
        expiring=list(
            _scope(user, live.filter(published__expires_on__lte=horizon)).order_by(
                "published__expires_on", "pk"
            )[:limit]
        ),
        reports=list(reports.order_by("-created_at")[:limit]),
    )


# -- usage -------------------------------------------------------------------------------------------------


@dataclass
class UsageSummary:
    since: dt.datetime
    live_entries: int
    uses: int
    answers: int
    answers_with_entry: int
    top: list[tuple[Entry, int]]
    never_used: list[Entry]
    gaps: list[SearchGap]

    @property
    def answer_share(self) -> float | None:
        """Share of direct answers (直办) given from an entry."""
        return self.answers_with_entry / self.answers if self.answers else None


def usage_summary(*, since: dt.datetime, today: dt.date, limit: int = 50) -> UsageSummary:
    """Which entries answered orders since ``since``, live entries never used, and open gaps."""
    uses = EntryUse.objects.filter(at__gte=since)
    top_rows = list(uses.values("entry").annotate(n=Count("id")).order_by("-n", "entry")[:limit])
    entries = Entry.objects.select_related("published").in_bulk([row["entry"] for row in top_rows])
    answers = Event.objects.filter(action=Action.ANSWER, at__gte=since)
    live = Entry.objects.filter(live_filter(today))
    return UsageSummary(
        since=since,
        live_entries=live.count(),
        uses=uses.count(),
        answers=answers.count(),
        answers_with_entry=answers.filter(data__has_key="knowledge_ref")
        .exclude(data__knowledge_ref="")
        .count(),
        top=[(entries[row["entry"]], row["n"]) for row in top_rows if row["entry"] in entries],
        never_used=list(
            live.filter(use_count=0)
            .select_related("published", "unit")
            .order_by("published_at", "pk")[:limit]
        ),
        gaps=list(SearchGap.objects.filter(closed_at__isnull=True).order_by("-count", "-last_at")[:limit]),
    )


def entry_uses(entry: Entry, *, limit: int = 20) -> list[EntryUse]:
    return list(entry.uses.select_related("order", "actor").order_by("-at")[:limit])
