"""Messages of the 师徒 area."""

MESSAGES = {
    "mentoring.from_term": ("起始学期", "From term"),
    "pairing.active": ("进行中", "active"),
    "pairing.ended": ("已结束", "ended"),
}
