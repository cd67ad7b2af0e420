"""Monthly themes (每月一题): a hot issue the center takes up for a month, with owner units, tasks with
deadlines, progress reports and a conclusion, all recorded in the theme's tracking log; and the tracking
figure — how many new orders about the same issue came in week by week since it was promoted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q, QuerySet

from hotline.core.clock import localtime
from hotline.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hotline.directory.models import Role, Unit, User
from hotline.workorders.models import WorkOrder

from .models import MonthlyTheme, OrderSignature, ThemeTask, ThemeUpdate

# Who runs the monthly themes: the center's dispatchers, supervisors, leaders and admins.
THEME_ROLES = frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.LEADER, Role.ADMIN})


def _center(actor: User) -> None:
    if not (actor.is_superuser or actor.role in THEME_ROLES):
        raise Forbidden(
            "Only the center's dispatchers, supervisors and leaders run monthly themes.",
            code="action_not_permitted",
        )


def _open(theme: MonthlyTheme) -> None:
    if theme.state != MonthlyTheme.State.OPEN:
        raise Conflict("This theme is closed.", code="theme_closed")


def _notify_units(theme: MonthlyTheme, units: Sequence[Unit], title: str, now: dt.datetime) -> None:
    from django.urls import reverse

    from hotline.notifications.services import notify_unit

    url = reverse("analytics:theme", args=[theme.pk])
    for unit in units:
        notify_unit(unit=unit, kind="monthly_theme", title=title, body=theme.title, url=url, now=now)


def theme_promote(
    *,
    actor: User,
    title: str,
    month: dt.date,
    orders: Sequence[WorkOrder],
    now: dt.datetime,
    description: str = "",
    place: str = "",
    place_key: str = "",
    district: str = "",
    keywords: Sequence[str] = (),
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    score: float = 0.0,
    lead_unit: Unit | None = None,
    units: Sequence[Unit] = (),
    owner: User | None = None,
) -> MonthlyTheme:
    """Promote a hot issue to the monthly theme of ``month``: the issue's orders, place and keywords are
    kept with it; the owner units are notified after commit."""
    _center(actor)
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise ValidationFailed("A title of 1 to 200 characters is required.", code="invalid_title")
    if not orders:
        raise ValidationFailed("A theme needs the orders of its issue.", code="orders_required")
    if owner is not None and not (owner.is_center_staff or owner.is_superuser):
        raise ValidationFailed("The owner must be center staff.", code="invalid_owner")
    owners = list(dict.fromkeys([*([lead_unit] if lead_unit else []), *units]))
    for unit in owners:
        if not unit.active or unit.is_center:
            raise ValidationFailed(f"{unit} cannot own a theme.", code="invalid_unit")
    with transaction.atomic():
        theme = MonthlyTheme.objects.create(
            month=month.replace(day=1),
            title=title,
            description=(description or "").strip(),
            place=place[:100],
            place_key=place_key[:100],
            district=district[:100],
            keywords=" ".join(keywords)[:300],
            issue_since=since,
            issue_until=until,
            score=score,
            lead_unit=lead_unit,
            owner=owner or actor,
            created_by=actor,
            created_at=now,
        )
        theme.orders.set(orders)
        theme.units.set(owners)
        ThemeUpdate.objects.create(
            theme=theme, kind=ThemeUpdate.Kind.CREATED, at=now, actor=actor, text=theme.description
        )
        transaction.on_commit(lambda: _notify_units(theme, owners, f"每月一题：{theme.title}", now))
    return theme


def theme_add_task(
    *, theme: MonthlyTheme, actor: User, title: str, unit: Unit, due_on: dt.date, now: dt.datetime
) -> ThemeTask:
    _center(actor)
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise ValidationFailed("A task needs a title of 1 to 200 characters.", code="invalid_title")
    if not unit.active or unit.is_center:
        raise ValidationFailed(f"{unit} cannot take a task.", code="invalid_unit")
    if due_on < localtime(now).date():
        raise ValidationFailed("The due date has passed.", code="invalid_deadline")
    with transaction.atomic():
        _open(MonthlyTheme.objects.select_for_update().get(pk=theme.pk))
        task = ThemeTask.objects.create(theme=theme, title=title, unit=unit, due_on=due_on, created_at=now)
        theme.units.add(unit)
        ThemeUpdate.objects.create(
            theme=theme, task=task, kind=ThemeUpdate.Kind.TASK, at=now, actor=actor, text=title
        )
        transaction.on_commit(lambda: _notify_units(theme, [unit], f"每月一题任务：{title}", now))
    return task


def _may_report(actor: User, theme: MonthlyTheme, task: ThemeTask | None) -> bool:
    if actor.is_superuser or actor.role in THEME_ROLES:
        return True
    if not actor.is_unit_staff or actor.unit_id is None:
        return False
    if task is not None:
        return task.unit_id == actor.unit_id
    return theme.units.filter(pk=actor.unit_id).exists()


def theme_report(
    *,
    theme: MonthlyTheme,
    actor: User,
    text: str,
    now: dt.datetime,
    task: ThemeTask | None = None,
    done: bool = False,
) -> ThemeUpdate:
    """A progress report on the theme or one task; ``done`` completes the task with ``text`` as its result.
    Owner units report on their own tasks; the center on any."""
    if task is not None and task.theme_id != theme.pk:
        raise NotFound("No such task on this theme.", code="task_not_found")
    if not _may_report(actor, theme, task):
        raise Forbidden("Your unit is not an owner of this theme or task.", code="not_owner")
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("A progress report needs its text.", code="text_required")
    with transaction.atomic():
        _open(MonthlyTheme.objects.select_for_update().get(pk=theme.pk))
        kind = ThemeUpdate.Kind.PROGRESS
        if task is not None and done:
            locked = ThemeTask.objects.select_for_update().get(pk=task.pk)
            if locked.state == ThemeTask.State.DONE:
                raise Conflict("This task is already done.", code="task_done")
            locked.state, locked.result, locked.done_at = ThemeTask.State.DONE, text, now
            locked.save(update_fields=["state", "result", "done_at"])
            kind = ThemeUpdate.Kind.DONE
        return ThemeUpdate.objects.create(theme=theme, task=task, kind=kind, at=now, actor=actor, text=text)


def theme_close(
    *, theme: MonthlyTheme, actor: User, conclusion: str, now: dt.datetime, cancel: bool = False
) -> MonthlyTheme:
    """Conclude the theme with what was achieved, or cancel it (with the reason)."""
    _center(actor)
    conclusion = (conclusion or "").strip()
    if not conclusion:
        raise ValidationFailed("Say what came of the theme.", code="text_required")
    with transaction.atomic():
        locked = MonthlyTheme.objects.select_for_update().get(pk=theme.pk)
        _open(locked)
        locked.state = MonthlyTheme.State.CANCELLED if cancel else MonthlyTheme.State.DONE
        locked.conclusion, locked.closed_at = conclusion, now
        locked.save(update_fields=["state", "conclusion", "closed_at"])
        ThemeUpdate.objects.create(
            theme=locked,
            kind=ThemeUpdate.Kind.CANCELLED if cancel else ThemeUpdate.Kind.CONCLUDED,
            at=now,
            actor=actor,
            text=conclusion,
        )
    return locked


# ---------------------------------------------------------------------------------------------------------
# Reads


def themes_for_user(user: User) -> QuerySet[MonthlyTheme]:
    """Center staff see every theme; unit staff the themes their unit owns or has a task in."""
    themes = MonthlyTheme.objects.select_related("lead_unit", "owner")
    if user.is_superuser or user.is_center_staff:
        return themes
    if user.is_unit_staff and user.unit_id is not None:
        return themes.filter(Q(units=user.unit_id) | Q(tasks__unit=user.unit_id)).distinct()
    return themes.none()


def theme_for_user(user: User, pk: int) -> MonthlyTheme:
    theme = themes_for_user(user).filter(pk=pk).first()
    if theme is None:
        raise NotFound(f"No monthly theme {pk}.", code="theme_not_found")
    return theme


def tracking(theme: MonthlyTheme, *, now: dt.datetime, weeks: int = 12) -> list[tuple[dt.date, int]]:
    """New orders about the theme's issue per week, from the week it was promoted: orders at its place (or
    in its district when it has none) whose problem words share at least two of the theme's keywords."""
    words = [w for w in theme.keywords.split() if w][:6]
    start = localtime(theme.created_at).date()
    start -= dt.timedelta(days=start.weekday())
    end = localtime(now).date()
    signatures = OrderSignature.objects.filter(received_at__gte=theme.created_at).exclude(
        order_id__in=theme.orders.values("pk")
    )
    if theme.place_key:
        signatures = signatures.filter(place=theme.place_key)
    elif theme.district:
        signatures = signatures.filter(district=theme.district)
    if words:
        any_word = Q()
        for word in words:
            any_word |= Q(terms__contains=word)
        signatures = signatures.filter(any_word)
    counts: dict[dt.date, int] = {}
    for received_at, terms in signatures.values_list("received_at", "terms")[:20000]:
        present = set(terms.replace("|", " ").split())
        if words and sum(1 for w in words if w in present) < min(2, len(words)):
            continue
        day = localtime(received_at).date()
        week = day - dt.timedelta(days=day.weekday())
        counts[week] = counts.get(week, 0) + 1
    result: list[tuple[dt.date, int]] = []
    week = start
    while week <= end and len(result) < weeks:
        result.append((week, counts.get(week, 0)))
        week += dt.timedelta(weeks=1)
    return result
