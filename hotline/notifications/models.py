"""In-app notifications to staff (supervision notices, review reminders, early warnings)."""
