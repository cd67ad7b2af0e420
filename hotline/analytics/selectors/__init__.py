"""Reads of the analysis app: hot issues (热点), the dashboards' figures and the orders behind them.

``hot_issues`` is the contract other apps rely on (briefings include them)."""

from __future__ import annotations

from ..hotspots.detect import HotIssue, hot_issues

__all__ = ["HotIssue", "hot_issues"]
