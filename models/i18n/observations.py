"""Messages of the 听课 area."""

MESSAGES = {
    "observations.none": ("本学期还没有听课记录。", "No observations this term yet."),
    "observations.term_total": ("本学期全校共有 {count} 条听课记录。", "{count} observations this term."),
    "observations.mine": ("本学期你已听 {count}/{quota} 节。", "You have observed {count}/{quota} lessons this term."),
}
