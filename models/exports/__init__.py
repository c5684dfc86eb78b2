"""Every file jiaoyan writes: CSV/XLSX (one writer, one formula guard), Word, .ics, reports."""
