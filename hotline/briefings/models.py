"""Briefings (简报): weekly, ten-day and monthly documents for leaders."""
