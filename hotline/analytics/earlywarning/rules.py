"""The statistical rules of early warning, as pure functions over daily counts.

Counts are the orders received per day for one category × district (or one category citywide). The
baseline is *seasonal*: the same weekday in each of the previous ``BASELINE_WEEKS`` weeks (weekly
seasonality), plus — once the deployment has a year of history — the same weekday in the three weeks
around the same date one year earlier (364 ± 7 days: yearly seasonality, the heating season, the rainy
season, school enrolment).

- Sudden spike (突发性), on a day *d*: the day's count *x* against the baseline days' mean μ and sample
  standard deviation *s*. Fires when ``x > μ + 3·max(s, √μ, 0.5)`` and ``x ≥ SUDDEN_MIN``. The √μ floor
  is the Poisson spread, so a quiet series with a few orders does not fire on noise; ``SUDDEN_MIN`` keeps
  a jump from 0 to 2 from counting as a spike.
- Emerging problem (苗头性): the last three days' total *x* against the same three-day windows of the
  baseline, mean λ. Fires when the problem was rare (λ < 1), ``x ≥ EMERGING_MIN``, and the Poisson tail
  ``P(X ≥ x | λ') < 0.001`` with λ' = max(λ, 0.1): something that hardly happened before now happens
  repeatedly.
- Rising trend (趋势性): the totals of the last six 7-day windows *w1 … w6*. Fires when Kendall's τ of
  (week, count) is positive with one-sided p < 0.05, ``w6 ≥ TREND_MIN`` and ``w6 ≥ 1.5 × mean(w1, w2,
  w3)``. With a year of history, the same six weeks of last year must not have risen as much (this
  year's rise must be at least 1.25 × last year's ratio): a seasonal rise that happens every year is not
  a warning.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

from scipy import stats

BASELINE_WEEKS = 8
SUDDEN_MIN = 5
EMERGING_MIN = 3
EMERGING_P = 0.001
TREND_WEEKS = 6
TREND_MIN = 10
TREND_P = 0.05
TREND_RATIO = 1.5
SEASONAL_MARGIN = 1.25
YEAR = 364

Counts = Callable[[dt.date], int]  # the count of a day (0 when none)


@dataclass(frozen=True)
class Finding:
    kind: str  # sudden / emerging / trend
    start: dt.date
    end: dt.date
    observed: float
    expected: float
    threshold: float
    details: dict[str, object]


def _window(counts: Counts, end: dt.date, days: int) -> int:
    return sum(counts(end - dt.timedelta(days=i)) for i in range(days))


def baseline_ends(day: dt.date, *, seasonal: bool) -> list[dt.date]:
    """The days whose windows form the baseline of ``day``."""
    ends = [day - dt.timedelta(weeks=j) for j in range(1, BASELINE_WEEKS + 1)]
    if seasonal:
        ends += [day - dt.timedelta(days=YEAR + 7 * i) for i in (-1, 0, 1)]
    return ends


def _mean_sd(values: list[int]) -> tuple[float, float]:
    mean = sum(values) / len(values)
    if len(values) < 2:
        return mean, 0.0
    return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))


def sudden(counts: Counts, day: dt.date, *, seasonal: bool) -> Finding | None:
    x = counts(day)
    if x < SUDDEN_MIN:
        return None
    base = [counts(end) for end in baseline_ends(day, seasonal=seasonal)]
    mean, sd = _mean_sd(base)
    threshold = mean + 3 * max(sd, math.sqrt(mean), 0.5)
    if x <= threshold:
        return None
    return Finding(
        "sudden", day, day, x, round(mean, 2), round(threshold, 2), {"sd": round(sd, 2), "baseline": base}
    )


def emerging(counts: Counts, day: dt.date, *, seasonal: bool) -> Finding | None:
    x = _window(counts, day, 3)
    if x < EMERGING_MIN:
        return None
    base = [_window(counts, end, 3) for end in baseline_ends(day, seasonal=seasonal)]
    mean, _ = _mean_sd(base)
    if mean >= 1:
        return None
    rate = max(mean, 0.1)
    p = float(stats.poisson.sf(x - 1, rate))
    if p >= EMERGING_P:
        return None
    threshold = float(stats.poisson.isf(EMERGING_P, rate)) + 1
    return Finding(
        "emerging", day - dt.timedelta(days=2), day, x, round(mean, 2), threshold, {"p": p, "baseline": base}
    )


def _weeks(counts: Counts, day: dt.date) -> list[int]:
    return [_window(counts, day - dt.timedelta(weeks=TREND_WEEKS - 1 - i), 7) for i in range(TREND_WEEKS)]


def trend(counts: Counts, day: dt.date, *, seasonal: bool) -> Finding | None:
    weeks = _weeks(counts, day)
    last = weeks[-1]
    early = sum(weeks[:3]) / 3
    if last < TREND_MIN or last < TREND_RATIO * max(early, 1e-9):
        return None
    tau, p = stats.kendalltau(range(TREND_WEEKS), weeks, alternative="greater")
    if not (tau > 0 and p < TREND_P):
        return None
    details: dict[str, object] = {"weeks": weeks, "tau": round(float(tau), 3), "p": round(float(p), 4)}
    ratio = last / max(early, 0.5)
    if seasonal:
        before = _weeks(counts, day - dt.timedelta(days=YEAR))
        before_ratio = before[-1] / max(sum(before[:3]) / 3, 0.5)
        details["last_year_weeks"] = before
        if ratio < SEASONAL_MARGIN * before_ratio and before[-1] >= TREND_MIN / 2:
            return None
    return Finding(
        "trend",
        day - dt.timedelta(weeks=TREND_WEEKS) + dt.timedelta(days=1),
        day,
        last,
        round(early, 2),
        round(TREND_RATIO * early, 2),
        details,
    )


RULES = (sudden, emerging, trend)
