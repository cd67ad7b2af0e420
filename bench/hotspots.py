"""Benchmark of hot-issue detection and of the dashboards (H8).

    .venv/bin/python bench/hotspots.py                 # 5,000 and 1,000,000 orders
    .venv/bin/python bench/hotspots.py --sizes 5000    # just one size

Each size gets its own PostgreSQL database (``BENCH_DATABASE_URL``, default
postgres://postgres@127.0.0.1:5432/h8_bench_<size>; created when missing, emptied first) and runs in its
own process. The orders are the real message-board set (../shared/data/tipdm2020/messages_replied.csv,
read at run time, its dates moved into the window) plus generated ones (``hotline.analytics.synthetic``)
with three planted issues, bulk-inserted (COPY) in the shape the services write: the order row, its
events, its lead assignment. Then:

- the dashboards' aggregates are rebuilt (``counters.rebuild``) and timed;
- text signatures: computed cold for every order (what the worker otherwise does at intake), timed;
- detection (``hot_issues``) over every order, in a fresh process: wall time and peak memory (max RSS);
  for the small size also the cold path (signatures computed during detection);
- the rank of each planted issue;
- the dashboard pages: 30 requests each through Django's test client, p50 and p95 in milliseconds.

It prints figures; it never passes or fails on time.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "tipdm2020" / "messages_replied.csv"
sys.path.insert(0, str(ROOT))


def database_url(size: int) -> str:
    base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/h8_bench")
    return f"{base}_{size}"


def create_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------------------------------------------------
# Reference data and orders


def reference_data() -> dict[str, object]:
    from hotline.core import refcache
    from hotline.directory.models import Division, Role, Unit, User
    from hotline.sla import defaults
    from hotline.sla import models as sla
    from hotline.taxonomy.models import Category, Channel, RejectionReason
    from hotline.taxonomy.reference import ensure_reference_rows

    ensure_reference_rows(Channel, RejectionReason)
    defaults.ensure_defaults(sla.CalendarDay, sla.CalendarYear, sla.WorkingPeriod, sla.SlaPolicy)
    province = Division.objects.add_root(instance=Division(code="990000000000", name="海澄省", level=1))
    city = Division.objects.add_child(
        province, instance=Division(code="990100000000", name="海澄市", level=2)
    )
    from hotline.analytics.synthetic import DISTRICTS

    streets = []
    for index, name in enumerate(DISTRICTS, start=1):
        district = Division.objects.add_child(
            Division.objects.get(pk=city.pk),
            instance=Division(code=f"9901{index:02d}000000", name=name, level=3),
        )
        for number in range(1, 4):
            streets.append(
                Division.objects.add_child(
                    Division.objects.get(pk=district.pk),
                    instance=Division(
                        code=f"9901{index:02d}{number:03d}000", name=f"{name[:2]}第{number}街道", level=4
                    ),
                )
            )
    Unit.objects.add_root(instance=Unit(code="C", name="热线中心", kind=Unit.Kind.CENTER))
    units = [
        Unit.objects.add_root(instance=Unit(code=f"D{i:02d}", name=f"市第{i}局", kind=Unit.Kind.DEPARTMENT))
        for i in range(1, 31)
    ]
    leaves = []
    for top in range(1, 13):
        root = Category.objects.add_root(instance=Category(code=f"{top:02d}", name=f"一级分类{top}"))
        for child in range(1, 4):
            leaves.append(
                Category.objects.add_child(
                    Category.objects.get(pk=root.pk),
                    instance=Category(code=f"{top:02d}{child:03d}", name=f"分类{top}-{child}"),
                )
            )
    center = Unit.objects.get(code="C")
    staff = User.objects.create_user("bench_supervisor", password="x", role=Role.SUPERVISOR, unit=center)
    User.objects.create_user("bench_agent", password="x", role=Role.AGENT, unit=center)
    refcache.invalidate()
    return {
        "streets": [s.pk for s in streets],
        "units": [u.pk for u in units],
        "leaves": [c.pk for c in leaves],
        "channels": dict(Channel.objects.values_list("code", "pk")),
        "staff": staff.pk,
    }


def real_messages() -> list[tuple[str, str, str]]:
    with SHARED.open(encoding="utf-8-sig") as handle:
        return [(r["留言编号"], r["留言主题"], r["留言详情"]) for r in csv.DictReader(handle)]


def generate(
    size: int, ref: dict[str, object], *, end: dt.datetime, days: int, seed: int = 2026
) -> dict[str, int]:
    """Insert ``size`` orders received over ``days`` days up to ``end``, with their events and lead
    assignments, by COPY; returns how many of each."""
    from django.db import connection

    from hotline.analytics import synthetic
    from hotline.workorders.models import Assignment, Event, WorkOrder

    rng = random.Random(seed)
    real = real_messages()
    planted = (
        synthetic.planted(rng, "elevator", 30)
        + synthetic.planted(rng, "ride_hailing", 25)
        + synthetic.planted(rng, "night_work", 20)
    )
    start = end - dt.timedelta(days=days)
    span = (end - start).total_seconds()
    channels = ref["channels"]
    streets, units, leaves = ref["streets"], ref["units"], ref["leaves"]
    order_cols = [
        "id",
        "number",
        "status",
        "version",
        "last_event_seq",
        "channel_id",
        "hotline_number",
        "external_id",
        "source_system",
        "caller_name",
        "caller_phone",
        "caller_company",
        "confidential",
        "anonymous",
        "publish_consent",
        "request_type",
        "category_id",
        "title",
        "content",
        "location_text",
        "division_id",
        "urgency",
        "answer",
        "received_at",
        "dispatch_due_at",
        "progress_due_at",
        "progress_reported_at",
        "closed_at",
        "satisfaction",
        "solved",
        "reopen_count",
        "query_code",
    ]
    event_cols = ["order_id", "seq", "action", "at", "from_status", "to_status", "reason", "comment", "data"]
    assign_cols = [
        "order_id",
        "unit_id",
        "role",
        "state",
        "round",
        "dispatched_at",
        "instructions",
        "sign_due_at",
        "return_due_at",
        "due_at",
        "warn_at",
        "signed_at",
        "returned_at",
        "return_reason",
        "done_at",
        "result",
        "solved",
        "extension_count",
    ]
    counts = {"orders": 0, "events": 0, "assignments": 0, "real": 0, "planted": 0}
    sequence: dict[str, int] = {}
    times = sorted(start + dt.timedelta(seconds=rng.random() * span) for _ in range(size))
    planted_slots = set(rng.sample(range(max(0, size - size // 30), size), min(len(planted), size)))
    real_slots = set(rng.sample(range(size), min(len(real), size // 3)))
    planted_iter = iter(planted)
    planted_streets = {"elevator": streets[0], "night_work": streets[5]}
    real_iter = iter(real)
    plans: list[tuple[int, dt.datetime, str, object]] = []  # order id, received, path, lead (or None)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {WorkOrder._meta.db_table} ({', '.join(order_cols)}) FROM STDIN") as orders:
            for index, received in enumerate(times, start=1):
                day = received.astimezone(dt.UTC).strftime("%Y%m%d")
                sequence[day] = sequence.get(day, 0) + 1
                number = f"{day}{sequence[day]:06d}"
                external, source, channel, caller_name = "", "", "phone", ""
                division = rng.choice(streets)
                if index - 1 in planted_slots:
                    text = next(planted_iter, None) or synthetic.varied(rng)
                    title, content, location = text.title, text.content, text.location
                    division = planted_streets.get(text.kind, division)  # one place is in one street
                    counts["planted"] += 1
                elif index - 1 in real_slots and (message := next(real_iter, None)) is not None:
                    external, title, content = message
                    title, content, location = title.strip()[:200], " ".join(content.split()), ""
                    source, channel, caller_name = (
                        "message_board",
                        "message_board",
                        f"U{rng.randrange(10**6)}",
                    )
                    counts["real"] += 1
                else:
                    text = synthetic.varied(rng)
                    title, content, location = text.title, text.content, text.location
                phone = "" if caller_name else f"13{rng.randrange(10**9):09d}"
                age = (end - received).days
                roll = rng.random()
                status, closed, satisfaction, solved, answer, path = (
                    "in_progress",
                    None,
                    "",
                    None,
                    "",
                    "handled",
                )
                lead = None
                if roll < 0.06 and age < 3:
                    status, path = "awaiting_dispatch", "waiting"
                elif roll < 0.12:
                    status, closed, answer, path = (
                        "closed",
                        received + dt.timedelta(minutes=5),
                        "已当场答复。",
                        "answered",
                    )
                elif roll < 0.15:
                    status, closed, path = "rejected", received + dt.timedelta(minutes=5), "rejected"
                else:
                    dispatched = received + dt.timedelta(hours=2)
                    due = dispatched + dt.timedelta(days=7)
                    done = dispatched + dt.timedelta(days=rng.uniform(0.5, 8.5)) if age >= 2 else None
                    if done is not None and done < end:
                        status = "replied"
                        if age >= 10:
                            closed = done + dt.timedelta(days=1)
                            r = rng.random()
                            satisfaction = (
                                "satisfied" if r < 0.82 else "basically" if r < 0.93 else "dissatisfied"
                            )
                            solved = satisfaction != "dissatisfied"
                            status = "closed"
                    else:
                        done = None
                    lead = (rng.choice(units), dispatched, due, done, closed)
                events = len(_events(received, path, lead))
                orders.write_row(
                    (
                        index,
                        number,
                        status,
                        events,
                        events,
                        channels[channel],
                        "12345",
                        external,
                        source,
                        caller_name,
                        phone,
                        "",
                        False,
                        False,
                        True,
                        rng.choice(["complaint", "help", "consult", "report"]),
                        rng.choice(leaves),
                        title,
                        content,
                        location,
                        division,
                        "normal",
                        answer,
                        received,
                        received + dt.timedelta(days=2),
                        received + dt.timedelta(days=5),
                        None,
                        closed,
                        satisfaction,
                        solved,
                        0,
                        "BENCH1",
                    )
                )
                plans.append((index, received, path, lead))
                counts["orders"] += 1
        with raw.copy(f"COPY {Event._meta.db_table} ({', '.join(event_cols)}) FROM STDIN") as copy:
            for index, received, path, lead in plans:
                for seq, (action, at, source_status, target) in enumerate(
                    _events(received, path, lead), start=1
                ):
                    copy.write_row((index, seq, action, at, source_status, target, "", "", "{}"))
                    counts["events"] += 1
        with raw.copy(f"COPY {Assignment._meta.db_table} ({', '.join(assign_cols)}) FROM STDIN") as copy:
            for index, _received, _path, lead in plans:
                if lead is None:
                    continue
                unit, dispatched, due, done, _closed = lead  # type: ignore[misc]
                copy.write_row(
                    (
                        index,
                        unit,
                        "lead",
                        "done" if done else "signed",
                        1,
                        dispatched,
                        "",
                        dispatched + dt.timedelta(hours=4),
                        dispatched + dt.timedelta(hours=8),
                        due,
                        due - dt.timedelta(days=1),
                        dispatched + dt.timedelta(hours=1),
                        None,
                        "",
                        done,
                        "已处理。" if done else "",
                        True if done else None,
                        0,
                    )
                )
                counts["assignments"] += 1
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{WorkOrder._meta.db_table}', 'id'), {size})")
    return counts


def _events(received: dt.datetime, path: str, lead: object) -> list[tuple[str, dt.datetime, str, str]]:
    """The events the services would have written for an order that went this way."""
    events = [("intake", received, "", "received"), ("accept", received, "received", "awaiting_dispatch")]
    if path == "answered":
        events.append(("answer", received + dt.timedelta(minutes=5), "awaiting_dispatch", "closed"))
    elif path == "rejected":
        events.append(("reject", received + dt.timedelta(minutes=5), "awaiting_dispatch", "rejected"))
    elif lead is not None:
        _unit, dispatched, _due, done, closed = lead  # type: ignore[misc]
        events += [
            ("dispatch", dispatched, "awaiting_dispatch", "dispatched"),
            ("sign", dispatched + dt.timedelta(hours=1), "dispatched", "in_progress"),
        ]
        if done is not None:
            events.append(("reply", done, "in_progress", "replied"))
            if closed is not None:
                events += [
                    ("accept_reply", done, "replied", "awaiting_callback"),
                    ("callback", closed, "awaiting_callback", "closed"),
                ]
    return events


# ---------------------------------------------------------------------------------------------------------
# Phases (each size runs in its own process; detection in a fresh one)


def sign_all(workers: int = 2) -> float:
    """Compute every order's signature, in ``workers`` processes; returns seconds."""
    from django.db import connections

    from hotline.workorders.models import WorkOrder

    ids = list(WorkOrder.objects.order_by("pk").values_list("pk", flat=True))
    chunks = [ids[i : i + 20000] for i in range(0, len(ids), 20000)]
    connections.close_all()
    started = time.perf_counter()
    from multiprocessing import get_context

    with get_context("fork").Pool(workers) as pool:
        pool.map(_sign_chunk, chunks)
    return time.perf_counter() - started


def _sign_chunk(ids: list[int]) -> int:
    from django.db import connections

    from hotline.analytics.hotspots.signatures import sign_orders

    connections.close_all()
    return sign_orders(ids, batch=2000)


def detect(since: str, until: str) -> dict[str, object]:
    """Hot issues over the window, in this (fresh) process: seconds, peak RSS, the top issues."""
    from hotline.analytics.selectors import hot_issues

    started, cpu = time.perf_counter(), time.process_time()
    issues = hot_issues(
        since=dt.datetime.fromisoformat(since), until=dt.datetime.fromisoformat(until), top=20
    )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "peak_mb": round(peak_mb()),
        "top": [
            {
                "rank": i.rank,
                "place": i.place,
                "description": i.description,
                "score": i.score,
                "orders": len(i.orders),
                "kinds": _planted_kinds(i),
            }
            for i in issues
        ],
    }


def _planted_kinds(issue: object) -> list[str]:
    from hotline.analytics import synthetic

    titles = {t: name for name, spec in synthetic.PLANTED.items() for t, _ in spec["texts"]}  # type: ignore[attr-defined]
    return sorted({titles.get(o.title, "other") for o in issue.orders})  # type: ignore[attr-defined]


def dashboards(repeat: int = 30) -> dict[str, dict[str, float]]:
    from django.test import Client
    from django.urls import reverse

    from hotline.directory.models import User
    from hotline.taxonomy.models import Category

    client = Client()
    client.force_login(User.objects.get(username="bench_supervisor"))
    category = Category.objects.filter(depth=1).first()
    pages = {
        "today": (reverse("analytics:dashboard"), {}),
        "trend category/day": (reverse("analytics:trends"), {"dimension": "category", "grain": "day"}),
        "trend unit/month": (reverse("analytics:trends"), {"dimension": "unit", "grain": "month"}),
        "trend district/week on-time": (
            reverse("analytics:trends"),
            {"dimension": "district", "grain": "week", "metric": "on_time_rate"},
        ),
        "performance": (reverse("analytics:performance"), {}),
        "map": (reverse("analytics:map"), {"metric": "satisfaction_rate"}),
        "drill-down": (
            reverse("analytics:orders"),
            {
                "dimension": "category",
                "key": category.pk if category else "",
                "start": (dt.date.today() - dt.timedelta(days=29)).isoformat(),
                "end": dt.date.today().isoformat(),
            },
        ),
    }
    result = {}
    for name, (url, params) in pages.items():
        client.get(url, params)
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(url, params)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (name, response.status_code)
        samples.sort()
        result[name] = {
            "p50": round(statistics.median(samples), 1),
            "p95": round(samples[int(0.95 * (len(samples) - 1))], 1),
        }
    return result


def run_size(size: int) -> dict[str, object]:
    url = database_url(size)
    create_database(url)
    setup_django(url)
    from django.core.management import call_command

    from hotline.analytics import counters

    call_command("migrate", verbosity=0)
    ref = reference_data()
    end = dt.datetime.now(dt.UTC)
    days = 30 if size <= 20000 else 365
    started = time.perf_counter()
    counts = generate(size, ref, end=end, days=days)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    counters.rebuild()
    rebuilt = time.perf_counter() - started
    since, until = (
        (end - dt.timedelta(days=days + 1)).isoformat(),
        (end + dt.timedelta(minutes=1)).isoformat(),
    )
    result: dict[str, object] = {
        "size": size,
        "load_average": os.getloadavg(),
        "counts": counts,
        "generate_s": round(generated, 1),
        "rebuild_s": round(rebuilt, 1),
    }
    if size <= 20000:
        result["detect_cold"] = _child("detect", url, since, until)
    result["sign_s"] = round(sign_all(), 1)
    result["detect_warm"] = _child("detect", url, since, until)
    from django.db import connections

    connections.close_all()
    result["dashboards_ms"] = dashboards()
    result["load_average_end"] = os.getloadavg()
    return result


def _child(phase: str, url: str, *args: str) -> dict[str, object]:
    from django.db import connections

    connections.close_all()
    output = subprocess.run(
        [sys.executable, __file__, "--phase", phase, "--url", url, *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="*", default=[5000, 1_000_000])
    parser.add_argument("--phase", default="")
    parser.add_argument("--url", default="")
    parser.add_argument("args", nargs="*")
    options = parser.parse_args()
    if options.phase == "detect":
        setup_django(options.url)
        print(json.dumps(detect(*options.args), ensure_ascii=False))
        return
    if options.phase == "size":
        print(json.dumps(run_size(int(options.args[0])), ensure_ascii=False))
        return
    for size in options.sizes:
        started = time.perf_counter()
        output = subprocess.run(
            [sys.executable, __file__, "--phase", "size", "--", str(size)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        result = json.loads(output.strip().splitlines()[-1])
        result["total_s"] = round(time.perf_counter() - started, 1)
        print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
