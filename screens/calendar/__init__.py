"""日历 calendar area: month, week and agenda views, the day, the activity form, attendance, terms."""
