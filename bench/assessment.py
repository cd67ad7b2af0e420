"""Assessment and briefing benchmark: a year of generated orders, then a month's assessment, a year's, and a
monthly briefing, timed, with the peak memory of the process that computed them.

    .venv/bin/python bench/assessment.py [--orders 1000000] [--backend sqlite|postgres|both]
                                         [--indexes without|with|both] [--keep]

For each backend it builds a fresh database (a temporary SQLite file; a database ``bench_assessment`` on the
PostgreSQL at $BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres), migrates it and
builds the demo city's divisions, units, categories and staff with the demo's own builders.

How the orders are made. Going through the services for a million orders would take hours, so the script
writes the rows the services would write, in bulk (COPY on PostgreSQL, executemany on SQLite): for each
order a story like the demo's (intake by phone or a self-service channel and acceptance; direct answers,
refusals; dispatch to the lead unit of the category's route and its assisting units; 8 % first sent to a
wrong unit that returns it, accepted 85 % of the time; signing, progress notes, extension requests, the
assisting units' contributions, the reply, a send-back for rework, the review, the callback with its
satisfaction, and a reopen and second round for part of the dissatisfied and unsolved), each step a
random delay after the last, stopped at "now" for the newest orders. Every order row, assignment,
extension request and event has the columns, values and event data the services give them (the deadlines
come from the SLA policies and the working-day clock through the same functions the services call, the
events' ``seq`` follow one another, ``data.unit`` marks reminders and notices, SLA marks are recorded where
the sweep would have made them). Merges are left out (they never reach a unit).

Then, in a fresh process each (so ``ru_maxrss`` is that step's peak): the month's assessment of all units
(the overview page: this month and, for the trend, the previous one), the same without the trend, the
year's assessment, and the monthly briefing (volumes, time limits, ranking, hot issues, typical cases, the
Word document). The hot-issue analysis computes its text signatures for orders that have none on first
use; that backfill (which the analysis does as orders arrive) is timed on its own before the briefing.

With ``--indexes both`` every measurement runs without and then with the index the assessment would like on
the foundation's tables (created here by SQL, see INDEXES). Figures only: nothing passes or fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=TZ)
START = dt.datetime(2025, 12, 1, 0, 0, tzinfo=TZ)
MONTH = "2026-11"
YEAR = "2026"
# What the assessment would like on the foundation's tables: the cohort is chosen by dispatch time.
INDEXES = {
    "assignment_dispatched": 'CREATE INDEX bench_assignment_dispatched ON "workorders_assignment" ("dispatched_at")',
}
CHUNK = 5000


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ.setdefault("HOTLINE_LOG_LEVEL", "WARNING")
    os.environ.setdefault("HOTLINE_VAR_DIR", tempfile.mkdtemp(prefix="bench-assessment-var-"))
    import django

    django.setup()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------------------------------------------------
# Preparation: the city, by the demo's own builders


def prepare() -> None:
    setup_django()
    from django.core.management import call_command
    from django.db import transaction

    from hotline.demo import services as demo

    call_command("migrate", verbosity=0)
    ctx = demo.DemoContext(now=NOW, rng=random.Random(2026))
    with transaction.atomic():
        demo._divisions_and_units(ctx)
        demo._categories(ctx)
        demo._staff(ctx)


# ---------------------------------------------------------------------------------------------------------
# Generation


class Table:
    """Bulk rows of one model, shaped by its concrete fields: missing values take the field's default."""

    def __init__(self, model: Any, vendor: str):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in self.fields]
        self.vendor = vendor
        defaults = [None if f.null or f.primary_key else f.get_default() for f in self.fields]
        self.pairs = list(zip([f.attname for f in self.fields], defaults, strict=True))
        converters = [self._converter(f) for f in self.fields]
        self.convert_at = [(i, c) for i, c in enumerate(converters) if c is not None]
        # defaults are stored converted too
        self.pairs = [
            (name, (converters[i](default) if converters[i] and default is not None else default))
            for i, (name, default) in enumerate(self.pairs)
        ]
        self.rows: list[tuple[Any, ...]] = []
        self.count = 0

    def _converter(self, field: Any) -> Callable[[Any], Any] | None:
        kind = field.get_internal_type()
        if kind == "JSONField":
            return json.dumps
        if self.vendor != "sqlite":
            return None
        if kind == "DateTimeField":
            return lambda v: str(v.astimezone(dt.UTC).replace(tzinfo=None))
        if kind == "BooleanField":
            return int
        if kind == "DateField":
            return lambda v: v.isoformat()
        return None

    def add(self, values: dict[str, Any]) -> None:
        row = [values.get(name, default) for name, default in self.pairs]
        for index, convert in self.convert_at:
            value = row[index]
            if value is not None:
                row[index] = convert(value)
        self.rows.append(tuple(row))

    def flush(self, connection: Any) -> None:
        if not self.rows:
            return
        table = self.model._meta.db_table
        columns = ", ".join(f'"{c}"' for c in self.columns)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                with cursor.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in self.columns)
                cursor.cursor.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', self.rows)
        self.count += len(self.rows)
        self.rows = []


class World:
    """The city, the cast and the cached time limits the stories use."""

    def __init__(self) -> None:
        from hotline.demo import city as data
        from hotline.directory.models import Division, Role, Unit, User
        from hotline.taxonomy.models import Category, Channel

        self.data = data
        self.units = {u.code: u for u in Unit.objects.all()}
        self.users = {u.username: u for u in User.objects.all()}
        self.handlers = {
            u.unit_id: u for u in self.users.values() if u.role == Role.UNIT_HANDLER and u.unit_id
        }
        self.categories = {c.name: c for c in Category.objects.filter(depth=3)}
        self.channels = {c.code: c for c in Channel.objects.all()}
        streets = {}
        for unit in Unit.objects.filter(kind=Unit.Kind.STREET).prefetch_related("divisions"):
            for division in unit.divisions.all():
                streets[division.pk] = unit
        self.divisions = list(Division.objects.filter(level__gte=Division.Level.STREET))
        parents = {d.pk: d for d in Division.objects.filter(level=Division.Level.STREET)}
        self.street_of: dict[int, Any] = {}
        for division in self.divisions:
            street = division if division.level == Division.Level.STREET else None
            if street is None:
                street = next(p for p in parents.values() if division.path.startswith(p.path))
            self.street_of[division.pk] = streets[street.pk]
        self.departments = [u for u in self.units.values() if u.kind == Unit.Kind.DEPARTMENT]
        self.agents = [self.users[f"agent{n}"] for n in (1, 2, 3)]
        self.dispatchers = [self.users["dispatcher1"], self.users["dispatcher2"]]
        self.supervisor = self.users["supervisor1"]
        self.leader = self.users["leader1"]
        self.channel_codes = [code for code, weight in data_channels() for _ in range(weight)]
        self._limits: dict[tuple[str, str], Any] = {}

    def limits(self, request_type: str, urgency: str) -> Any:
        key = (request_type, urgency)
        if key not in self._limits:
            from hotline.sla.selectors import limits_for

            self._limits[key] = limits_for(
                request_type=request_type, urgency=urgency, category_path=None, unit_id=None
            )
        return self._limits[key]


_WD_CACHE: dict[tuple[Any, dt.date], dt.datetime] = {}
_CHECKED = 0


def deadline(start: dt.datetime, limit: Any) -> dt.datetime:
    """The services' ``deadline``; a limit of N ≥ 1 working days ends at the close of the N-th working day
    after the start's date, so it depends on the date only and is cached by date (checked against the
    clock for the first thousand hits)."""
    global _CHECKED
    from hotline.workorders.services.transitions import deadline as exact

    if limit.unit != "wd" or limit.amount == 0:  # 0wd also depends on the time of day
        return exact(start, limit)
    key = (limit, start.astimezone(TZ).date())
    found = _WD_CACHE.get(key)
    if found is None:
        found = _WD_CACHE[key] = exact(start, limit)
    elif _CHECKED < 1000:
        _CHECKED += 1
        assert found == exact(start, limit), (start, limit)
    return found


def data_channels() -> list[tuple[str, int]]:
    from hotline.demo.services import CHANNEL_WEIGHTS

    return CHANNEL_WEIGHTS


class Story:
    """One order's rows, as the services write them."""

    def __init__(self, gen: Generator, order_id: int, number: str, at: dt.datetime):
        self.gen, self.at, self.now = gen, at, NOW
        self.order: dict[str, Any] = {"id": order_id, "number": number, "version": 1, "last_event_seq": 0}
        self.events: list[dict[str, Any]] = []
        self.assignments: list[dict[str, Any]] = []
        self.extensions: list[dict[str, Any]] = []
        self.status = ""

    def advance(self, low: float, high: float) -> bool:
        step = dt.timedelta(hours=self.gen.rng.uniform(low, high))
        if self.at + step > self.now:
            return False
        self.at += step
        return True

    def event(
        self, action: str, actor: Any, to: str | None = None, *, bump: bool = True, **extra: Any
    ) -> None:
        self.order["last_event_seq"] += 1
        if bump:
            self.order["version"] += 1
        source = self.status
        self.status = to or self.status
        self.events.append(
            {
                "id": self.gen.next_id("event"),
                "order_id": self.order["id"],
                "seq": self.order["last_event_seq"],
                "action": action,
                "at": extra.pop("at", self.at),
                "actor_id": actor.pk if actor else None,
                "actor_unit_id": actor.unit_id if actor else None,
                "assignment_id": extra.pop("assignment", None),
                "from_status": source,
                "to_status": self.status,
                "reason": extra.pop("reason", ""),
                "comment": extra.pop("comment", ""),
                "data": extra.pop("data", {}),
            }
        )

    def assign(self, unit: Any, role: str, round_: int) -> dict[str, Any]:
        from hotline.workorders.services.transitions import _warn_at

        limits = self.gen.world.limits(self.order["request_type"], self.order["urgency"])
        due = deadline(self.at, limits.handle)
        row = {
            "id": self.gen.next_id("assignment"),
            "order_id": self.order["id"],
            "unit_id": unit.pk,
            "role": role,
            "state": "pending",
            "round": round_,
            "dispatched_at": self.at,
            "dispatched_by_id": self.gen.dispatcher.pk,
            "instructions": "",
            "sign_due_at": deadline(self.at, limits.sign),
            "return_due_at": deadline(self.at, limits.return_),
            "due_at": due,
            "warn_at": _warn_at(self.at, due, limits.handle, limits.warning_ratio),
            "committed_until": None,
            "signed_at": None,
            "signed_by_id": None,
            "returned_at": None,
            "return_reason": "",
            "done_at": None,
            "result": "",
            "solved": None,
            "extension_count": 0,
            "sign_overdue_marked_at": None,
            "warned_at": None,
            "overdue_marked_at": None,
            "_unit": unit,
        }
        self.assignments.append(row)
        return row


class Generator:
    def __init__(self, world: World, seed: int, vendor: str):
        from hotline.workorders.models import Assignment, Event, ExtensionRequest, OrderSequence, WorkOrder

        self.world, self.rng, self.vendor = world, random.Random(seed), vendor
        self.tables = {
            "order": Table(WorkOrder, vendor),
            "assignment": Table(Assignment, vendor),
            "event": Table(Event, vendor),
            "extension": Table(ExtensionRequest, vendor),
        }
        self.sequence_model = OrderSequence
        self.ids = {"order": 0, "assignment": 0, "event": 0, "extension": 0}
        self.per_day: dict[dt.date, int] = {}
        self.dispatcher = world.dispatchers[0]

    def next_id(self, kind: str) -> int:
        self.ids[kind] += 1
        return self.ids[kind]

    def story(self, at: dt.datetime) -> Story:
        world, rng, data = self.world, self.rng, self.world.data
        day = at.astimezone(TZ).date()
        self.per_day[day] = self.per_day.get(day, 0) + 1
        story = Story(self, self.next_id("order"), f"{day:%Y%m%d}{self.per_day[day]:06d}", at)
        leaf = rng.choice(list(data.PHRASES))
        request_type, title, content = data.PHRASES[leaf]
        division = rng.choice(world.divisions)
        street = world.street_of[division.pk]
        place = f"{street.short_name}{rng.choice(data.PLACES)}"
        channel = rng.choice(world.channel_codes)
        anonymous = rng.random() < 0.03
        urgency = (
            "urgent" if leaf in {"燃气泄漏隐患", "井盖缺失", "停电"} and rng.random() < 0.5 else "normal"
        )
        limits = world.limits(request_type, urgency)
        agent = rng.choice(world.agents)
        self.dispatcher = rng.choice(world.dispatchers)
        story.order.update(
            {
                "status": "received",
                "channel_id": world.channels[channel].pk,
                "hotline_number": "12345",
                "caller_name": "" if anonymous else rng.choice(data.SURNAMES) + rng.choice(data.GIVEN),
                "caller_phone": ""
                if anonymous
                else f"1{rng.choice('3578')}{rng.randrange(100000000, 999999999)}",
                "confidential": rng.random() < 0.08,
                "anonymous": anonymous,
                "request_type": request_type,
                "category_id": world.categories[leaf].pk,
                "title": title.format(place=place),
                "content": content.format(place=place),
                "location_text": place,
                "division_id": division.pk,
                "urgency": urgency,
                "received_at": at,
                "dispatch_due_at": deadline(at, limits.dispatch),
                "progress_due_at": deadline(at, limits.progress),
                "created_by_id": agent.pk if channel == "phone" else None,
                "query_code": "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6)),
                "satisfaction": "",
                "reopen_count": 0,
            }
        )
        phone = channel == "phone"
        story.event("intake", agent if phone else None, "received", bump=False)
        if phone:
            story.event("accept", agent, "awaiting_dispatch", bump=False)
        else:
            if not story.advance(0.1, 3):
                return story
            if rng.random() < 0.02:
                return self._close(story, "reject", agent, "rejected", reason="duplicate")
            story.event("accept", agent, "awaiting_dispatch")
        roll = rng.random()
        if (request_type == "consult" and roll < 0.35) or roll < 0.04:
            story.order.update({"answer": "已根据知识库为来电人解答。", "progress_reported_at": story.at})
            return self._close(story, "answer", agent, "closed", comment="已根据知识库为来电人解答。")
        if roll < 0.07:
            return self._close(
                story, "reject", agent, "rejected", reason=rng.choice(["legal_process", "jurisdiction"])
            )
        if not story.advance(0.2, 6):
            return story
        lead_ref, assist_codes = data.ROUTES[leaf]
        lead = street if lead_ref == "street" else world.units[lead_ref.split(":")[1]]
        assists = [world.units[code] for code in assist_codes]
        if rng.random() < 0.08:
            wrong = rng.choice([u for u in world.departments if u.pk != lead.pk])
            first = self._dispatch(story, wrong, [], 1)
            if not story.advance(0.5, 4):
                return story
            if story.at > first["return_due_at"]:
                lead, assists = wrong, []  # past the return window: the wrong unit keeps it
            else:
                handler = world.handlers[wrong.pk]
                first.update(state="returned", returned_at=story.at, return_reason="该事项不属于本单位职责。")
                story.event(
                    "return", handler, "returned", assignment=first["id"], comment=first["return_reason"]
                )
                if not story.advance(0.5, 6):
                    return story
                if rng.random() < 0.85:
                    story.event(
                        "accept_return",
                        self.dispatcher,
                        "awaiting_dispatch",
                        assignment=first["id"],
                        data={"unit": wrong.pk, "within_duty": False},
                    )
                    if not story.advance(0.1, 2):
                        return story
                else:
                    story.event(
                        "reject_return",
                        self.dispatcher,
                        "in_progress",
                        assignment=first["id"],
                        comment="属于你单位职责范围",
                        data={"unit": wrong.pk, "within_duty": True},
                    )
                    first.update(state="signed", signed_at=story.at)
                    lead, assists = wrong, []
        if story.status in ("awaiting_dispatch", "returned"):
            self._dispatch(story, lead, assists, 1)
        self._handle(story, lead, assists, agent, 1)
        return story

    def _close(self, story: Story, action: str, actor: Any, to: str, **extra: Any) -> Story:
        story.event(action, actor, to, **extra)
        story.order["closed_at"] = story.at
        if action == "reject":
            from hotline.taxonomy.models import RejectionReason

            story.order["rejection_reason_id"] = self.reasons.setdefault(
                extra["reason"], RejectionReason.objects.get(code=extra["reason"]).pk
            )
        return story

    reasons: dict[str, int] = {}

    def _dispatch(self, story: Story, lead: Any, assists: list[Any], round_: int) -> dict[str, Any]:
        story.event(
            "dispatch",
            self.dispatcher,
            "dispatched",
            data={"lead": lead.pk, "assists": [u.pk for u in assists]},
        )
        for row in story.assignments:
            if row["state"] in ("pending", "signed"):
                row["state"] = "cancelled"
        first = story.assign(lead, "lead", round_)
        for unit in assists:
            story.assign(unit, "assist", round_)
        return first

    def _active(self, story: Story, unit: Any) -> dict[str, Any]:
        return next(
            a
            for a in reversed(story.assignments)
            if a["unit_id"] == unit.pk and a["state"] in ("pending", "signed")
        )

    def _marks(self, story: Story, row: dict[str, Any], until: dt.datetime) -> None:
        """The SLA sweep's marks that fell due before ``until`` (it runs every minute)."""
        sweep = lambda moment: moment + dt.timedelta(minutes=1)  # noqa: E731
        if row["signed_at"] is None and row["sign_due_at"] < until and row["sign_overdue_marked_at"] is None:
            row["sign_overdue_marked_at"] = sweep(row["sign_due_at"])
            self._mark(
                story, row, "sla_overdue", "sign_overdue", row["sign_overdue_marked_at"], row["sign_due_at"]
            )
        if row["warn_at"] < until and row["due_at"] >= row["warn_at"] and row["warned_at"] is None:
            row["warned_at"] = sweep(row["warn_at"])
            self._mark(story, row, "sla_warning", "due_soon", row["warned_at"], row["due_at"])
        if row["due_at"] < until and row["overdue_marked_at"] is None:
            row["overdue_marked_at"] = sweep(row["due_at"])
            self._mark(story, row, "sla_overdue", "overdue", row["overdue_marked_at"], row["due_at"])
            rng = self.rng
            if rng.random() < 0.5 and row["overdue_marked_at"] + dt.timedelta(hours=4) < until:
                story.event(
                    "remind",
                    None,
                    bump=False,
                    at=row["overdue_marked_at"] + dt.timedelta(hours=2),
                    reason="overdue",
                    data={"unit": row["unit_id"]},
                )
                if rng.random() < 0.4:
                    story.event(
                        "supervise",
                        self.world.supervisor,
                        at=row["overdue_marked_at"] + dt.timedelta(hours=4),
                        reason="overdue",
                        comment="请于两个工作日内书面说明",
                        data={"unit": row["unit_id"], "respond_by": None},
                    )

    def _mark(
        self, story: Story, row: dict[str, Any], action: str, cause: str, at: dt.datetime, due: dt.datetime
    ) -> None:
        story.event(
            action,
            None,
            bump=False,
            at=at,
            assignment=row["id"],
            reason=cause,
            data={"unit": row["unit_id"], "unit_name": row["_unit"].name, "due_at": due.isoformat()},
        )

    def _handle(self, story: Story, lead: Any, assists: list[Any], agent: Any, round_: int) -> None:
        rng, world = self.rng, self.world
        handler = world.handlers[lead.pk]
        row = self._active(story, lead)
        try:
            if story.status == "dispatched":
                if not story.advance(0.2, 8):
                    return
                self._marks(story, row, story.at)
                row.update(state="signed", signed_at=story.at, signed_by_id=handler.pk)
                story.event("sign", handler, "in_progress", assignment=row["id"])
            for unit in assists:
                if not story.advance(0.2, 6):
                    return
                other = self._active(story, unit)
                other.update(state="signed", signed_at=story.at, signed_by_id=world.handlers[unit.pk].pk)
                story.event("sign", world.handlers[unit.pk], assignment=other["id"])
            if rng.random() < 0.5:
                if not story.advance(4, 40):
                    return
                self._marks(story, row, story.at)
                story.event(
                    "note",
                    handler,
                    assignment=row["id"],
                    comment="已受理，正在现场核查并协调相关方处理。",
                    data={"public": True},
                )
                story.order.setdefault("progress_reported_at", story.at)
            if rng.random() < 0.06:
                if not story.advance(2, 30):
                    return
                self._marks(story, row, story.at)
                until = row["due_at"] + dt.timedelta(days=7)
                story.event(
                    "request_extension",
                    handler,
                    assignment=row["id"],
                    comment="需协调多个部门，申请延期。",
                    data={"until": until.isoformat()},
                )
                request = {
                    "id": self.next_id("extension"),
                    "assignment_id": row["id"],
                    "requested_due_at": until,
                    "reason": "需协调多个部门，申请延期。",
                    "requested_by_id": handler.pk,
                    "requested_at": story.at,
                    "decision": "pending",
                    "decided_by_id": None,
                    "decided_at": None,
                    "comment": "",
                }
                story.extensions.append(request)
                if not story.advance(1, 10):
                    return
                approve = rng.random() < 0.8
                story.event(
                    "approve_extension" if approve else "refuse_extension",
                    self.dispatcher,
                    assignment=row["id"],
                    data={"until": until.isoformat(), "request": request["id"]},
                )
                request.update(
                    decision="approved" if approve else "refused",
                    decided_by_id=self.dispatcher.pk,
                    decided_at=story.at,
                )
                if approve:
                    from hotline.sla.limits import Limit
                    from hotline.workorders.services.transitions import _warn_at

                    row.update(
                        due_at=until,
                        warn_at=_warn_at(story.at, until, Limit(1, "wd"), 0.8),
                        warned_at=None,
                        overdue_marked_at=None,
                    )
                    row["extension_count"] += 1
            for unit in assists:
                if not story.advance(4, 48):
                    return
                other = self._active(story, unit)
                self._marks(story, other, story.at)
                other.update(state="done", done_at=story.at, result="我单位已配合完成相关工作。")
                story.event(
                    "contribute", world.handlers[unit.pk], assignment=other["id"], comment=other["result"]
                )
            if not story.advance(8, 120):
                return
            self._marks(story, row, story.at)
            solved = rng.random() < 0.9
            text = (
                "经核查，已安排人员现场处理完毕。" if solved else "该问题涉及历史遗留，已向诉求人解释说明。"
            )
            row.update(state="done", done_at=story.at, result=text, solved=solved)
            story.event(
                "reply", handler, "replied", assignment=row["id"], comment=text, data={"solved": solved}
            )
            if not story.advance(0.5, 12):
                return
            if rng.random() < 0.08:
                story.event(
                    "send_back",
                    self.dispatcher,
                    "in_progress",
                    assignment=row["id"],
                    comment="答复内容不具体，请补充处理结果。",
                )
                row.update(state="signed", done_at=None)
                if not story.advance(4, 48):
                    return
                self._marks(story, row, story.at)
                row.update(state="done", done_at=story.at, result="补充答复：已完成整改。", solved=solved)
                story.event(
                    "reply",
                    handler,
                    "replied",
                    assignment=row["id"],
                    comment=row["result"],
                    data={"solved": solved},
                )
                if not story.advance(0.5, 12):
                    return
            story.event("accept_reply", self.dispatcher, "awaiting_callback", assignment=row["id"])
            story.order.setdefault("progress_reported_at", story.at)
            if story.order["anonymous"] or not story.order["caller_phone"]:
                story.event(
                    "close", None, "closed", reason="anonymous" if story.order["anonymous"] else "no_phone"
                )
                story.order.update(closed_at=story.at, solved=solved)
                return
            if not story.advance(2, 48):
                return
            roll = rng.random()
            satisfaction = "satisfied" if roll < 0.82 else "basically" if roll < 0.93 else "dissatisfied"
            said = solved and satisfaction != "dissatisfied"
            story.event(
                "callback",
                agent,
                "closed",
                data={"satisfaction": satisfaction, "solved": said, "channel": "phone"},
            )
            story.order.update(satisfaction=satisfaction, solved=said, closed_at=story.at)
            if (
                satisfaction == "dissatisfied"
                and not said
                and story.order["reopen_count"] == 0
                and rng.random() < 0.6
            ):
                if not story.advance(1, 8):
                    return
                story.event("reopen", agent, "awaiting_dispatch", comment="群众反映问题仍未解决，重新交办。")
                story.order.update(reopen_count=1, closed_at=None, satisfaction="", solved=None)
                if story.advance(0.5, 4):
                    self._dispatch(story, lead, [], 2)
                    self._handle(story, lead, [], agent, 2)
        finally:
            for each in story.assignments:
                if each["state"] in ("pending", "signed"):
                    self._marks(story, each, NOW)

    def emit(self, story: Story, connection: Any) -> None:
        story.order["status"] = story.status
        self.tables["order"].add(story.order)
        for row in story.assignments:
            self.tables["assignment"].add({k: v for k, v in row.items() if not k.startswith("_")})
        for request in story.extensions:
            self.tables["extension"].add(request)
        events = sorted(story.events, key=lambda e: (e["at"], e["seq"]))
        for seq, event in enumerate(events, start=1):  # the sweep's marks interleave by time
            event["seq"] = seq
            self.tables["event"].add(event)
        if len(self.tables["event"].rows) > CHUNK * 12:
            self.flush(connection)

    def flush(self, connection: Any) -> None:
        for name in ("order", "assignment", "extension", "event"):
            self.tables[name].flush(connection)


def generate(orders: int, seed: int) -> dict[str, Any]:
    setup_django()
    from django.db import connection, transaction

    world = World()
    gen = Generator(world, seed, connection.vendor)
    span = (NOW - START).total_seconds()
    rng = random.Random(seed + 1)
    started = time.perf_counter()
    times = sorted(START + dt.timedelta(seconds=rng.random() * span) for _ in range(orders))
    with transaction.atomic():
        for index, at in enumerate(times, start=1):
            gen.emit(gen.story(at), connection)
            if index % 100000 == 0:
                print(f"    {index} orders, {time.perf_counter() - started:.0f} s", flush=True)
        gen.flush(connection)
        gen.sequence_model.objects.bulk_create(
            [gen.sequence_model(day=day, last=last) for day, last in gen.per_day.items()]
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in (
                "workorders_workorder",
                "workorders_assignment",
                "workorders_event",
                "workorders_extensionrequest",
            ):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                )
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "orders": gen.tables["order"].count,
        "assignments": gen.tables["assignment"].count,
        "events": gen.tables["event"].count,
        "extension_requests": gen.tables["extension"].count,
        "seconds": round(time.perf_counter() - started, 1),
        "peak_mb": round(peak_mb()),
    }


# ---------------------------------------------------------------------------------------------------------
# Measurements, each in its own process


def measure(step: str) -> dict[str, Any]:
    setup_django()
    from hotline.assessment.periods import parse_period
    from hotline.assessment.selectors import assess, scheme_default

    scheme = scheme_default()
    assert scheme is not None
    started = time.perf_counter()
    detail: dict[str, Any] = {}
    if step == "month":
        result = assess(scheme, parse_period(MONTH), as_of=NOW, view="unit")
        detail = {"units": len(result.rows), "assignments": result.total.counts["assigned"]}
    elif step == "month_no_trend":
        result = assess(scheme, parse_period(MONTH), as_of=NOW, view="unit", trend=False)
        detail = {"assignments": result.total.counts["assigned"]}
    elif step == "month_all_views":
        for view in ("unit", "district", "division"):
            assess(scheme, parse_period(MONTH), as_of=NOW, view=view)
    elif step == "year":
        result = assess(scheme, parse_period(YEAR), as_of=NOW, view="unit", trend=False)
        detail = {"assignments": result.total.counts["assigned"]}
    elif step == "hot_issues_backfill":
        from hotline.briefings.selectors import hot_issues_section

        section = hot_issues_section(parse_period(MONTH))
        detail = {"available": section["available"], "issues": len(section["items"])}
    elif step == "briefing_sections":
        from hotline.briefings import selectors as b

        period = parse_period(MONTH)
        for name, part in (
            ("volumes", lambda: b.volumes(period, period.previous())),
            ("performance", lambda: b.performance(period, as_of=NOW)),
            ("hot_issues", lambda: b.hot_issues_section(period)),
            ("cases", lambda: b.cases_section(period)),
        ):
            began = time.perf_counter()
            part()
            detail[name] = round(time.perf_counter() - began, 2)
    elif step == "briefing":
        from hotline.briefings.services import briefing_generate
        from hotline.directory.models import User

        briefing = briefing_generate(
            kind="month", period=parse_period(MONTH), actor=User.objects.get(username="supervisor1"), now=NOW
        )
        detail = {
            "received": briefing.content["volumes"]["total"],
            "hot_issues": len(briefing.content["hot_issues"]["items"]),
        }
    else:
        raise SystemExit(f"unknown step {step}")
    return {
        "step": step,
        "seconds": round(time.perf_counter() - started, 2),
        "peak_mb": round(peak_mb()),
        **detail,
    }


def _child(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, env=env, capture_output=True, text=True
    )
    for line in out.stdout.splitlines():
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(out.stdout + out.stderr)


def _indexes(env: dict[str, str], create: bool) -> None:
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
        + "from bench.assessment import setup_django, INDEXES; setup_django()\n"
        + "from django.db import connection\n"
        + "with connection.cursor() as c:\n"
        + "    for name, sql in INDEXES.items():\n"
        + (
            "        c.execute(sql)\n"
            if create
            else "        c.execute('DROP INDEX IF EXISTS bench_' + name)\n"
        )
        + "    c.execute('ANALYZE')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def run_backend(
    backend: str, orders: int, index_modes: list[str], keep: bool, reuse: str = ""
) -> dict[str, Any]:
    if reuse:
        return measure_all(backend, reuse, index_modes, {"reused": reuse}, backfill=False)
    if backend == "sqlite":
        directory = tempfile.mkdtemp(prefix="bench-assessment-")
        db_url = f"sqlite:///{directory}/bench.sqlite3"
    else:
        import psycopg

        base = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS bench_assessment")
            conn.execute("CREATE DATABASE bench_assessment")
        db_url = base.rsplit("/", 1)[0] + "/bench_assessment"
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "HOTLINE_VAR_DIR": tempfile.mkdtemp(prefix="bench-assessment-var-"),
    }
    print(f"{backend}: preparing", flush=True)
    subprocess.run([sys.executable, __file__, "--prepare"], check=True, env=env)
    print(f"{backend}: generating {orders} orders", flush=True)
    out = subprocess.run(
        [sys.executable, __file__, "--generate", str(orders)],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    )
    print(out.stdout, end="")
    generated = json.loads(next(line for line in out.stdout.splitlines() if line.startswith("{")))
    report = measure_all(backend, db_url, index_modes, generated, backfill=True)
    if backend == "sqlite":
        size = os.path.getsize(db_url.removeprefix("sqlite:///"))
        report["database_mb"] = round(size / 2**20)
        if not keep:
            os.remove(db_url.removeprefix("sqlite:///"))
    else:
        import psycopg

        with psycopg.connect(db_url, autocommit=True) as conn:
            size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]  # type: ignore[index]
            report["database_mb"] = round(size / 2**20)
    return report


def measure_all(
    backend: str, db_url: str, index_modes: list[str], generated: dict[str, Any], *, backfill: bool
) -> dict[str, Any]:
    """Every measurement, without and/or with the proposed index, each step in a fresh process."""
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "HOTLINE_VAR_DIR": tempfile.mkdtemp(prefix="bench-assessment-var-"),
    }
    report: dict[str, Any] = {"backend": backend, "generated": generated, "runs": {}}
    backfill_done = not backfill
    for mode in index_modes:
        _indexes(env, create=mode == "with")
        steps = ["month", "month_no_trend", "month_all_views", "year"]
        if not backfill_done:
            steps.append("hot_issues_backfill")
            backfill_done = True
        steps += ["briefing_sections", "briefing"]
        results = []
        for step in steps:
            result = _child(["--measure", step], env)
            print(f"  {backend} {mode} indexes: {json.dumps(result, ensure_ascii=False)}", flush=True)
            results.append(result)
        report["runs"][mode] = results
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--indexes", choices=["without", "with", "both"], default="both")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file")
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("--reuse", default="", help="measure again on this DATABASE_URL (no generation)")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare()
        return
    if args.generate:
        print(json.dumps(generate(args.generate, args.seed)))
        return
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    modes = ["without", "with"] if args.indexes == "both" else [args.indexes]
    reports = [run_backend(b, args.orders, modes, args.keep, args.reuse) for b in backends]
    print(json.dumps(reports, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
