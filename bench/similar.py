"""Duplicate-search benchmark: similar open orders found while the agent types, among a million indexed
orders in PostgreSQL, through the product's own ``hotline.routing.similar.search``.

    .venv/bin/python bench/similar.py [--orders 1000000] [--queries 300]
        [--database-url postgres://postgres@127.0.0.1:5432/h5_bench_similar]

It (re)creates the database, migrates it, and writes ``--orders`` work orders with their matter-index
entries in bulk (COPY). Each synthetic order takes the key terms (computed by the product's
``matter_terms``) of one of the real messages in ../shared/data/tipdm2020, some terms of another, and a
place from a made-up gazetteer of 5,000 estates and roads, so that term frequencies follow real text.
Then, for real messages the index was not built from, it plants one near-duplicate each (the same
message, another wording of its first sentence, at the same place) and times ``search()`` on the raw
text, segmentation and term extraction included: p50/p95/p99 latency and how often the planted
duplicate comes first (recall@1) and in the top 5. Figures only: nothing passes or fails.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "tipdm2020"


def recreate(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def messages() -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    with (DATA / "messages_labeled_train.csv").open(encoding="utf-8-sig") as handle:
        rows += [(r["title"], r["content"]) for r in csv.DictReader(handle)]
    with (DATA / "messages_replied.csv").open(encoding="utf-8-sig") as handle:
        rows += [(r["留言主题"], r["留言详情"]) for r in csv.DictReader(handle)]
    return [(t.strip(), c.strip()) for t, c in rows if t.strip() and c.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/h5_bench_similar")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--reuse", action="store_true", help="measure again on the index a previous run built"
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)

    if not args.reuse:
        recreate(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if not args.reuse:
        call_command("migrate", verbosity=0)

    from hotline.directory.models import Division
    from hotline.routing import similar
    from hotline.workorders import services as wo
    from hotline.workorders.models import WorkOrder

    started = time.perf_counter()
    corpus = messages()
    rng.shuffle(corpus)
    queries = corpus[: args.queries]
    if args.reuse:
        measure(queries, [f"旧址{n}号小区" for n in range(5000)], rng)
        return
    base = corpus[args.queries :]
    base_terms = [similar.matter_terms(t, c).terms for t, c in base]
    print(
        f"{len(base)} real messages reduced to key terms in {time.perf_counter() - started:.0f} s", flush=True
    )

    city = Division.objects.add_root(instance=Division(code="990100000000", name="海澄市", level=2))
    divisions = [
        Division.objects.add_child(
            Division.objects.get(pk=city.pk),
            instance=Division(code=f"9901{n:02d}000000", name=f"第{n}区", level=3),
        ).pk
        for n in range(1, 41)
    ]
    places = [
        f"{rng.choice('东西南北中新老金银玉')}{rng.choice('华阳江湖山林园苑')}{n}号{rng.choice(['小区', '路', '花园', '广场'])}"
        for n in range(5000)
    ]
    template = wo.workorder_intake(
        actor=None,
        channel="web",
        request_type="complaint",
        title="模板",
        content="模板",
        caller=wo.Caller(),
        now=django.utils.timezone.now(),
        accept=False,
    )

    started = time.perf_counter()
    columns = [
        f.column
        for f in WorkOrder._meta.concrete_fields
        if f.column not in ("id", "number", "received_at", "query_code")
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO workorders_workorder (number, received_at, query_code, {', '.join(columns)}) "
            f"SELECT 'B' || g, now() - (g %% 86400) * interval '1 minute', 'Q', {', '.join(columns)} "
            "FROM workorders_workorder, generate_series(1, %s) g WHERE id = %s",
            [args.orders, template.pk],
        )
        cursor.execute("SELECT min(id) FROM workorders_workorder WHERE number LIKE 'B%%'")
        first_id = cursor.fetchone()[0]
        cursor.execute(
            "SELECT indexdef, indexname FROM pg_indexes WHERE tablename = 'routing_matterterm' "
            "AND indexname NOT LIKE '%%_pkey'"
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'routing_matterterm'::regclass AND contype IN ('u', 'f')"
        )
        constraints = cursor.fetchall()
        for name, _ in constraints:
            cursor.execute(f'ALTER TABLE routing_matterterm DROP CONSTRAINT "{name}"')
        for _, name in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    print(f"{args.orders} work orders written in {time.perf_counter() - started:.0f} s", flush=True)

    started = time.perf_counter()
    raw = connection.connection
    chunk = 100_000
    for offset in range(0, args.orders, chunk):
        docs = io.StringIO()
        terms = io.StringIO()
        for n in range(offset, min(args.orders, offset + chunk)):
            order_id = first_id + n
            own = base_terms[rng.randrange(len(base_terms))]
            other = base_terms[rng.randrange(len(base_terms))]
            place = places[rng.randrange(len(places))]
            words = list(dict.fromkeys([place, *own[:16], *other[:4]]))
            hashes = [similar.term_hash(w) for w in words]
            division = divisions[hash(place) % len(divisions)]
            is_open = "t" if rng.random() < 0.3 else "f"
            docs.write(
                f"{order_id}\t{is_open}\t2026-11-01 00:00:00+08\t{division}\t\\N\t\t{json.dumps(hashes)}\t[{hashes[0]}]\n"
            )
            for h in hashes:
                terms.write(f"{h}\t{order_id}\t{is_open}\t2026-11-01 00:00:00+08\n")
        with raw.cursor() as cursor:
            with cursor.copy(
                "COPY routing_matterdoc (order_id, is_open, received_at, division_id, category_id, caller_key, terms, places) FROM STDIN"
            ) as copy:
                copy.write(docs.getvalue())
            with cursor.copy(
                "COPY routing_matterterm (term, doc_id, is_open, received_at) FROM STDIN"
            ) as copy:
                copy.write(terms.getvalue())
        raw.commit()
        print(f"  {offset + chunk} indexed ({time.perf_counter() - started:.0f} s)", flush=True)
    constraint_names = {name for name, _ in constraints}
    with connection.cursor() as cursor:
        for definition, name in indexes:
            if name not in constraint_names:  # a constraint's own index comes back with the constraint
                cursor.execute(definition)
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE routing_matterterm ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("DELETE FROM routing_mattertermstat")
        cursor.execute(
            "INSERT INTO routing_mattertermstat (term, df) SELECT term, count(*) FROM routing_matterterm GROUP BY term"
        )
        cursor.execute(
            "INSERT INTO routing_mattertermstat (term, df) SELECT 0, count(*) FROM routing_matterdoc"
        )
        # What autovacuum does to a table soon after it grows (``routing/0002`` makes it do so after every
        # 1 % of new postings): the statistics, and the visibility map, without which the lookup is not an
        # index-only scan but visits a table page for nearly every posting (48 ms instead of 11 for one of
        # the slowest queries).
        cursor.execute("VACUUM ANALYZE")
        cursor.execute(
            "SELECT count(*), pg_size_pretty(pg_total_relation_size('routing_matterterm')) FROM routing_matterterm"
        )
        postings, size = cursor.fetchone()
    print(f"index: {postings} postings ({size}) built in {time.perf_counter() - started:.0f} s", flush=True)
    measure(queries, places, rng)


def measure(queries: list[tuple[str, str]], places: list[str], rng: random.Random) -> None:
    import django.utils.timezone

    from hotline.routing import similar
    from hotline.routing.models import MatterDoc
    from hotline.workorders import services as wo

    # Plant one open near-duplicate per query: the same request worded differently, at a known place.
    planted: dict[int, int] = {}
    variants = []
    for q, (title, content) in enumerate(queries):
        place = places[rng.randrange(len(places))]
        order = wo.workorder_intake(
            actor=None,
            channel="web",
            request_type="complaint",
            title=f"{place}{title}",
            content=f"{place}{content}",
            caller=wo.Caller(),
            now=django.utils.timezone.now(),
            accept=False,
        )
        similar.index_order(order)
        planted[q] = order.pk
        sentences = [s for s in content.replace("！", "。").replace("？", "。").split("。") if s.strip()]
        reworded = "。".join(sentences[1:] + sentences[:1]) if len(sentences) > 1 else content
        variants.append((title[: max(4, len(title) * 2 // 3)], f"我是{place}的居民，{reworded}"))

    latencies, cpu, first, top5 = [], [], 0, 0
    for q, (title, content) in enumerate(variants):
        began, began_cpu = time.perf_counter(), time.thread_time()
        hits = similar.search(title=title, content=content, limit=5)
        latencies.append((time.perf_counter() - began) * 1000)
        cpu.append((time.thread_time() - began_cpu) * 1000)
        ids = [hit.order_id for hit in hits]
        first += bool(ids) and ids[0] == planted[q]
        top5 += planted[q] in ids
    warm = latencies[10:]
    print()
    print(f"orders indexed      {MatterDoc.objects.count()}")
    print(
        f"search latency      p50 {np.percentile(warm, 50):.1f} ms  p95 {np.percentile(warm, 95):.1f} ms  p99 {np.percentile(warm, 99):.1f} ms  (mean {statistics.mean(warm):.1f} ms, {len(warm)} queries after 10 warm-up)"
    )
    print(
        f"of which Python CPU p50 {np.percentile(cpu[10:], 50):.1f} ms  p99 {np.percentile(cpu[10:], 99):.1f} ms (the rest is PostgreSQL and waiting)"
    )
    print(f"planted duplicate   first {first / len(variants):.1%}  in top 5 {top5 / len(variants):.1%}")
    print(f"machine load        {os.getloadavg()[0]:.1f} (1-minute load average on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
