"""听课 observations area: the log, the quick-entry form, filters and the record page."""
