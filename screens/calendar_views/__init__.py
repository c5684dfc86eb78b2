"""The calendar's three views (month, week, agenda) and what they share."""
