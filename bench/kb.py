"""Knowledge-base search benchmark: retrieval quality on real replies, and speed at 200,000 entries.

    .venv/bin/python bench/kb.py [--entries 200000] [--queries 2816] [--seed 12345]

1. Quality. The 2,816 official replies of ../shared/data/tipdm2020/messages_replied.csv become entries
   (answer only: no question, keywords or synonyms; identical replies are one entry). Each message's title
   is then a query, and the entry holding the reply written for that message is the one to find. Printed:
   recall@1, recall@5 and MRR (over the first 10 results), first on the real replies alone, then with the
   generated fillers added. Also printed: how many titles share no indexed term at all with their reply
   (no lexical ranking can find those).
2. Speed. Generated fillers bring the index to --entries entries. A filler is a question of 3–6 words and
   an answer as long as a real reply, its words drawn from jieba's dictionary by frequency (so the terms
   follow the Zipf distribution of Chinese text), around phrases common in official answers. Printed: build
   time, index size, and the latency of each title query (analysis + scoring + top 10 + near-duplicate
   folding, as the agent console's panel calls it, without the database) as p50/p95/p99.

The ranking code is the product's (hotline/knowledge/search); nothing here is tuned to this file.
Figures only: nothing passes or fails.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "tipdm2020" / "messages_replied.csv"

PHRASES = [
    "您好，您反映的问题已收悉",
    "现将有关情况答复如下",
    "根据相关规定",
    "请携带本人身份证原件",
    "到政务服务中心窗口办理",
    "办理时限为五个工作日",
    "如有疑问可拨打咨询电话",
    "感谢您对我们工作的支持",
    "经调查核实",
    "我局高度重视",
    "符合条件的可申请",
    "具体以最新政策为准",
]


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("HOTLINE_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def load_pairs() -> tuple[list[str], list[str]]:
    with DATA.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    titles = [" ".join(r["留言主题"].split()) for r in rows]
    replies = [" ".join(r["答复意见"].split()) for r in rows]
    return titles, replies


def dictionary_words() -> tuple[np.ndarray, np.ndarray]:
    import jieba

    words, freqs = [], []
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 2 and all("\u4e00" <= ch <= "\u9fff" for ch in parts[0]):
                words.append(parts[0])
                freqs.append(float(parts[1]))
    weights = np.array(freqs)
    return np.array(words, dtype=object), weights / weights.sum()


def fillers(count: int, lengths: list[int], seed: int, start_id: int):  # type: ignore[no-untyped-def]
    from hotline.knowledge.search.index import IndexDoc

    rng = np.random.default_rng(seed)
    words, p = dictionary_words()
    pool = rng.choice(len(words), size=count * 220, p=p)
    at = 0
    for i in range(count):
        target = int(rng.choice(lengths))
        question_words = words[pool[at : at + int(rng.integers(3, 7))]]
        at += len(question_words)
        parts: list[str] = []
        size = 0
        while size < target and at < len(pool):
            if rng.random() < 0.08:
                piece = PHRASES[int(rng.integers(len(PHRASES)))] + "，"
            else:
                piece = "".join(words[pool[at : at + 6]]) + ("。" if rng.random() < 0.3 else "，")
                at += 6
            parts.append(piece)
            size += len(piece)
        if at >= len(pool) - 1000:
            pool = rng.choice(len(words), size=count * 50, p=p)
            at = 0
        yield IndexDoc(
            entry_id=start_id + i,
            question="".join(question_words) + "怎么办理",
            keywords="",
            answer="".join(parts),
        )


def quality(searcher, titles: list[str], targets: list[int], analysis, filters) -> dict[str, float]:  # type: ignore[no-untyped-def]
    r1 = r5 = rr = 0.0
    latencies = []
    for title, target in zip(titles, targets, strict=True):
        started = time.perf_counter()
        hits = searcher.search(analysis.query_terms(title), filters, limit=10)
        latencies.append(time.perf_counter() - started)
        # a folded near-duplicate of the target counts as the target's place
        ranks = [i for i, h in enumerate(hits) if h.entry_id == target or target in h.similar]
        if ranks:
            rank = ranks[0]
            r1 += rank == 0
            r5 += rank < 5
            rr += 1.0 / (rank + 1)
    n = len(titles)
    ms = sorted(x * 1000 for x in latencies)
    return {
        "recall@1": r1 / n,
        "recall@5": r5 / n,
        "mrr@10": rr / n,
        "p50_ms": statistics.median(ms),
        "p95_ms": ms[int(0.95 * (len(ms) - 1))],
        "p99_ms": ms[int(0.99 * (len(ms) - 1))],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=0, help="only the first N titles (default: all)")
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1, help="for the text analysis")
    args = parser.parse_args()
    setup_django()
    from hotline.knowledge import conf
    from hotline.knowledge.search import analysis
    from hotline.knowledge.search.index import Filters, IndexDoc, MainIndex, Searcher

    titles, replies = load_pairs()
    unique: dict[str, int] = {}
    targets = [unique.setdefault(reply, len(unique) + 1) for reply in replies]
    if args.queries:
        titles, targets = titles[: args.queries], targets[: args.queries]
    real = [IndexDoc(entry_id=i, question="", keywords="", answer=text) for text, i in unique.items()]
    filters = Filters(today=740000)
    max_terms = conf.max_terms_per_entry()
    print(
        f"data: {len(replies)} replies ({len(real)} distinct), {len(titles)} title queries; max terms/entry {max_terms}"
    )

    disjoint = 0
    for title, target_text in zip(titles, (r for r in replies), strict=False):
        query = set(analysis.query_terms(title))
        doc = set(analysis.long_field_terms(target_text))
        disjoint += not (query & doc)
    print(f"titles sharing no indexed term with their reply: {disjoint} ({disjoint / len(titles):.1%})")

    started = time.perf_counter()
    small = Searcher(MainIndex.build(real, max_terms=max_terms), max_terms=max_terms)
    print(f"\n[{len(real)} real entries] built in {time.perf_counter() - started:.1f}s")
    figures = quality(small, titles, targets, analysis, filters)
    print("  " + "  ".join(f"{k} {v:.3f}" for k, v in figures.items()))

    lengths = [max(60, min(len(r), 1200)) for r in replies]
    total_fillers = max(0, args.entries - len(real))
    started = time.perf_counter()
    docs = real + list(fillers(total_fillers, lengths, args.seed, start_id=len(real) + 1))
    generated = time.perf_counter() - started
    started = time.perf_counter()
    main_index = MainIndex.build(docs, max_terms=max_terms, processes=args.processes)
    build = time.perf_counter() - started
    big = Searcher(main_index, max_terms=max_terms)
    print(
        f"\n[{len(docs)} entries: {len(real)} real + {total_fillers} generated] generated in {generated:.0f}s, "
        f"built in {build:.0f}s ({args.processes} processes); {main_index.meta['n_terms']} terms, {len(main_index.post_docs)} postings, "
        f"index {main_index.nbytes / 2**20:.0f} MiB"
    )
    search_once = big.search(analysis.query_terms("预热"), filters)  # warm the analysers' caches
    del search_once
    figures = quality(big, titles, targets, analysis, filters)
    print("  " + "  ".join(f"{k} {v:.3f}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
