"""Callback (回访): surveys of callers and their satisfaction."""
