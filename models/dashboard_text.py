"""The dashboard as plain text: what ``jiaoyan dashboard`` prints for a cron mail.

``plain`` keeps to ASCII pictures (``#``, ``|``, ``.``) so that any mail client shows them;
otherwise the terminal's block characters are used. No colour either way: the
symbols (✔ ○ ▼ or ok / - / !) carry the meaning.
"""

from __future__ import annotations

from models.dashboard import Dashboard, quota_bar, sparkline
from models.i18n import t

ASCII_MARKERS = {"✔": "ok", "○": "-", "▼": "!"}


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """Pad to ``width`` terminal cells (Chinese is two cells), cutting what is longer."""
    out, used = "", 0
    for ch in text:
        w = 2 if ord(ch) > 0x2E7F else 1
        if used + w > width:
            break
        out += ch
        used += w
    return out + " " * (width - used)


def ascii_sparkline(values: list[int]) -> str:
    top = max(values, default=0)
    digits = "0123456789"
    return "".join(digits[0] if top <= 0 else digits[round(v / top * 9)] for v in values)


def top_line_text(dash: Dashboard) -> str:
    top = dash.top
    line = t("dashboard.top_line", term=top.term_name, week=top.week, weeks=top.weeks, days=top.days_left)
    if top.archived:
        line += " · " + t("dashboard.archived")
    return line


def render_text(dash: Dashboard, names: dict[int, str], *, plain: bool = False) -> str:
    lines = [top_line_text(dash)]
    spark = ascii_sparkline(dash.weekly_held) if plain else sparkline(dash.weekly_held)
    lines.append(t("dashboard.sparkline_label") + " " + spark)
    lines.append(t("dashboard.this_week", count=len(dash.top.this_week)))
    for a in dash.top.this_week:
        lines.append(f"  {a.date} {a.topic or a.event}")
    lines.append("")
    lines.append("== " + t("dashboard.tab.groups") + " ==")
    lines.append(pad(t("dashboard.col.group"), 20) + pad(t("dashboard.col.held_planned"), 12)
                 + pad(t("dashboard.col.cancelled"), 6) + pad(t("dashboard.col.attendance"), 8)
                 + pad(t("dashboard.col.speakers"), 8) + t("dashboard.col.theme"))
    for g in dash.groups:
        rate = "—" if g.attendance_rate is None else f"{g.attendance_rate:.0%}"
        lines.append(pad(g.group.name, 20) + pad(f"{g.held}/{g.planned_so_far}", 12) + pad(str(g.cancelled), 6)
                     + pad(rate, 8) + pad(f"{g.speakers}/{g.members}", 8) + (g.theme or t("dashboard.theme_missing")))
    lines.append("")
    lines.append("== " + t("dashboard.tab.teachers") + " ==")
    lines.append(pad(t("dashboard.col.teacher"), 16) + pad(t("dashboard.col.given_quota"), 10)
                 + pad(t("dashboard.col.bar"), 13) + pad(t("dashboard.col.received"), 6)
                 + pad(t("dashboard.col.research"), 8) + pad(t("dashboard.col.talk"), 8)
                 + t("dashboard.col.points"))
    for f in dash.teachers:
        marker = ASCII_MARKERS[f.pace_marker] if plain else f.pace_marker
        bar = quota_bar(f.given, f.quota, f.expected, ascii_only=plain)
        yes, no = ("Y", "-") if plain else ("✔", "·")
        lines.append(pad(f.teacher.name, 16) + pad(f"{f.given}/{f.quota}", 10) + pad(f"{bar} {marker}", 13)
                     + pad(str(f.received), 6) + pad(yes if f.research_lesson_done else no, 8)
                     + pad(yes if f.talk_done else no, 8) + f"{f.points:g}")
    lines.append("")
    lines.append("== " + t("dashboard.tab.attention") + " ==")
    for line in attention_lines(dash, names):
        lines.append("  " + line[1])
    if not dash.attention.count():
        lines.append("  " + t("dashboard.attention_none"))
    return "\n".join(lines) + "\n"


def attention_lines(dash: Dashboard, names: dict[int, str]) -> list[tuple[str, str, int]]:
    """(kind, text, record id) for each line of the attention lists, in order."""
    att = dash.attention
    out = []
    for f in att.behind_pace:
        out.append(("behind", t("dashboard.att.behind", name=f.teacher.name, given=f.given, expected=f.expected,
                                quota=f.quota), f.teacher.id))
    for f in att.not_observed:
        out.append(("not_observed", t("dashboard.att.not_observed", name=f.teacher.name), f.teacher.id))
    for f in att.demo_missing:
        out.append(("demo", t("dashboard.att.demo", name=f.teacher.name), f.teacher.id))
    for p in att.pairings_behind:
        out.append(("pairing", t("dashboard.att.pairing", mentor=names.get(p.pairing.mentor_id, "?"),
                                 mentee=names.get(p.pairing.mentee_id, "?"), meetings=p.meetings,
                                 expected=p.expected), p.pairing.id))
    for g in att.groups_without_theme:
        out.append(("theme", t("dashboard.att.theme", group=g.name), g.id))
    return out
