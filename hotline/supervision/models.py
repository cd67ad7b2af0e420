"""Supervision (督办): triggers, reminders, notices and escalation."""
