"""Hot-issue detection (热点): text signatures, place resolution, grouping and the heat index."""
