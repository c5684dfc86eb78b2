"""The dashboard as plain text: what ``jiaoyan dashboard`` prints for a cron mail.

``plain`` keeps to ASCII pictures (``#``, ``|``, ``.``) so that any mail client shows them;
otherwise the terminal's block characters are used. No colour either way: the
symbols (✔ ○ ▼ or ok / - / !) carry the meaning, and a legend line says what they are.
Every line fits in 80 cells (Chinese counts two): long names are cut with ``~``, a
long theme or attention line wraps onto an indented next line.
"""

from __future__ import annotations

import unicodedata

from models.dashboard import Dashboard, quota_bar, sparkline
from models.i18n import t

ASCII_MARKERS = {"✔": "ok", "○": "-", "▼": "!"}
WIDTH = 80  # a mail read in a terminal, or printed: every line fits in 80 cells
GAP = "  "


def cell_width(ch: str) -> int:
    """Cells a character takes in a terminal: two for Chinese (wide and full-width), one else."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _width(text: str) -> int:
    return sum(cell_width(ch) for ch in text)


def pad(text: str, width: int, *, cut: str = "") -> str:
    """Pad to ``width`` terminal cells (Chinese is two cells); what is longer is cut,
    ending with ``cut`` so a reader sees that something was left out."""
    if _width(text) <= width:
        return text + " " * (width - _width(text))
    room = width - _width(cut)
    out, used = "", 0
    for ch in text:
        w = cell_width(ch)
        if used + w > room:
            break
        out += ch
        used += w
    out += cut
    return out + " " * (width - used - _width(cut))


def wrap(text: str, width: int = WIDTH, indent: int = 0) -> list[str]:
    """Break ``text`` into lines of at most ``width`` cells, at spaces where it can and
    anywhere in Chinese; continuation lines start with ``indent`` spaces."""
    lines: list[str] = []
    line, used = "", 0
    limit = width
    for word in _pieces(text):
        w = _width(word)
        if used + w > limit and line.strip():
            lines.append(line.rstrip())
            line, used, limit = " " * indent, indent, width
            word = word.lstrip(" ")
            w = _width(word)
        while used + w > limit:  # a single piece longer than the line: cut it cell by cell
            head = pad(word, limit - used).rstrip(" ")
            cut_at = len(head)
            if cut_at == 0:
                break
            lines.append((line + word[:cut_at]).rstrip())
            word = word[cut_at:]
            line, used, limit = " " * indent, indent, width
            w = _width(word)
        line += word
        used += w
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _pieces(text: str) -> list[str]:
    """Words with their leading space, and each Chinese character on its own."""
    pieces: list[str] = []
    current = ""
    for ch in text:
        if ch == " ":
            if current and not current.isspace():
                pieces.append(current)
                current = ""
            current += ch
        elif cell_width(ch) == 2:
            if current:
                pieces.append(current)
            pieces.append(ch)
            current = ""
        else:
            current += ch
    if current:
        pieces.append(current)
    return pieces


def table(columns: list[tuple[str, int]], rows: list[list[str]], *, cut: str) -> list[str]:
    """Columns as wide as their widest cell, each at most its given cells (longer ones are
    cut); the last column takes what is left of the 80 and wraps under itself when
    longer, so nothing is lost and nothing passes the edge."""
    everything = [[header for header, _ in columns], *rows]
    fixed = [(header, min(most, max(_width(row[i]) for row in everything)))
             for i, (header, most) in enumerate(columns[:-1])]
    last = max(6, _width(columns[-1][0]))
    gap = GAP
    if sum(width for _, width in fixed) + len(gap) * len(fixed) + last > WIDTH:
        gap = " "  # long headers (English): one space between columns still reads
    start = sum(width for _, width in fixed) + len(gap) * len(fixed)
    rest = max(last, WIDTH - start)
    lines = []
    for row in everything:
        head = gap.join(pad(cell, width, cut=cut) for cell, (_, width) in zip(row, fixed, strict=False))
        tail = wrap(row[-1], rest)
        lines.append((head + gap + tail[0]).rstrip())
        lines.extend((" " * start + more).rstrip() for more in tail[1:])
    return lines




def top_line_text(dash: Dashboard) -> str:
    top = dash.top
    if top.week <= 0:  # a term that has not begun: no "第0周"
        days = max(0, top.days_left - (dash.term.end_date - dash.term.start_date).days)
        line = t("dashboard.top_line_before", term=top.term_name, weeks=top.weeks, days=days)
    else:
        line = t("dashboard.top_line", term=top.term_name, week=top.week, weeks=top.weeks, days=top.days_left)
    if top.archived:
        line += " · " + t("dashboard.archived")
    return line


def render_text(dash: Dashboard, names: dict[int, str], *, plain: bool = False) -> str:
    """The dashboard for a mail: every line at most 80 cells, no colour. The symbols carry
    the meaning and a legend says what they mean; ``plain`` keeps the pictures ASCII."""
    cut = "~" if plain else "…"
    out: list[str] = []

    def say(text: str, indent: int = 0) -> None:
        out.extend(wrap(text, WIDTH, indent))

    say(top_line_text(dash))
    if plain:  # the figures themselves: digits of a scaled sparkline would read as counts
        say(t("dashboard.sparkline_label") + " " + " ".join(str(v) for v in dash.weekly_held), indent=2)
    else:
        say(t("dashboard.sparkline_label") + " " + sparkline(dash.weekly_held))
    say(t("dashboard.this_week", count=len(dash.top.this_week)))
    for a in dash.top.this_week:
        say(f"  {a.date} {a.topic or a.event}", indent=13)
    out.append("")
    out.append("== " + t("dashboard.tab.groups") + " ==")
    group_rows = []
    for g in dash.groups:
        rate = "-" if g.attendance_rate is None else f"{g.attendance_rate:.0%}"
        group_rows.append([g.group.name, f"{g.held}/{g.planned_so_far}", str(g.cancelled), rate,
                           f"{g.speakers}/{g.members}", g.theme or t("dashboard.theme_missing")])
    out.extend(table([(t("dashboard.col.group"), 16), (t("dashboard.col.held_planned"), 9),
                      (t("dashboard.col.cancelled"), 9), (t("dashboard.col.attendance"), 10),
                      (t("dashboard.col.speakers"), 8), (t("dashboard.col.theme"), 0)], group_rows, cut=cut))
    out.append("")
    out.append("== " + t("dashboard.tab.teachers") + " ==")
    say(t("dashboard.plain.legend" if plain else "dashboard.text.legend"), indent=2)
    yes, no = ("Y", "-") if plain else ("✔", "·")
    teacher_rows = []
    for f in dash.teachers:
        marker = ASCII_MARKERS[f.pace_marker] if plain else f.pace_marker
        bar = quota_bar(f.given, f.quota, f.expected, ascii_only=plain)
        teacher_rows.append([f.teacher.name, f"{f.given}/{f.quota}", f"{bar} {marker}", str(f.received),
                             yes if f.research_lesson_done else no, yes if f.talk_done else no,
                             str(f.outcomes), f"{f.points:g}"])
    out.extend(table([(t("dashboard.col.teacher"), 14), (t("dashboard.col.given_quota"), 8),
                      (t("dashboard.col.bar"), 13), (t("dashboard.col.received"), 7),
                      (t("dashboard.col.research"), 8), (t("dashboard.col.talk"), 5),
                      (t("dashboard.col.outcomes"), 8), (t("dashboard.col.points"), 0)], teacher_rows, cut=cut))
    out.append("")
    out.append("== " + t("dashboard.tab.attention") + " ==")
    for line in attention_lines(dash, names):
        say("  " + line[1], indent=4)
    if not dash.attention.count():
        say("  " + t("dashboard.attention_none"))
    return "\n".join(out) + "\n"


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
    groups = {g.group.id: g.group.name for g in dash.groups}
    for a in att.activities_not_closed:
        out.append(("not_held", t("dashboard.att.not_held", what=_activity_name(a, groups), day=_short_day(a.date)),
                    a.id))
    for a in att.minutes_missing:
        days = (dash.as_of - _day(a.date)).days
        out.append(("minutes", t("dashboard.att.minutes", what=_activity_name(a, groups), day=_short_day(a.date),
                                 days=days), a.id))
    for a, teacher_id in att.leave_asked:
        # the record id of a leave line is the activity's; the teacher is named in the line
        out.append(("leave", t("dashboard.att.leave", name=names.get(teacher_id, "?"), what=_activity_name(a, groups),
                                day=_short_day(a.date)), a.id))
    # Documents owed (issue 17): one line per document when one of a kind is owed, else one
    # line per kind and state naming the first few; the record id is the group's index in
    # ``attention.documents_due``, so the screen can open the one document or the list.
    for index, dues in enumerate(att.documents_due):
        if len(dues) == 1:
            from models.documents import due_line_text

            out.append(("due", due_line_text(dues[0], dash.as_of), index))
            continue
        first = dues[0]
        owners = list(dict.fromkeys(  # a teacher with two lessons is named once
            (groups.get(d.group_id) if d.group_id else None) or names.get(d.teacher_id, "?") for d in dues))
        shown = "、".join(owners[:DUE_NAMES]) + (t("dashboard.att.due_others") if len(owners) > DUE_NAMES else "")
        state = "overdue" if first.status(dash.as_of) == "overdue" else "soon"
        out.append(("due", t(f"dashboard.att.due_{state}", kind=first.kind, count=len(dues), who=shown), index))
    # Requirements by role (issue 18): a line per teacher behind, or, when more than a few
    # are behind on the same requirement, one line for it naming the first few.
    by_requirement: dict[tuple, list] = {}
    for f, r in att.requirements_behind:
        by_requirement.setdefault((r.kind, r.what, r.role), []).append((f, r))
    for behind in by_requirement.values():
        if len(behind) <= DUE_NAMES:
            for f, r in behind:
                out.append(("requirement", t("dashboard.att.requirement", name=f.teacher.name,
                                             what=requirement_label(r), done=r.done, expected=r.expected,
                                             due=r.due), f.teacher.id))
            continue
        shown = "、".join(f.teacher.name for f, _ in behind[:DUE_NAMES]) + t("dashboard.att.due_others")
        first = behind[0][1]
        out.append(("requirement", t("dashboard.att.requirements", what=requirement_label(first),
                                     count=len(behind), who=shown, due=first.due), behind[0][0].teacher.id))
    for training in att.reports_owed:
        out.append(("report_owed", t("dashboard.att.report_owed", name=names.get(training.teacher_id, "?"),
                                     title=training.title, what=training.report_back), training.teacher_id))
    for project, stage in att.stages_overdue:
        out.append(("stage", t("dashboard.att.stage", title=project.title, stage=stage.get("name", ""),
                                day=stage.get("date", "")), project.id))
    return out


DUE_NAMES = 2  # owners named on a line that gathers several documents of a kind


def requirement_label(r) -> str:
    """``教学随笔`` / ``示范课（骨干教师）``: what a requirement counts, and for which role."""
    return r.what + (f"（{r.role}）" if r.role else "")


def _day(iso: str):
    import datetime as dt

    return dt.date.fromisoformat(iso)


def _short_day(iso: str) -> str:
    """``11-06 周四``."""
    day = _day(iso)
    return f"{day.month:02}-{day.day:02} {t(f'weekday.{day.weekday()}')}"


def _activity_name(activity, groups: dict[int, str]) -> str:
    return groups.get(activity.group_id) or activity.event or activity.topic or t("calendar.school_wide")
