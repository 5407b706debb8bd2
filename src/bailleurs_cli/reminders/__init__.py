"""Reminders: the digest and its mail, cron, the calendar, recurring reminders."""
