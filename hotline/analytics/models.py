"""Analysis and decision support (分析研判): dashboards, hot issues, early warning."""
