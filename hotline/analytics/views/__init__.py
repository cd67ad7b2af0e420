"""The analysis app's staff pages: dashboards, drill-downs and exports, hot issues, monthly themes and
early warnings. Center roles and leaders only."""
