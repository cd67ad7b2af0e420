"""API intake benchmark: concurrent clients create orders through ``POST /api/v1/workorders`` against the
production server setup (``hotline serve``'s granian, several workers, ``config.settings.production``)
over loopback.

    .venv/bin/python bench/api_intake.py [--backend sqlite|postgres|both] [--seconds 20] [--rate 150]
                                         [--clients 16] [--workers N] [--port 8040]

For each backend: a fresh database (a temporary SQLite file; the database `h4_bench` on the PostgreSQL at
$BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/h4_bench), migrated, with a center,
an agent and its API token. Then, against `hotline serve`'s command line (``server_argv``):
  1. sustained: --clients concurrent keep-alive clients create orders as fast as they can for --seconds;
  2. fixed load: requests are sent at --rate per second (open loop, on a schedule) for --seconds; the
     latency of each is measured from its scheduled time, so queueing counts;
  3. raw limit: the same rows (the number, the order, its two events) inserted by plain SQL, one
     transaction per order, from as many connections as the server has workers, for --seconds.
Every request carries an Idempotency-Key; 5 % of them are sent again after their answer (a client
that lost the answer) and a request that times out is retried with the same key. At the end the run
counts orders per key: lost (acknowledged but missing) and duplicated (more than one order) must be 0.
The sustained phase also prints the CPU each create cost the server, the PostgreSQL processes and the
clients (all share the machine's cores), so a run shows which of them the rate is waiting on, and the
time of a fixed Python loop just before and after it (``machine_probe_ms_before_after``), which shows
how fast the machine was: lower is faster.
Figures only: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from production import production_env
from rawsql import Raw

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
RETRY_SHARE = 0.05
sys.path.insert(0, str(ROOT))
from hotline.core.management.commands.serve import (  # noqa: E402 (after the path)
    default_workers,
    server_argv,
)


def body_for(key: str) -> bytes:
    return json.dumps(
        {
            "title": f"bench {key}",
            "content": "东湖街道幸福里小区自周一起停水，物业称管网维修，至今未恢复，请尽快处理。",
            "channel": "phone",
            "type": "complaint",
            "caller": {"name": "张三", "phone": "13812341234", "confidential": False},
            "location": "东湖区幸福里小区",
        },
        ensure_ascii=False,
    ).encode()


class Client:
    """One keep-alive HTTP connection that retries with the same key on a timeout or a dropped link."""

    def __init__(self, port: int, token: str):
        self.port, self.token = port, token
        self.conn: http.client.HTTPConnection | None = None

    def post(self, key: str) -> int:
        body = body_for(key)
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        }
        for attempt in range(5):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                self.conn.request("POST", "/api/v1/workorders", body, headers)
                response = self.conn.getresponse()
                response.read()
                if response.status >= 500 and attempt < 4:
                    continue
                return response.status
            except (OSError, http.client.HTTPException):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                time.sleep(0.05 * (attempt + 1))
        return 0


def closed_loop(args: tuple[int, str, float, int, str]) -> dict[str, Any]:
    port, token, seconds, seed, run = args
    rng = random.Random(seed)
    client = Client(port, token)
    end = time.monotonic() + seconds
    latencies, acked, statuses = [], [], {}
    n = 0
    cpu = time.process_time()
    while time.monotonic() < end:
        key = f"{run}-c{seed}-{n}"
        n += 1
        started = time.perf_counter()
        status = client.post(key)
        latencies.append(time.perf_counter() - started)
        statuses[status] = statuses.get(status, 0) + 1
        if status in (200, 201):
            acked.append(key)
            if rng.random() < RETRY_SHARE:  # the answer was "lost": send it again
                again = client.post(key)
                statuses[again + 1000] = statuses.get(again + 1000, 0) + 1
    return {"latencies": latencies, "acked": acked, "statuses": statuses, "cpu": time.process_time() - cpu}


def open_loop(args: tuple[int, str, list[float], int, str]) -> dict[str, Any]:
    """Send at the scheduled instants (relative to a shared start); latency counts from the schedule."""
    port, token, schedule, seed, run = args
    rng = random.Random(seed)
    client = Client(port, token)
    latencies, acked, statuses = [], [], {}
    for index, at in enumerate(schedule):
        delay = at - time.time()
        if delay > 0:
            time.sleep(delay)
        key = f"{run}-o{seed}-{index}"
        status = client.post(key)
        latencies.append(time.time() - at)
        statuses[status] = statuses.get(status, 0) + 1
        if status in (200, 201):
            acked.append(key)
            if rng.random() < RETRY_SHARE:
                again = client.post(key)
                statuses[again + 1000] = statuses.get(again + 1000, 0) + 1
    return {"latencies": latencies, "acked": acked, "statuses": statuses}


def machine_probe_ms() -> float:
    """The fastest of three runs of a fixed pure-Python loop, in ms: how fast this machine's cores are
    at the moment (on the shared machines here the same run has swung by half within an hour), so that
    runs of different times can be compared."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        sum(i * i for i in range(1_000_000))
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# ------------------------------------------------------------------------------------------ one backend


def wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def cpu_seconds(picks: Callable[[int, int, str], bool]) -> float:
    """User + system CPU (from /proc), in seconds, of the processes ``picks(pid, parent, name)`` keeps."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            name, rest = Path(f"/proc/{entry}/stat").read_text().split(" (", 1)[1].rsplit(")", 1)
        except (OSError, ValueError):
            continue
        fields = rest.split()
        if picks(int(entry), int(fields[1]), name):  # fields[1] is the parent pid
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def server_cpu_seconds(master: int) -> float:
    """The server's main process and its workers."""
    return cpu_seconds(lambda pid, parent, _name: master in (pid, parent))


def postgres_cpu_seconds() -> float:
    """Every PostgreSQL process on the machine."""
    return cpu_seconds(lambda _pid, _parent, name: name in ("postgres", "postmaster"))


def healthz_round(args: tuple[int, int]) -> float:
    port, _ = args
    started = time.perf_counter()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/healthz")
        conn.getresponse().read()
        conn.close()
    except (OSError, http.client.HTTPException):
        return 99.0
    return time.perf_counter() - started


def wait_until_warm(port: int, workers: int, pool: Any) -> None:
    """Every worker has booted (each imports the whole platform): rounds of concurrent requests all
    answer quickly three times in a row."""
    quick = 0
    deadline = time.monotonic() + 300
    while quick < 3 and time.monotonic() < deadline:
        times = pool.map(healthz_round, [(port, i) for i in range(workers * 4)])
        quick = quick + 1 if max(times) < 1.0 else 0
        time.sleep(0.5)


def prepare(env: dict[str, str]) -> str:
    """Migrate and create the agent and its token; returns the raw token."""
    script = """
from hotline.directory.models import Role, Unit, User
from hotline.taxonomy.models import Category
from hotline.tokens.services import token_create
from hotline.core.clock import now
center = Unit.objects.add_root(instance=Unit(code="C", name="中心", kind=Unit.Kind.CENTER))
agent = User.objects.create_user("bench_agent", role=Role.AGENT, unit=center)
Category.objects.add_root(instance=Category(code="01", name="城乡建设"))
print(token_create(user=agent, name="bench", now=now())[1])
"""
    subprocess.run([PYTHON, "-m", "hotline.cli", "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    out = subprocess.run(
        [PYTHON, "-m", "hotline.cli", "shell", "-c", script],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    return out.stdout.decode().strip().splitlines()[-1]


def raw_worker(args: tuple[str, str, float, int]) -> int:
    """Plain SQL: the rows one intake writes (the number, the order, two events), one transaction each."""
    engine, url, seconds, worker = args
    raw = Raw(engine, url)
    channel_id = raw.one("SELECT id FROM taxonomy_channel WHERE code = 'phone'")
    done = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        raw.intake(channel_id=channel_id, tag=f"{worker:02d}")
        done += 1
    raw.close()
    return done


def run_backend(name: str, opts: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-api-{name}-"))
    env = {**os.environ, **production_env(workdir), "HOTLINE_DB_CONN_MAX_AGE": "600"}
    if name == "postgres":
        import psycopg

        url = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/h4_bench")
        admin_url = url.rsplit("/", 1)[0] + "/postgres"
        db = url.rsplit("/", 1)[1]
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}"')
            conn.execute(f'CREATE DATABASE "{db}"')
        env["DATABASE_URL"] = url
        raw_target = url
    else:
        path = workdir / "bench.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{path}"
        raw_target = str(path)
    redis = None
    if opts.redis:
        redis = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(opts.port + 1),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        env["HOTLINE_REDIS_URL"] = f"redis://127.0.0.1:{opts.port + 1}/0"
        wait_for_port(opts.port + 1, redis)
    token = prepare(env)
    server_log = (workdir / "server.log").open("wb")
    server = subprocess.Popen(
        server_argv(host="127.0.0.1", port=opts.port, workers=opts.workers, threads=2),
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=server_log,
        start_new_session=True,
    )
    run = uuid.uuid4().hex[:8]
    try:
        wait_for_port(opts.port, server)
        ctx = mp.get_context("spawn")
        with ctx.Pool(opts.clients) as pool:
            wait_until_warm(opts.port, opts.workers, pool)
            pool.map(closed_loop, [(opts.port, token, 5.0, 1000 + i, run + "w") for i in range(opts.clients)])
            probe_before = machine_probe_ms()
            cpu_before = server_cpu_seconds(server.pid)
            pg_before = postgres_cpu_seconds()
            started = time.monotonic()
            closed = pool.map(
                closed_loop, [(opts.port, token, opts.seconds, i, run) for i in range(opts.clients)]
            )
            closed_elapsed = time.monotonic() - started
            server_cpu = server_cpu_seconds(server.pid) - cpu_before
            pg_cpu = postgres_cpu_seconds() - pg_before
            probe_after = machine_probe_ms()
            total = int(opts.rate * opts.seconds)
            start_at = time.time() + 1.0
            schedule = [start_at + i / opts.rate for i in range(total)]
            lanes = opts.clients
            opened = pool.map(
                open_loop, [(opts.port, token, schedule[i::lanes], 100 + i, run) for i in range(lanes)]
            )
        with ctx.Pool(opts.workers) as pool:
            raw_counts = pool.map(
                raw_worker, [(name, raw_target, opts.seconds, i) for i in range(opts.workers)]
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        server_log.close()
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=10)
    acked = [key for part in closed + opened for key in part["acked"]]
    counted = count_orders(env, run)
    statuses: dict[int, int] = {}
    for part in closed + opened:
        for code, n in part["statuses"].items():
            statuses[int(code)] = statuses.get(int(code), 0) + n
    created = max(1, sum(len(p["acked"]) for p in closed))
    sustained = sum(len(p["acked"]) for p in closed) / closed_elapsed
    closed_lat = [x for p in closed for x in p["latencies"]]
    open_lat = [x for p in opened for x in p["latencies"]]
    result = {
        "backend": name,
        "load_average_1m_at_end": round(os.getloadavg()[0], 1),
        "queue": "redis" if opts.redis else "sqlite",
        "sustained_creates_per_s": round(sustained, 1),
        "sustained_p50_ms": round(percentile(closed_lat, 0.5) * 1000, 1),
        "sustained_p99_ms": round(percentile(closed_lat, 0.99) * 1000, 1),
        "fixed_rate_per_s": opts.rate,
        "fixed_sent": len(open_lat),
        "fixed_p50_ms": round(percentile(open_lat, 0.5) * 1000, 1),
        "fixed_p99_ms": round(percentile(open_lat, 0.99) * 1000, 1),
        "fixed_mean_ms": round(statistics.fmean(open_lat) * 1000, 1) if open_lat else None,
        "server_cpu_ms_per_create": round(1000 * server_cpu / created, 1),
        "client_cpu_ms_per_create": round(1000 * sum(p["cpu"] for p in closed) / created, 2),
        "postgres_cpu_ms_per_create": round(1000 * pg_cpu / created, 2),
        "raw_sql_orders_per_s": round(sum(raw_counts) / opts.seconds, 1),
        "machine_probe_ms_before_after": [probe_before, probe_after],
        "acknowledged": len(acked),
        "lost": sum(1 for key in acked if counted.get(key, 0) == 0),
        "duplicated": sum(1 for n in counted.values() if n > 1),
        "statuses": statuses,
    }
    result["overhead_ratio"] = round(result["raw_sql_orders_per_s"] / max(sustained, 0.1), 1)
    shutil.rmtree(workdir, ignore_errors=True)
    return result


def count_orders(env: dict[str, str], run: str) -> dict[str, int]:
    script = f"""
import json
from django.db.models import Count
from hotline.workorders.models import WorkOrder
rows = WorkOrder.objects.filter(title__startswith="bench {run}").values("title").annotate(n=Count("pk"))
print(json.dumps({{r["title"][6:]: r["n"] for r in rows}}))
"""
    out = subprocess.run(
        [PYTHON, "-m", "hotline.cli", "shell", "-c", script],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    return dict(json.loads(out.stdout.decode().strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rate", type=float, default=150)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=default_workers(), help="default: hotline serve's")
    parser.add_argument("--port", type=int, default=8040)
    parser.add_argument(
        "--queue",
        choices=["redis", "sqlite"],
        default="redis",
        help="the worker queue and cache: Redis (HOTLINE_REDIS_URL; a redis-server on --port+1 is started) "
        "or the default SQLite file under var/",
    )
    opts = parser.parse_args()
    opts.redis = opts.queue == "redis"
    backends = ["postgres", "sqlite"] if opts.backend == "both" else [opts.backend]
    print(
        f"machine: {os.cpu_count()} cores; granian {opts.workers} workers × 2 threads; {opts.clients} clients; "
        f"queue {opts.queue}"
    )
    for name in backends:
        result = run_backend(name, opts)
        print(json.dumps(result, ensure_ascii=False))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
