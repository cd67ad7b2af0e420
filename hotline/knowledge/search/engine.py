"""The search index of this process, kept in step with the database.

Every change that affects search (an entry published, withdrawn, revised; a synonym group edited) bumps
``IndexState.generation`` in the same transaction and stamps the entry with it; the bump holds the row
lock until commit, so generations become visible in order. Before a search the process reads that one
row: if the generation moved it loads just the entries stamped after the one it has, into the delta.
When the worker has written a newer shared snapshot, the process maps it and catches up from there;
without snapshots (tests, small installations) the process builds its own main part from the database
when the delta grows past ``delta_limit``.

Expiry needs no change at all: entries carry their dates and searches leave out those not in force.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet

from .. import conf
from ..models import Entry, EntryStatus, EntryVersion, IndexState, SynonymGroup, Visibility
from . import analysis
from .index import NO_DATE, Filters, Hit, IndexDoc, MainIndex, Searcher

logger = logging.getLogger(__name__)
STATE_PK = 1
CHUNK = 2000


def bump_generation() -> int:
    """Take the next generation (inside the caller's transaction; the row stays locked until commit)."""
    for _attempt in range(3):
        updated = IndexState.objects.filter(pk=STATE_PK).update(generation=F("generation") + 1)
        if updated:
            return int(IndexState.objects.filter(pk=STATE_PK).values_list("generation", flat=True)[0])
        try:
            with transaction.atomic():
                IndexState.objects.create(pk=STATE_PK, token=secrets.token_hex(8), generation=0)
        except IntegrityError:  # another transaction created it first
            continue
    raise RuntimeError("could not take a knowledge index generation")


def touch(entry: Entry) -> None:
    """Mark ``entry`` changed for search: stamp it with a new generation."""
    entry.index_generation = bump_generation()
    Entry.objects.filter(pk=entry.pk).update(index_generation=entry.index_generation)


def indexable(queryset: QuerySet[Entry]) -> QuerySet[Entry]:
    return queryset.filter(published__isnull=False).exclude(status=EntryStatus.WITHDRAWN)


def index_docs(entries: Iterable[Entry]) -> Iterator[IndexDoc]:
    """The index documents of entries (their published versions), loading units and divisions in chunks."""
    batch: list[Entry] = []
    for entry in entries:
        batch.append(entry)
        if len(batch) >= CHUNK:
            yield from _docs_of(batch)
            batch = []
    if batch:
        yield from _docs_of(batch)


def _docs_of(entries: list[Entry]) -> Iterator[IndexDoc]:
    version_ids = [e.published_id for e in entries if e.published_id]
    units: dict[int, list[int]] = {}
    for vid, uid in EntryVersion.owner_units.through.objects.filter(
        entryversion_id__in=version_ids
    ).values_list("entryversion_id", "unit_id"):
        units.setdefault(vid, []).append(uid)
    divisions: dict[int, list[int]] = {}
    for vid, did in EntryVersion.divisions.through.objects.filter(
        entryversion_id__in=version_ids
    ).values_list("entryversion_id", "division_id"):
        divisions.setdefault(vid, []).append(did)
    for entry in entries:
        version = entry.published
        if version is None or entry.status == EntryStatus.WITHDRAWN:
            continue
        yield IndexDoc(
            entry_id=entry.pk,
            question=version.question,
            keywords=" ".join(filter(None, [version.keywords, version.synonyms])),
            answer=version.answer_text,
            category_id=version.category_id,
            unit_ids=tuple(sorted(units.get(version.pk, ()))),
            division_ids=tuple(sorted(divisions.get(version.pk, ()))),
            public=version.visibility == Visibility.PUBLIC,
            effective=version.effective_from.toordinal() if version.effective_from else NO_DATE,
            expires=version.expires_on.toordinal() if version.expires_on else NO_DATE,
        )


def _live_entries(since: int | None = None) -> Iterator[Entry]:
    queryset = Entry.objects.select_related("published").only(
        "id",
        "status",
        "published",
        "index_generation",
        "published__question",
        "published__keywords",
        "published__synonyms",
        "published__answer_text",
        "published__category_id",
        "published__visibility",
        "published__effective_from",
        "published__expires_on",
    )
    queryset = queryset.filter(index_generation__gt=since) if since is not None else indexable(queryset)
    return queryset.order_by("pk").iterator(chunk_size=CHUNK)


def load_synonyms() -> dict[str, tuple[str, ...]]:
    """Each synonym-group member mapped to the other members (normalised, lower case)."""
    from hotline.text.normalize import normalize

    mapping: dict[str, set[str]] = {}
    for group in SynonymGroup.objects.filter(active=True).only("terms"):
        members = {normalize(t).lower() for t in group.term_list}
        for member in members:
            mapping.setdefault(member, set()).update(members - {member})
    return {k: tuple(sorted(v)) for k, v in mapping.items() if v}


class Engine:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.searcher: Searcher | None = None
        self.token = ""
        self.generation = 0
        self.snapshot = ""
        self.synonyms: dict[str, tuple[str, ...]] = {}
        self._checked_at = 0.0
        self._unreadable = ""

    def reset(self) -> None:
        with self._lock:
            self.searcher = None
            self.token = ""
            self.generation = 0
            self.snapshot = ""
            self.synonyms = {}

    def current(self) -> Searcher:
        self.refresh()
        assert self.searcher is not None
        return self.searcher

    def refresh(self) -> None:
        interval = conf.refresh_seconds()
        if self.searcher is not None and interval and time.monotonic() - self._checked_at < interval:
            return
        state = IndexState.objects.filter(pk=STATE_PK).values("token", "generation", "snapshot_name").first()
        token = state["token"] if state else ""
        generation = int(state["generation"]) if state else 0
        snapshot = state["snapshot_name"] if state else ""
        with self._lock:
            self._checked_at = time.monotonic()
            if self.searcher is None or token != self.token or generation < self.generation:
                self._rebuild(token, generation, snapshot)
            elif snapshot and snapshot != self.snapshot and self._load_snapshot(snapshot):
                pass
            elif generation > self.generation:
                self._catch_up(generation)
            if (
                self.searcher is not None
                and len(self.searcher.delta) > conf.delta_limit()
                and conf.snapshot_dir() is None
            ):
                # with snapshots the worker writes a fresh one once the deltas grow; without, rebuild here
                self._rebuild(token, generation, "")

    def _rebuild(self, token: str, generation: int, snapshot: str) -> None:
        self.token = token
        if snapshot and self._load_snapshot(snapshot):
            return
        started = time.monotonic()
        self.generation = generation
        self.searcher = Searcher(
            MainIndex.build(
                index_docs(_live_entries()), max_terms=conf.max_terms_per_entry(), generation=generation
            ),
            max_terms=conf.max_terms_per_entry(),
        )
        self.synonyms = load_synonyms()
        self.snapshot = ""
        logger.info(
            "knowledge index built: %s entries in %.2fs", self.searcher.size, time.monotonic() - started
        )

    def _load_snapshot(self, name: str) -> bool:
        directory = conf.snapshot_dir()
        if directory is None or name == self._unreadable:
            return False
        path = directory / name
        try:
            main = MainIndex.load(path)
        except (OSError, ValueError, KeyError):
            logger.warning("knowledge index snapshot %s cannot be read; building in process", path)
            self._unreadable = name
            return False
        self.searcher = Searcher(main, max_terms=conf.max_terms_per_entry())
        self.generation = main.generation
        self.snapshot = name
        self._catch_up(None)
        return True

    def _catch_up(self, generation: int | None) -> None:
        assert self.searcher is not None
        since = self.generation
        changed = list(_live_entries(since=since))
        docs = {doc.entry_id: doc for doc in index_docs(changed)}
        for entry in changed:
            doc = docs.get(entry.pk)
            if doc is not None:
                self.searcher.put(doc)
            else:
                self.searcher.remove(entry.pk)
        newest = max([since, *(entry.index_generation for entry in changed)])
        self.generation = max(newest, generation or 0)
        self.synonyms = load_synonyms()

    def search(self, query: str, filters: Filters, *, limit: int = 10) -> tuple[list[Hit], dict[str, float]]:
        searcher = self.current()
        terms = analysis.query_terms(query, self.synonyms)
        return searcher.search(terms, filters, limit=limit), terms


engine = Engine()


def write_snapshot() -> Path | None:
    """Build the main part from the database and save it where web processes map it; record it in
    ``IndexState`` so they switch to it. Returns the path, or None when snapshots are disabled."""
    directory = conf.snapshot_dir()
    if directory is None:
        return None
    state = IndexState.objects.filter(pk=STATE_PK).values("generation").first()
    generation = int(state["generation"]) if state else 0
    if state is None:
        with transaction.atomic():
            generation = bump_generation()
    main = MainIndex.build(
        index_docs(_live_entries()), max_terms=conf.max_terms_per_entry(), generation=generation
    )
    name = f"index-{generation}-{secrets.token_hex(4)}"
    directory.mkdir(parents=True, exist_ok=True)
    main.save(directory / name)
    IndexState.objects.filter(pk=STATE_PK).update(snapshot_name=name, snapshot_generation=generation)
    _prune_snapshots(directory, keep=name)
    return directory / name


def _prune_snapshots(directory: Path, *, keep: str) -> None:
    """Remove older snapshots, keeping the newest two (a process may still be mapping the previous one;
    on POSIX a mapped file stays readable after it is unlinked)."""
    import shutil

    snapshots = sorted(
        (
            p
            for p in directory.iterdir()
            if p.is_dir() and p.name.startswith("index-") and not p.name.endswith(".tmp")
        ),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in snapshots[2:]:
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)


def snapshot_lag() -> int:
    """Generations since the last snapshot (how large every process's delta is)."""
    state = IndexState.objects.filter(pk=STATE_PK).values("generation", "snapshot_generation").first()
    if state is None:
        return 0
    return int(state["generation"]) - int(state["snapshot_generation"])
