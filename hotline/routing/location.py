"""Where a request is about: addresses and place names in the text resolved to divisions.

Two sources, most specific first:
- the deployment's own names: its divisions (and their aliases) and the gazetteer (``Place``: roads,
  estates, landmarks), found with an Aho-Corasick automaton over the normalised text;
- national addresses (省/市/区县) recognised by ``cpca``, whose administrative codes map to the
  deployment's divisions by code (12-digit division codes start with the 6-digit adcode).

The automaton is built once per process and rebuilt when the gazetteer or divisions change (checked
through the reference cache, so other processes follow within a minute).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import ahocorasick

from hotline.core import refcache
from hotline.directory.models import Division
from hotline.text.normalize import normalize


@dataclass(frozen=True)
class LocationMatch:
    division_id: int
    division_name: str
    level: int
    matched: str  # the words of the text that named it
    source: str  # "division", "place" or "address"


@dataclass(frozen=True)
class _Names:
    stamp: tuple[Any, ...]
    automaton: Any  # ahocorasick.Automaton
    divisions: dict[int, tuple[str, int, str]]  # id -> (name, level, path)


_lock = threading.Lock()
_names: _Names | None = None


def _stamp() -> tuple[Any, ...]:
    from django.db.models import Count, Max

    from .models import Place

    def load() -> tuple[Any, ...]:
        places = Place.objects.aggregate(n=Count("pk"), m=Max("pk"))
        divisions = Division.objects.aggregate(n=Count("pk"), m=Max("pk"))
        return (places["n"], places["m"], divisions["n"], divisions["m"], _generation)

    return refcache.cached("routing:location_stamp", load)


_generation = 0


def invalidate() -> None:
    """Forget the names of this process (the services call it after changing the gazetteer)."""
    global _generation, _names
    with _lock:
        _generation += 1
        _names = None
    refcache.invalidate()


def _build(stamp: tuple[Any, ...]) -> _Names:
    from .models import Place

    automaton = ahocorasick.Automaton()
    entries: dict[str, list[tuple[int, str]]] = {}

    def add(name: str, division_id: int, source: str) -> None:
        key = normalize(name)
        if len(key) >= 2:
            entries.setdefault(key, []).append((division_id, source))

    divisions: dict[int, tuple[str, int, str]] = {}
    for pk, name, level, path, aliases in Division.objects.values_list(
        "pk", "name", "level", "path", "aliases"
    ):
        divisions[pk] = (name, level, path)
        add(name, pk, "division")
        for alias in aliases.replace("，", ",").split(","):
            if alias.strip():
                add(alias.strip(), pk, "division")
        # 东湖街道 is also called 东湖街 or 东湖; 幸福里社区 幸福里: the bare name with its suffix dropped.
        for suffix in ("街道办事处", "街道", "社区居委会", "社区", "村委会"):
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                add(name[: -len(suffix)] + ("街" if suffix.startswith("街道") else ""), pk, "division")
                break
    for place in Place.objects.filter(active=True).only("name", "aliases", "division_id"):
        for name in place.names():
            add(name, place.division_id, "place")
    for key, value in entries.items():
        automaton.add_word(key, (key, tuple(value)))
    if entries:
        automaton.make_automaton()
    return _Names(stamp, automaton if entries else None, divisions)


def _current() -> _Names:
    global _names
    stamp = _stamp()
    names = _names
    if names is None or names.stamp != stamp:
        with _lock:
            if _names is None or _names.stamp != stamp:
                _names = _build(stamp)
            names = _names
    return names


def resolve(text: str, *, limit: int = 5) -> list[LocationMatch]:
    """The divisions ``text`` names, most specific first (deepest level, then longest words, then first
    mentioned). A gazetteer place counts at its division's level, one below the division itself."""
    text = normalize(text)
    if not text:
        return []
    names = _current()
    found: dict[int, tuple[tuple[int, int, int], LocationMatch]] = {}
    if names.automaton is not None:
        for end, (key, targets) in names.automaton.iter_long(text):
            start = end - len(key) + 1
            for division_id, source in targets:
                name, level, _path = names.divisions[division_id]
                rank = (level + (1 if source == "place" else 0), len(key), -start)
                match = LocationMatch(division_id, name, level, key, source)
                if division_id not in found or found[division_id][0] < rank:
                    found[division_id] = (rank, match)
    for match in _national(text, names):
        rank = (match.level, len(match.matched), 0)
        if match.division_id not in found:
            found[match.division_id] = (rank, match)
    ordered = sorted(found.values(), key=lambda item: item[0], reverse=True)
    return [match for _, match in _drop_ancestors(ordered, names)][:limit]


def _drop_ancestors(
    ordered: list[tuple[tuple[int, int, int], LocationMatch]], names: _Names
) -> list[tuple[tuple[int, int, int], LocationMatch]]:
    """Keep 东湖街道 and drop 东湖区 when both are named: the finer one says more."""
    paths = [names.divisions[m.division_id][2] for _, m in ordered if m.division_id in names.divisions]
    kept = []
    for item in ordered:
        info = names.divisions.get(item[1].division_id)
        path = info[2] if info else ""
        if path and any(other != path and other.startswith(path) for other in paths):
            continue
        kept.append(item)
    return kept


def _national(text: str, names: _Names) -> list[LocationMatch]:
    """Province, city and county named in the text, by the national address library, mapped to the
    deployment's divisions by their administrative code."""
    import cpca

    frame = cpca.transform([text])
    adcode = frame.iloc[0]["adcode"] if len(frame) else None
    if not adcode:
        return []
    adcode = str(adcode)[:6]
    # The county, else the city, else the province that the address library recognised.
    for prefix, level in ((adcode, 3), (adcode[:4] + "00", 2), (adcode[:2] + "0000", 1)):
        code = prefix.ljust(12, "0")
        division = Division.objects.filter(code=code).values_list("pk", "name", "level").first()
        if division is not None:
            matched = next(
                (
                    str(frame.iloc[0][col])
                    for col in ("区", "市", "省")
                    if frame.iloc[0][col] and str(frame.iloc[0][col])[:2] in text
                ),
                division[1],
            )
            return [LocationMatch(division[0], division[1], division[2], matched, "address")]
        if level == 1:
            break
    return []


def best_division(text: str) -> LocationMatch | None:
    matches = resolve(text, limit=1)
    return matches[0] if matches else None
