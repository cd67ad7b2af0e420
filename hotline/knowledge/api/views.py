"""``/knowledge``: search the live entries, read one, report one as wrong; ``/knowledge/faq`` is the
public search of public entries (no sign-in)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from hotline.core.clock import localtime, now
from hotline.core.errors import ValidationFailed
from hotline.directory.models import Division, Unit, User
from hotline.taxonomy.models import Category
from hotline.tokens.api.errors import ERRORS, ErrorOut
from hotline.workorders.selectors import workorders_for_user

from .. import selectors
from .. import services as kb
from ..models import EntryVersion, SearchSource, Visibility
from . import schemas as s

router = Router(tags=["knowledge"])


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class SearchParams(Schema):
    q: str
    category: int | None = None
    unit: int | None = None
    division: int | None = None
    visibility: str = ""
    include_expired: bool = False
    limit: int = 10


def _get(model: type, pk: int | None, code: str):  # type: ignore[no-untyped-def]
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()  # type: ignore[attr-defined]
    if found is None:
        raise ValidationFailed(f"No such {model.__name__.lower()} {pk}.", code=code)
    return found


@router.get("/knowledge/search", response={200: s.SearchOut, ERRORS: ErrorOut})
def search(request: HttpRequest, params: Query[SearchParams]) -> s.SearchOut:
    """Live entries best matching ``q`` (typo-, synonym- and near-duplicate-aware), best first."""
    if params.visibility not in ("", *Visibility.values):
        raise ValidationFailed("visibility is public, internal or empty.", code="invalid_visibility")
    filters = selectors.SearchFilters(
        category=_get(Category, params.category, "invalid_category"),
        unit=_get(Unit, params.unit, "invalid_unit"),
        division=_get(Division, params.division, "invalid_division"),
        visibility=params.visibility,
        include_expired=params.include_expired,
    )
    outcome = selectors.search_entries(
        params.q[:200], today=localtime(now()).date(), filters=filters, limit=max(1, min(params.limit, 50))
    )
    if outcome.found_nothing:
        kb.record_gap(query=params.q, source=SearchSource.API, now=now())
    return s.SearchOut(
        query=outcome.query,
        found_nothing=outcome.found_nothing,
        results=[
            s.EntryHitOut(
                id=r.entry.pk,
                ref=r.entry.ref,
                question=r.version.question,
                answer=r.version.answer_text,
                snippet_html=str(r.snippet_html),
                visibility=r.version.visibility,
                category=r.version.category.name if r.version.category else None,
                score=round(r.score, 4),
                similar=r.similar,
            )
            for r in outcome.results
        ],
    )


def _version(version: EntryVersion | None) -> s.VersionOut | None:
    if version is None:
        return None
    return s.VersionOut(
        number=version.number,
        question=version.question,
        answer_html=version.answer_html,
        answer=version.answer_text,
        keywords=version.keyword_list,
        synonyms=version.synonym_list,
        category=version.category.name if version.category else None,
        owner_units=[u.name for u in version.owner_units.all()],
        divisions=[d.name for d in version.divisions.all()],
        effective_from=version.effective_from,
        expires_on=version.expires_on,
        review_cycle_days=version.review_cycle_days,
        visibility=version.visibility,
        created_at=version.created_at,
    )


@router.get("/knowledge/entries/{entry_id}", response={200: s.EntryOut, ERRORS: ErrorOut})
def entry_detail(request: HttpRequest, entry_id: int) -> s.EntryOut:
    """One entry: its published version and its working version (the same when nothing is pending)."""
    entry = selectors.entry_for_user(_user(request), entry_id)
    return s.EntryOut(
        id=entry.pk,
        status=entry.status,
        published=_version(entry.published),
        latest=_version(entry.latest),
        review_due_on=entry.review_due_on,
        use_count=entry.use_count,
        open_reports=entry.open_reports,
    )


@router.post("/knowledge/entries/{entry_id}/reports", response={201: s.ReportOut, ERRORS: ErrorOut})
def report(request: HttpRequest, entry_id: int, payload: s.ReportIn) -> Status[s.ReportOut]:
    """Report an entry as wrong, outdated or unclear; its owners and the editors are told."""
    user = _user(request)
    entry = selectors.entry_for_user(user, entry_id)
    order = workorders_for_user(user).filter(number=payload.order).first() if payload.order else None
    if payload.order and order is None:
        raise ValidationFailed(f"No order {payload.order}.", code="invalid_order")
    created = kb.entry_report(
        entry=entry, actor=user, kind=payload.kind, comment=payload.comment, order=order, now=now()
    )
    return Status(
        201,
        s.ReportOut(
            id=created.pk,
            entry=entry.pk,
            kind=created.kind,
            state=created.state,
            created_at=created.created_at,
        ),
    )


@router.get("/knowledge/faq", auth=None, response={200: list[s.PublicHitOut], ERRORS: ErrorOut})
def public_faq(request: HttpRequest, q: str) -> list[s.PublicHitOut]:
    """Public questions and answers matching ``q`` (only public, live entries)."""
    outcome = selectors.search_entries(q[:100], today=localtime(now()).date(), public_only=True, limit=20)
    if outcome.found_nothing:
        kb.record_gap(query=q, source=SearchSource.PUBLIC, now=now())
    return [
        s.PublicHitOut(
            id=r.entry.pk,
            question=r.version.question,
            answer=r.version.answer_text,
            category=r.version.category.name if r.version.category else None,
        )
        for r in outcome.results
    ]
