"""教研活动记录表: one A4 page per activity, as schools bind them, and a group's term binder.

:func:`activity_record_docx` is ``jiaoyan report activity ID``: the record of one
activity with every field (时间 and 节次, 地点, 组别, 主持人, 中心发言人, 记录人,
应到 / 实到, the names of those on leave and absent, 主题, 活动过程 = the minutes,
小结) and lines for the leader's and the office's signatures.

:func:`group_binder_docx` is ``jiaoyan report term --group NAME``: the group's theme,
leader and members, a list of its activities, each held (or cancelled) activity's
record in date order, and a summary of its research lessons' observations.

Both are written with the one Word builder (:mod:`models.exports.word`) and read
through a *source* (the Store or an archive view), so an archived term prints too.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from models.activities import attendance_names, attendees_of
from models.dates import format_period
from models.i18n import t
from models.records import RATINGS, Activity, Group, Observation, Teacher, Term
from models.terms import term_by_id, week_of

RESEARCH_LESSON = "研讨课"


@dataclass
class Lookups:
    """What a record needs besides the activity: names, groups, terms, the policy."""

    teachers: dict[int, Teacher]
    groups: dict[int, Group]
    terms: list[Term]
    policy: object

    @classmethod
    def of(cls, source) -> "Lookups":
        return cls({x.id: x for x in source.all(Teacher)}, {g.id: g for g in source.all(Group)},
                   source.all(Term), source.policy())

    def name(self, teacher_id: int) -> str:
        teacher = self.teachers.get(teacher_id)
        return teacher.name if teacher else ""


def _when(activity: Activity, lookups: Lookups) -> str:
    """``2025年11月6日 周四 · 第10周``."""
    from models.exports.word import cn_date

    day = dt.date.fromisoformat(activity.date)
    text = f"{cn_date(day)} {t(f'weekday.{day.weekday()}')}"
    term = term_by_id(lookups.terms, activity.term_id)
    if term is not None:
        text += " · " + t("week.number", week=week_of(term, day))
    return text


def record_fields(activity: Activity, lookups: Lookups) -> list[tuple[str, str]]:
    """Every field of the record as (label, text), in the order the form prints them."""
    group = lookups.groups.get(activity.group_id)
    names = attendance_names(activity, lookups.teachers)
    expected = len(attendees_of(activity))
    topic = activity.topic or activity.event
    if activity.content:
        topic = f"{topic}\n{activity.content}" if topic else activity.content
    fields = [
        (t("record.when"), _when(activity, lookups)),
        (t("record.period"), format_period(activity.period, lookups.policy)),
        (t("record.place"), activity.place),
        (t("record.group"), group.name if group else (activity.event or t("calendar.school_wide"))),
        (t("record.kind"), activity.event or activity.kind),
        (t("record.host"), lookups.name(activity.host_id)),
        (t("record.speaker"), lookups.name(activity.speaker_id)),
        (t("record.recorder"), lookups.name(activity.recorder_id)),
        (t("record.expected"), t("record.people", count=expected)),
        (t("record.present"), t("record.people", count=len(names["present"])) if activity.attendance else ""),
        (t("record.leave"), "、".join(names["leave"]) or (t("record.nobody") if activity.attendance else "")),
        (t("record.absent"), "、".join(names["absent"]) or (t("record.nobody") if activity.attendance else "")),
        (t("record.topic"), topic),
        (t("record.minutes"), activity.minutes),
        (t("record.summary"), activity.summary),
    ]
    if activity.status == "cancelled":
        fields.append((t("record.status"), t("dashboard.cancelled_because", reason=activity.cancel_reason)))
    elif activity.status != "held":
        fields.append((t("record.status"), t(f"status.{activity.status}")))
    return fields


def add_record(doc, activity: Activity, lookups: Lookups, *, heading: bool = False) -> None:
    """One activity's 教研活动记录表 into ``doc`` (a WordDocument): a form of four columns,
    the minutes in a tall cell, and the signature lines under it."""
    from models.exports.word import Cell

    values = dict(record_fields(activity, lookups))
    if heading:
        doc.heading(t("record.title"), level=1)

    def label(key: str) -> Cell:
        return Cell(t(key), bold=True, align="center")

    rows = [
        [label("record.when"), values[t("record.when")], label("record.period"), values[t("record.period")]],
        [label("record.place"), values[t("record.place")], label("record.group"), values[t("record.group")]],
        [label("record.host"), values[t("record.host")], label("record.speaker"), values[t("record.speaker")]],
        [label("record.recorder"), values[t("record.recorder")], label("record.kind"), values[t("record.kind")]],
        [label("record.expected"), values[t("record.expected")], label("record.present"),
         values[t("record.present")]],
        [label("record.leave"), Cell(values[t("record.leave")], span=3)],
        [label("record.absent"), Cell(values[t("record.absent")], span=3)],
        [label("record.topic"), Cell(values[t("record.topic")], span=3, height=1.6)],
        [label("record.minutes"), Cell(values[t("record.minutes")], span=3, height=9)],
        [label("record.summary"), Cell(values[t("record.summary")], span=3, height=3)],
    ]
    if t("record.status") in values:
        rows.append([label("record.status"), Cell(values[t("record.status")], span=3)])
    doc.table(None, rows, widths=[2, 5, 2, 3])
    doc.signatures([t("record.sign_leader"), t("record.sign_office"), t("record.sign_date")])


def record_context(activity: Activity, lookups: Lookups) -> dict[str, object]:
    """The placeholders of a school's own 教研活动记录表 (models/exports/templates.py)."""
    import datetime as dt

    group = lookups.groups.get(activity.group_id)
    term = term_by_id(lookups.terms, activity.term_id)
    names = attendance_names(activity, lookups.teachers)
    return {
        "学校": lookups.policy.school_name, "学期": term.name if term else "",
        "教研组": group.name if group else (activity.event or t("calendar.school_wide")),
        "日期": dt.date.fromisoformat(activity.date), "节次": format_period(activity.period, lookups.policy),
        "地点": activity.place, "主持人": lookups.name(activity.host_id),
        "中心发言人": lookups.name(activity.speaker_id), "记录人": lookups.name(activity.recorder_id),
        "主题": activity.topic or activity.event, "内容": activity.content,
        "出席": "、".join(names["present"]), "请假": "、".join(names["leave"]), "缺席": "、".join(names["absent"]),
        "应到": len(attendees_of(activity)), "实到": len(names["present"]) if activity.attendance else "",
        "记录": activity.minutes, "小结": activity.summary,
    }


def activity_record_docx(source, activity: Activity, db_path=None) -> bytes:
    """``jiaoyan report activity ID``: one A4 教研活动记录表 — the school's own form when it
    put one in its templates folder (``db_path`` is the data file), else the builder's page."""
    from models.exports.templates import render_record
    from models.exports.word import WordDocument

    lookups = Lookups.of(source)

    def build() -> bytes:
        term = term_by_id(lookups.terms, activity.term_id)
        doc = WordDocument(t("record.title"), school=lookups.policy.school_name, term=term.name if term else "")
        add_record(doc, activity, lookups)
        return doc.to_bytes()

    return render_record("activity", record_context(activity, lookups), db_path, build=build)


def default_record_name(activity: Activity, lookups: Lookups) -> str:
    group = lookups.groups.get(activity.group_id)
    who = group.name if group else (activity.event or t("calendar.school_wide"))
    return t("record.file", date=activity.date, group=who) + ".docx"


# -- a group's term binder ----------------------------------------------------------------


def binder_activities(source, term: Term, group: Group) -> list[Activity]:
    """The group's activities of the term that took place or were called off, in date order."""
    return sorted((a for a in source.all(Activity) if a.term_id == term.term_id and a.group_id == group.id
                   and a.status in ("held", "cancelled")), key=lambda a: (a.date, a.period, a.id))


def research_lessons(source, term: Term, group: Group) -> list[list[object]]:
    """Rows of the group's research lessons (研讨课) this term: date, teacher, topic, how
    many observed it, and the ratings given."""
    members = set(group.member_ids)
    lessons: dict[tuple[str, int, str], list[Observation]] = {}
    for o in source.all(Observation):
        if o.term_id == term.term_id and o.teacher_id in members and o.lesson_type == RESEARCH_LESSON:
            lessons.setdefault((o.date, o.teacher_id, o.topic), []).append(o)
    names = {x.id: x.name for x in source.all(Teacher)}
    rows = []
    for (date, teacher_id, topic), seen in sorted(lessons.items()):
        ratings = Counter(o.rating for o in seen if o.rating)
        rated = "、".join(f"{r}{ratings[r]}" for r in RATINGS if ratings[r]) or "—"
        rows.append([date, names.get(teacher_id, ""), topic, len(seen), rated])
    return rows


def group_binder_docx(source, term: Term, group: Group, *, db_path=None, today: dt.date | None = None) -> bytes:
    """``jiaoyan report term --group NAME``: one group's records of the term, for its binder,
    behind a cover (the school's own 封面.docx from the templates folder beside ``db_path``
    when it has one, else the shipped default; dated ``today``). When the school keeps its own
    教研活动记录表 there, each activity's page is that form filled in."""
    from models.exports.templates import fill, join_pages, school_path, with_cover
    from models.exports.word import WordDocument

    lookups = Lookups.of(source)
    doc = WordDocument(t("record.binder_title", group=group.name, term=term.name),
                       school=lookups.policy.school_name, term=term.name)
    members = [lookups.name(m) for m in group.member_ids if lookups.name(m)]
    doc.fields([(t("record.theme"), group.themes.get(term.term_id, "").strip() or t("dashboard.theme_missing")),
                (t("record.leader"), lookups.name(group.leader_id)),
                (t("record.members"), "、".join(members)),
                (t("record.slot"), _slot(group, lookups))], headers=())
    # The binder's order (issue 17): plan, activity records, research-lesson designs, summary.
    from models.exports.document_print import add_designs, add_plan, add_summary

    add_plan(doc, source, term, group)
    doc.page_break()
    records = binder_activities(source, term, group)
    doc.heading(t("record.list_heading"), level=1)
    overview = []
    for a in records:
        counts = attendance_names(a, lookups.teachers)
        overview.append([dt.date.fromisoformat(a.date), a.topic or a.event, lookups.name(a.speaker_id),
                         f"{len(counts['present'])}/{len(attendees_of(a))}" if a.attendance else "—",
                         t(f"status.{a.status}")])
    if overview:
        doc.table([t("record.col.date"), t("record.topic"), t("record.speaker"), t("record.col.attendance"),
                   t("record.status")], overview, widths=[2.2, 6, 2, 1.6, 1.6])
    else:
        doc.paragraph(t("record.none"))
    own_form = school_path("activity", db_path) if db_path else None
    pages = []
    if own_form is not None:  # the school's own form for each record; the binder goes on after them
        pages = [fill(own_form, "activity", record_context(a, lookups)) for a in records]
        pages.append(doc.to_bytes())
        doc = WordDocument(t("record.binder_title", group=group.name, term=term.name),
                           school=lookups.policy.school_name, term=term.name, show_title=False)
        pages.insert(0, pages.pop())  # the first part leads: its page setup, header and footer hold
    else:
        for activity in records:
            doc.page_break()
            add_record(doc, activity, lookups, heading=True)
        doc.page_break()
    doc.heading(t("record.lessons_heading"), level=1)
    lessons = research_lessons(source, term, group)
    if lessons:
        doc.table([t("record.col.date"), t("record.col.teacher"), t("record.col.lesson_topic"),
                   t("record.col.observers"), t("record.col.ratings")],
                  [[dt.date.fromisoformat(r[0]), *r[1:]] for r in lessons], widths=[2.2, 1.8, 5, 1.6, 2.4])
    else:
        doc.paragraph(t("record.no_lessons"))
    add_designs(doc, source, term, group)
    add_summary(doc, source, term, group)
    cover = {"学校": lookups.policy.school_name, "学期": term.name, "标题": t("record.cover_title"),
             "教研组": group.name, "日期": today or dt.date.today()}
    body = join_pages([*pages, doc.to_bytes()]) if pages else doc.to_bytes()
    return with_cover(body, cover, db_path)


def _slot(group: Group, lookups: Lookups) -> str:
    if not group.slot_weekday or not group.slot_period:
        return "—"
    where = f" · {group.slot_place}" if group.slot_place else ""
    return f"{t(f'weekday.{group.slot_weekday - 1}')} {format_period(group.slot_period, lookups.policy)}{where}"


def default_binder_name(term: Term, group: Group) -> str:
    return t("record.binder_file", group=group.name, term=term.term_id) + ".docx"
