"""The staff web UI: one workbench per role."""
