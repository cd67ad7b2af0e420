"""Work-order lifecycle benchmark: N orders created and carried through full lifecycles by the services.

    .venv/bin/python bench/lifecycle.py [--orders 2000] [--procs 2] [--backend sqlite|postgres|both]

For each backend it builds a fresh database (a temporary SQLite file; a database `bench_lifecycle` on the
PostgreSQL at $BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test), migrates it, creates a
small city, then in --procs worker processes on the production settings (``production.py``: DEBUG off):
  1. intake: N orders through workorder_intake (accepted by an agent);
  2. lifecycle: each order through dispatch → sign → note → reply → accept_reply → callback (closed).
It prints operations per second and p50/p99 latency per transition, intakes per second and complete
lifecycles (intake + the six transitions) per second. Then, as the database's own limit, the same rows
are written by plain SQL (``rawsql.py``: the same statements, one transaction per step, no ORM) in as
many processes, and the ratio shows the platform's overhead. Figures only: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from production import production_env  # noqa: E402

STEPS = ["intake", "dispatch", "sign", "note", "reply", "accept_reply", "callback"]


def setup_django() -> None:
    """Django on the production settings ``run_backend`` put in the environment."""
    import django

    django.setup()


def prepare() -> None:
    """Migrate and create the city (in the parent, once per backend)."""
    setup_django()
    from django.core.management import call_command

    from hotline.directory.models import Role, Unit, User
    from hotline.taxonomy.models import Category

    call_command("migrate", verbosity=0)
    center = Unit.objects.add_root(instance=Unit(code="C", name="中心", kind=Unit.Kind.CENTER))
    User.objects.create_user("agent", role=Role.AGENT, unit=center)
    User.objects.create_user("dispatcher", role=Role.DISPATCHER, unit=center)
    for index in range(5):
        unit = Unit.objects.add_root(
            instance=Unit(code=f"D{index}", name=f"部门{index}", kind=Unit.Kind.DEPARTMENT)
        )
        User.objects.create_user(f"handler{index}", role=Role.UNIT_HANDLER, unit=unit)
    Category.objects.add_root(instance=Category(code="01", name="城乡建设"))


def work(args: tuple[int, int, str]) -> dict[str, list[float]]:
    """One worker process: intake ``count`` orders, then carry each through its lifecycle."""
    worker, count, db_url = args
    os.environ["DATABASE_URL"] = db_url
    setup_django()
    from django.db import connection

    from hotline.directory.models import Unit, User
    from hotline.taxonomy.models import Category
    from hotline.workorders import services as wo

    agent, dispatcher = User.objects.get(username="agent"), User.objects.get(username="dispatcher")
    units = list(Unit.objects.filter(kind=Unit.Kind.DEPARTMENT).order_by("code"))
    handlers = {
        u.unit_id: u for u in User.objects.filter(username__startswith="handler").select_related("unit")
    }
    category = Category.objects.get(code="01")
    now = dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.UTC)
    timings: dict[str, list[float]] = {step: [] for step in STEPS}
    orders = []
    clock = time.perf_counter
    for index in range(count):
        started = clock()
        order = wo.workorder_intake(
            actor=agent,
            channel="phone",
            request_type="complaint",
            title=f"测试工单{worker}-{index}",
            content="小区路灯不亮，晚上出行不便，请尽快维修。",
            caller=wo.Caller(name="王先生", phone="13800000000"),
            category=category,
            location_text="东湖区幸福里",
            now=now,
        )
        timings["intake"].append(clock() - started)
        orders.append(order)
    for index, order in enumerate(orders):
        unit = units[index % len(units)]
        handler = handlers[unit.pk]
        steps = [
            ("dispatch", lambda o: wo.workorder_dispatch(order=o, actor=dispatcher, lead=unit, now=now)),
            ("sign", lambda o: wo.workorder_sign(order=o, actor=handler, now=now)),
            ("note", lambda o: wo.workorder_note(order=o, actor=handler, text="已安排维修", now=now)),
            (
                "reply",
                lambda o: wo.workorder_reply(order=o, actor=handler, text="已修复", solved=True, now=now),
            ),
            (
                "accept_reply",
                lambda o: wo.workorder_review_reply(order=o, actor=dispatcher, accept=True, now=now),
            ),
            (
                "callback",
                lambda o: wo.workorder_callback(
                    order=o, actor=agent, satisfaction="satisfied", solved=True, now=now
                ),
            ),
        ]
        for name, step in steps:
            started = clock()
            order = step(order)
            timings[name].append(clock() - started)
        assert order.status == "closed"
    connection.close()
    return timings


def raw_work(args: tuple[int, int, str, str]) -> tuple[float, float]:
    """One process of the raw limit: ``count`` intakes, then each order's lifecycle; the seconds of each."""
    from rawsql import Raw

    worker, count, engine, url = args
    raw = Raw(engine, url)
    channel_id = raw.one("SELECT id FROM taxonomy_channel WHERE code = 'phone'")
    dispatcher_id = raw.one("SELECT id FROM directory_user WHERE username = 'dispatcher'")
    handlers = []
    for index in range(5):
        handlers.append(
            (
                raw.one(f"SELECT id FROM directory_unit WHERE code = {raw.p}", [f"D{index}"]),
                raw.one(f"SELECT id FROM directory_user WHERE username = {raw.p}", [f"handler{index}"]),
            )
        )
    started = time.perf_counter()
    orders = [raw.intake(channel_id=channel_id, tag=f"{worker:02d}") for _ in range(count)]
    intake_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for index, order_id in enumerate(orders):
        unit_id, handler_id = handlers[index % len(handlers)]
        raw.lifecycle(order_id, unit_id=unit_id, handler_id=handler_id, dispatcher_id=dispatcher_id)
    lifecycle_seconds = time.perf_counter() - started
    raw.close()
    return intake_seconds, lifecycle_seconds


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run_backend(backend: str, orders: int, procs: int) -> dict[str, object]:
    directory = tempfile.mkdtemp(prefix=f"bench-lifecycle-{backend}-")
    os.environ.update(production_env(Path(directory)))  # for the worker processes, which inherit it
    if backend == "sqlite":
        db_url = f"sqlite:///{directory}/bench.sqlite3"
    else:
        base = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
        import psycopg

        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS bench_lifecycle")
            conn.execute("CREATE DATABASE bench_lifecycle")
        db_url = base.rsplit("/", 1)[0] + "/bench_lifecycle"
    env = {**os.environ, "DATABASE_URL": db_url}
    subprocess.run([sys.executable, __file__, "--prepare"], check=True, env=env)
    per_proc = orders // procs
    started = time.perf_counter()
    with mp.get_context("spawn").Pool(procs) as pool:
        results = pool.map(work, [(worker, per_proc, db_url) for worker in range(procs)])
    wall = time.perf_counter() - started
    merged: dict[str, list[float]] = {step: [] for step in STEPS}
    for result in results:
        for step, values in result.items():
            merged[step].extend(values)
    raw_target = db_url.removeprefix("sqlite:///") if backend == "sqlite" else db_url
    with mp.get_context("spawn").Pool(procs) as pool:
        raw = pool.map(raw_work, [(worker, per_proc, backend, raw_target) for worker in range(procs)])
    raw_intake = max(intake for intake, _ in raw)
    raw_lifecycle = max(intake + lifecycle for intake, lifecycle in raw)
    total = per_proc * procs
    # Throughput of each phase: operations over the busiest process's time spent in that phase.
    intake_time = max(sum(result["intake"]) for result in results)
    lifecycle_time = max(sum(sum(v) for v in result.values()) for result in results)
    return {
        "backend": backend,
        "orders": total,
        "procs": procs,
        "wall_seconds": round(wall, 2),
        "intakes_per_second": round(total / intake_time, 1),
        "lifecycles_per_second": round(total / lifecycle_time, 1),
        "raw_sql_intakes_per_second": round(total / raw_intake, 1),
        "raw_sql_lifecycles_per_second": round(total / raw_lifecycle, 1),
        "overhead_ratio_lifecycle": round(lifecycle_time / raw_lifecycle, 1),
        "steps": {
            step: {
                "ops_per_second": round(len(values) / max(sum(values) / procs, 1e-9), 1),
                "p50_ms": round(statistics.median(values) * 1000, 2),
                "p99_ms": round(percentile(values, 0.99) * 1000, 2),
            }
            for step, values in merged.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare()
        return
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    reports = [run_backend(backend, args.orders, args.procs) for backend in backends]
    if args.json:
        print(json.dumps(reports, indent=2))
        return
    for report in reports:
        print(
            f"\n{report['backend']}: {report['orders']} orders in {report['procs']} processes, "
            f"wall {report['wall_seconds']} s"
        )
        print(
            f"  intakes/s: {report['intakes_per_second']}   complete lifecycles/s: {report['lifecycles_per_second']}"
        )
        print(
            f"  raw SQL limit, same rows: intakes/s {report['raw_sql_intakes_per_second']}   "
            f"lifecycles/s {report['raw_sql_lifecycles_per_second']}   "
            f"(platform/raw time: {report['overhead_ratio_lifecycle']}x)"
        )
        print(f"  {'step':<14}{'ops/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
        for step, figures in report["steps"].items():  # type: ignore[union-attr]
            print(
                f"  {step:<14}{figures['ops_per_second']:>10}{figures['p50_ms']:>10}{figures['p99_ms']:>10}"
            )


if __name__ == "__main__":
    main()
