"""The heat index (热度指数) that ranks hot issues.

    heat = 2·ln(1 + C) + 0.5·ln(1 + R) + 0.5·ln(1 + L) + G

- C, distinct callers: how many people raise the issue (a phone, a message board's user; an anonymous
  caller counts once per order). It weighs the most: a hot issue is shared by many.
- R, repeats: orders beyond the first of each caller (N − C). Insistence counts, but less than breadth.
- L, supports: the likes (点赞) the orders had on channels that have them (message boards).
- G, growth: how much faster the issue came in during the last quarter of the window than over the whole
  window, ``log2((r + 1) / (e + 1))`` clamped to [0, 2], where r is the number of orders in the last
  quarter and e = N / 4 the number expected there at an even pace.

Volume (N = C + R) enters through C and R. Logarithms keep one very large issue from hiding the rest,
and an issue raised by a single caller is not a hot issue at all (it is a repeat complaint, which
supervision handles), so detection keeps groups with at least two callers.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

RECENT_SHARE = 0.25
MIN_CALLERS = 2


@dataclass(frozen=True)
class Heat:
    orders: int
    callers: int
    repeats: int
    supports: int
    recent: int
    growth: float
    score: float


def heat(
    *,
    times: Sequence[dt.datetime],
    callers: Sequence[str],
    likes: Sequence[int],
    since: dt.datetime,
    until: dt.datetime,
) -> Heat:
    n = len(times)
    distinct = len(set(callers))
    repeats = n - distinct
    supports = sum(likes)
    recent_from = until - (until - since) * RECENT_SHARE
    recent = sum(1 for at in times if at >= recent_from)
    expected = n * RECENT_SHARE
    growth = min(2.0, max(0.0, math.log2((recent + 1) / (expected + 1))))
    score = 2 * math.log1p(distinct) + 0.5 * math.log1p(repeats) + 0.5 * math.log1p(supports) + growth
    return Heat(n, distinct, repeats, supports, recent, round(growth, 3), round(score, 3))
