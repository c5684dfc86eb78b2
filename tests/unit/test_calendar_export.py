"""The .ics parses back with icalendar; CSV and Excel hold the activity records."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

from icalendar import Calendar

from models.records import Teacher, Activity, Group, Term
from models.store.storage import Store
from tui.cli import main

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _events(data: bytes):
    return [c for c in Calendar.from_ical(data).walk("VEVENT")]


def test_ics_has_one_event_per_activity_with_times_places_and_stable_uids(demo_db, demo_store, tmp_path):
    target = tmp_path / "cal.ics"
    assert main(["export", "calendar", "--db", str(demo_db), "--term", "2025-2026-1",
                 "--group", "语文教研组", "-o", str(target)]) == 0
    events = _events(target.read_bytes())
    group = next(g for g in demo_store.all(Group) if g.name == "语文教研组")
    expected = [a for a in demo_store.all(Activity) if a.group_id == group.id and a.term_id == "2025-2026-1"
                and a.status != "skipped"]
    assert len(events) == len(expected) > 10
    by_uid = {str(e["UID"]): e for e in events}
    assert len(by_uid) == len(events)
    thursday = next(e for e in events if e.decoded("DTSTART").date() == dt.date(2025, 11, 6))
    start, end = thursday.decoded("DTSTART"), thursday.decoded("DTEND")
    assert start == dt.datetime(2025, 11, 6, 14, 50, tzinfo=SHANGHAI)  # 下午第2节
    assert end == dt.datetime(2025, 11, 6, 15, 30, tzinfo=SHANGHAI)
    assert start.utcoffset() == dt.timedelta(hours=8)
    assert str(thursday["LOCATION"]) == "电教室"
    description = str(thursday["DESCRIPTION"])
    activity = next(a for a in expected if a.date == "2025-11-06")
    assert activity.topic in description and "主持人：郑娟" in description and "中心发言人：" in description
    # a second export gives the same UIDs, so a phone updates instead of duplicating
    again = tmp_path / "again.ics"
    assert main(["export", "calendar", "--db", str(demo_db), "--group", "语文教研组", "-o", str(again)]) == 0
    assert {str(e["UID"]) for e in _events(again.read_bytes())} == set(by_uid)
    assert b"BEGIN:VTIMEZONE" in target.read_bytes()


def test_ics_of_whole_term_includes_school_events(demo_db, demo_store, tmp_path):
    target = tmp_path / "all.ics"
    assert main(["export", "calendar", "--db", str(demo_db), "-o", str(target)]) == 0
    events = _events(target.read_bytes())
    term_activities = [a for a in demo_store.all(Activity) if a.term_id == "2025-2026-1" and a.status != "skipped"]
    assert len(events) == len(term_activities)
    assert any(str(e["LOCATION"]) == "学校报告厅" and "专家讲座" in str(e["SUMMARY"]) for e in events)


def test_unknown_term_or_group_is_a_bad_input(demo_db, capsys):
    assert main(["export", "calendar", "--db", str(demo_db), "--term", "2030-2031-1"]) == 1
    assert "没有学期“2030-2031-1”" in capsys.readouterr().err
    assert main(["export", "activities", "--db", str(demo_db), "--group", "不存在的组"]) == 1
    assert "找不到组" in capsys.readouterr().err


def test_activities_csv_with_bom_and_xlsx(demo_db, demo_store, tmp_path):
    target = tmp_path / "a.csv"
    assert main(["export", "activities", "--db", str(demo_db), "--term", "2025-2026-1", "--format", "csv",
                 "-o", str(target)]) == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["日期", "节次", "组别", "类型"]
    term_activities = [a for a in demo_store.all(Activity) if a.term_id == "2025-2026-1"]
    assert len(rows) - 1 == len(term_activities)
    column = {name: n for n, name in enumerate(rows[0])}
    held = next(r for r in rows[1:] if r[column["状态"]] == "已开展")
    assert int(held[column["出席"]]) > 0 and held[column["活动记录"]]  # present count and minutes
    # Issue 16: the names, not only the counts, of those present, on leave and absent.
    by_id = {x.id: x.name for x in demo_store.all(Teacher)}
    with_leave = next(a for a in term_activities if a.status == "held" and "leave" in a.attendance.values()
                      and "absent" in a.attendance.values())
    row = next(r for r in rows[1:] if r[column["日期"]] == with_leave.date and r[column["出席"]] ==
               str(sum(1 for m in with_leave.attendance.values() if m == "present"))
               and r[column["主题"]] == with_leave.topic)
    for mark, header in (("present", "出席人员"), ("leave", "请假人员"), ("absent", "缺席人员")):
        expected = {by_id[int(k)] for k, m in with_leave.attendance.items() if m == mark}
        assert set(row[column[header]].split("、")) == expected
    from openpyxl import load_workbook

    book_path = tmp_path / "a.xlsx"
    assert main(["export", "activities", "--db", str(demo_db), "--term", "2025-2026-1", "--format", "xlsx",
                 "-o", str(book_path)]) == 0
    sheet = load_workbook(book_path).active
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]][:3] == ["日期", "节次", "组别"]
    assert sheet.max_row - 1 == len(term_activities)
    assert demo_store.all(Term)


def test_an_archived_terms_activities_still_export(demo_db, tmp_path):
    from models.store.archive import close_term
    from models.permissions import check_change

    close_term(Store(demo_db, actor="tester", guard=check_change), "2024-2025-2")
    target = tmp_path / "spring.csv"
    assert main(["export", "activities", "--db", str(demo_db), "--term", "2024-2025-2", "-o", str(target)]) == 0
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert len(rows) > 100 and any("语文教研组" in row for row in rows)
