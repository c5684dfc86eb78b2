"""师徒 mentoring area: pairings, meetings, evaluations and the pairing page."""
