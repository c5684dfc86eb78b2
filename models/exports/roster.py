"""Exporting the staff roster: CSV (UTF-8 with BOM, so Excel opens it right) or XLSX.

The columns are the ones :mod:`models.roster_import` reads back, so an exported
file can be edited in Excel and imported again (the import undoes the formula guard's
leading ``'``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from models.exports import registry
from models.exports.content import Report, as_date, single_table
from models.i18n import t
from models.records import Group, Teacher
from models.rosters import group_names_by_teacher

HEADERS = ("姓名", "性别", "任教学科", "任教年级", "职务", "登录名", "所在组", "状态", "入职日期", "备注")
# Relative column widths (Excel and Word).
WIDTHS = (12, 6, 14, 14, 20, 16, 30, 8, 12, 30)
KIND = "table"


def roster_rows(teachers: Iterable[Teacher], groups: Iterable[Group] = ()) -> list[list[object]]:
    """One row per teacher (active first, then by id), cells as plain text but 入职日期, a date
    (a date cell in Excel, so its date filter and sorting work; the import reads it back)."""
    group_names = group_names_by_teacher(groups)
    rows = []
    for teacher in sorted(teachers, key=lambda x: (not x.active, x.id)):
        rows.append([
            teacher.name, teacher.gender, "、".join(teacher.subjects), "、".join(teacher.grades),
            "、".join(teacher.roles), teacher.login, "、".join(group_names.get(teacher.id, [])),
            t("roster.state.active") if teacher.active else t("roster.state.inactive"), as_date(teacher.joined),
            teacher.note,
        ])
    return rows


def roster_report(rows: list[list[str]], school: str = "") -> Report:
    return single_table(t("roster.export.sheet"), list(HEADERS), rows, widths=list(WIDTHS), school=school)


def export_roster(store, fmt: str, teachers: Iterable[Teacher] | None = None, progress=None) -> bytes:
    """The roster (or just ``teachers``) in a format of the registry; ``progress(done, total)``
    as rows are written."""
    rows = roster_rows(store.all(Teacher) if teachers is None else teachers, store.all(Group))
    return registry.render(roster_report(rows, store.policy().school_name), fmt, progress)


def write_export(path: Path, payload: bytes) -> None:
    """Write through a temporary file so a half-written export never replaces a good one."""
    registry.save(path, payload)
