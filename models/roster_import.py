"""Importing the staff roster from the CSV or Excel file a school already has.

Schools export their roster from Excel or from the education bureau's system,
so the file is rarely tidy: CSV in UTF-8, UTF-8 with BOM or GB18030/GBK (what
Excel on Chinese Windows saves), a title line above the header row, merged
cells, blank rows at the end, several roles in one cell. :func:`read_roster`
finds the header row (the first row holding 姓名 or name) and reads the rest;
:func:`build_preview` says, row by row, what would be added, what would update
an existing teacher (same name and subject), and what is wrong and where.
Nothing is written until :func:`apply_preview` runs inside one transaction, so
a failed import leaves the data file exactly as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from models.errors import InputError
from models.exports.spreadsheets import unguard
from models.store.storage import ValidationFailed
from models.i18n import t
from models.pinyin import full_pinyin
from models.records import ROLES, Group, Policy, Teacher

# Separators of several values in one cell: ; ； , ， 、 /
MULTI_VALUE_SEPARATORS = re.compile(r"[;；,，、/／]")

# Normalised header text → the Teacher field it fills. 序号 and 状态 are known and skipped.
HEADER_FIELDS = {
    "姓名": "name", "教师姓名": "name", "name": "name",
    "性别": "gender", "gender": "gender", "sex": "gender",
    "任教学科": "subjects", "学科": "subjects", "科目": "subjects", "subject": "subjects", "subjects": "subjects",
    "任教年级": "grades", "年级": "grades", "grade": "grades", "grades": "grades",
    "职务": "roles", "角色": "roles", "role": "roles", "roles": "roles",
    "登录名": "login", "账号": "login", "帐号": "login", "用户名": "login", "login": "login",
    "备注": "note", "note": "note", "notes": "note",
    "状态": "active", "status": "active", "state": "active",
    "入职日期": "joined", "入职时间": "joined", "来校时间": "joined", "joined": "joined",
    "所在组": "groups", "groups": "groups",
    "序号": "", "编号": "", "no": "", "no.": "",
}
# 状态 cells: in post, or not (a deactivated teacher keeps their records and leaves the pickers)
ACTIVE_WORDS = {"在职": True, "启用": True, "active": True, "是": True,
                "停用": False, "离职": False, "调离": False, "退休": False, "inactive": False, "否": False}
DATE_CELL = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
GENDERS = {"男": "男", "女": "女", "m": "男", "f": "女", "male": "男", "female": "女"}
CHINESE_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6",
                  "七": "7", "八": "8", "九": "9"}


class RosterFileError(InputError, ValueError):
    """The file as a whole cannot be read as a roster; the message says why and what to do."""


@dataclass
class SourceRow:
    line: int  # the line (CSV) or row (Excel) number the user sees in their editor
    cells: list[str]


@dataclass
class RosterTable:
    """The file's rows under its header row, with the header's columns understood."""

    columns: dict[str, int]  # Teacher field → column index
    ignored_columns: list[str]  # headers we do not know, named in the preview
    rows: list[SourceRow]
    encoding: str = ""  # for CSV: the encoding that was detected


@dataclass
class RowError:
    line: int
    name: str
    reasons: list[str]


@dataclass
class RowChange:
    line: int
    teacher: Teacher  # the teacher as it will be stored (for updates: the updated copy)
    before: Teacher | None = None  # for updates: the stored teacher
    notes: list[str] = field(default_factory=list)  # what was adjusted (unknown role kept in the note …)
    login_generated: bool = False
    group_ids: list[int] | None = None  # the groups the 所在组 cell names; None: membership stays
    groups_before: list[int] = field(default_factory=list)

    @property
    def changed_fields(self) -> list[str]:
        if self.before is None:
            return []
        names = [name for name in ("gender", "subjects", "grades", "roles", "login", "joined", "active", "note")
                 if getattr(self.before, name) != getattr(self.teacher, name)]
        if self.group_ids is not None and set(self.group_ids) != set(self.groups_before):
            names.append("groups")
        return names


@dataclass
class RosterPreview:
    to_add: list[RowChange] = field(default_factory=list)
    to_update: list[RowChange] = field(default_factory=list)
    unchanged: list[RowChange] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    encoding: str = ""
    table: "RosterTable | None" = None  # what the preview was built from, to re-check it at commit

    @property
    def has_changes(self) -> bool:
        return bool(self.to_add or self.to_update)

    def signature(self) -> list[tuple]:
        """What the import would write: compared with a fresh preview under the lock."""
        return sorted((c.teacher.id, c.teacher.name, tuple(c.teacher.subjects), c.teacher.login,
                       tuple(c.changed_fields)) for c in (*self.to_add, *self.to_update))


class PreviewOutdated(ValidationFailed):
    """The roster changed between the preview and the import; nothing was written."""

    def __init__(self):
        super().__init__([t("roster.import.outdated")])


# -- reading the file ---------------------------------------------------------------


def read_roster(path: str | Path) -> RosterTable:
    """Read a CSV or XLSX roster; :class:`RosterFileError` when it cannot be one."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RosterFileError(t("roster.import.no_file", path=path)) from None
    except IsADirectoryError:
        raise RosterFileError(t("roster.import.no_file", path=path)) from None
    except OSError as error:
        raise RosterFileError(t("roster.import.unreadable", path=path, reason=error.strerror or error)) from None
    if not raw.strip():
        raise RosterFileError(t("roster.import.empty", path=path))
    # Look at the bytes, not the name: an .xlsx renamed .csv is still a workbook.
    if raw[:4] == b"PK\x03\x04":
        rows = _xlsx_rows(raw, path)
        encoding = ""
    elif raw[:8] == OLE2_MAGIC:
        # The old binary Excel format (.xls, Excel 97–2003), still common in school offices.
        rows = _xls_rows(raw, path)
        encoding = ""
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        raise RosterFileError(t("roster.import.bad_xlsx", path=path))
    elif path.suffix.lower() == ".xls":
        raise RosterFileError(t("roster.import.bad_xls", path=path))
    else:
        text, encoding = decode_text(raw, path)
        rows = _csv_rows(text)
    return _find_header(rows, path, encoding)


def decode_text(raw: bytes, path: Path) -> tuple[str, str]:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK and GB2312)."""
    if b"\x00" in raw:
        raise RosterFileError(t("roster.import.binary", path=path))
    if raw.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text, {"utf-8-sig": "UTF-8-BOM", "utf-8": "UTF-8", "gb18030": "GB18030/GBK"}[encoding]
    raise RosterFileError(t("roster.import.binary", path=path))


def _looks_like_text(text: str) -> bool:
    # GB18030 decodes many byte soups without complaint; real text has few control characters.
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t")
    odd = sum(1 for ch in text if "\ue000" <= ch <= "\uf8ff" or ch == "\ufffd")
    return controls + odd <= max(2, len(text) // 200)


def _csv_rows(text: str) -> list[SourceRow]:
    sample = text[:4096]
    delimiter = ","
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",\t").delimiter
    except csv.Error:
        pass
    # strict: a quote that is never closed would otherwise swallow the rest of the file
    # into one cell (one teacher with a multi-line name); refuse it with its line instead.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []
    start = 1
    try:
        for cells in reader:
            # jiaoyan's own export guards formula-like text with a leading ': undo it.
            rows.append(SourceRow(start, [unguard(c.strip()).strip() for c in cells]))
            start = reader.line_num + 1
    except csv.Error as error:
        if "end of data" in str(error):
            raise RosterFileError(t("roster.import.unclosed_quote", line=start)) from None
        raise RosterFileError(t("roster.import.bad_csv", line=reader.line_num, reason=error)) from None
    return rows


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _xls_rows(raw: bytes, path: Path) -> list[SourceRow]:
    """The first sheet of an .xls workbook (xlrd), merged cells repeated like an .xlsx's."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=raw, formatting_info=True, on_demand=True)
    except Exception as error:  # xlrd raises its own XLRDError and struct errors on damaged files
        raise RosterFileError(t("roster.import.bad_xls_reason", path=path, reason=error)) from None
    if book.nsheets == 0:
        raise RosterFileError(t("roster.import.empty", path=path))
    sheet = book.sheet_by_index(0)
    merged_values = {}
    for first_row, last_row, first_col, last_col in sheet.merged_cells:
        value = sheet.cell_value(first_row, first_col)
        for row in range(first_row, last_row):
            for column in range(first_col, last_col):
                merged_values[(row, column)] = value
    rows = []
    for row_index in range(sheet.nrows):
        cells = []
        for column in range(sheet.ncols):
            cell = sheet.cell(row_index, column)
            value = merged_values.get((row_index, column), cell.value)
            if cell.ctype == xlrd.XL_CELL_DATE and (row_index, column) not in merged_values:
                try:
                    value = xlrd.xldate_as_datetime(cell.value, book.datemode)
                except (ValueError, OverflowError):
                    pass
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                value = bool(cell.value)
            cells.append(_cell_text(value))
        rows.append(SourceRow(row_index + 1, cells))
    return rows


def _xlsx_rows(raw: bytes, path: Path) -> list[SourceRow]:
    from openpyxl import load_workbook

    try:
        # Not read-only: merged ranges are only known to a fully loaded sheet.
        book = load_workbook(io.BytesIO(raw), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise RosterFileError(t("roster.import.bad_xlsx_reason", path=path, reason=error)) from None
    sheet = book.worksheets[0] if book.worksheets else None
    if sheet is None:
        raise RosterFileError(t("roster.import.empty", path=path))
    # Only the cells that hold something: one stray cell at A1048576 must not make us
    # walk (and build) a million empty rows (it took 44 s and 768 MB).
    used: dict[int, dict[int, object]] = {}
    for (row, column), cell in sheet._cells.items():  # openpyxl keeps only real cells here
        if cell.value is not None and not (isinstance(cell.value, str) and not cell.value.strip()):
            used.setdefault(row, {})[column] = cell.value
    for merged in sheet.merged_cells.ranges:
        value = sheet.cell(merged.min_row, merged.min_col).value
        if value is None:
            continue
        for row in [r for r in used if merged.min_row <= r <= merged.max_row] or [merged.min_row]:
            for column in range(merged.min_col, min(merged.max_col, merged.min_col + 200) + 1):
                used.setdefault(row, {})[column] = value
    rows = []
    for row_number in sorted(used):
        values = used[row_number]
        width = min(max(values), 200)
        rows.append(SourceRow(row_number, [_cell_text(values.get(column)) for column in range(1, width + 1)]))
    return rows


def normalise_header(text: str) -> str:
    return re.sub(r"[\s\u3000*＊:：]", "", text).lower()


def _find_header(rows: list[SourceRow], path: Path, encoding: str) -> RosterTable:
    for index, row in enumerate(rows):
        names = [normalise_header(cell) for cell in row.cells]
        if any(HEADER_FIELDS.get(name) == "name" for name in names):
            columns: dict[str, int] = {}
            ignored = []
            for column, (original, name) in enumerate(zip(row.cells, names)):
                if not name:
                    continue
                known = HEADER_FIELDS.get(name)
                if known is None:
                    ignored.append(original)
                elif known and known not in columns:
                    columns[known] = column
            # A merged title cell repeats over the header's row? Only the first 姓名 counts.
            data = [r for r in rows[index + 1:] if any(cell for cell in r.cells)]
            return RosterTable(columns=columns, ignored_columns=ignored, rows=data, encoding=encoding)
    if not any(any(cell for cell in row.cells) for row in rows):
        raise RosterFileError(t("roster.import.empty", path=path))
    raise RosterFileError(t("roster.import.no_header", path=path))


# -- understanding the rows ------------------------------------------------------------


def split_values(text: str) -> list[str]:
    values = []
    for part in MULTI_VALUE_SEPARATORS.split(text):
        part = part.strip()
        if part and part not in values:
            values.append(part)
    return values


def normalise_grade(text: str, grades: list[str]) -> str | None:
    """``4``, ``四年级``, ``4年级`` → ``4年级`` when the school has it."""
    value = text.strip().replace(" ", "")
    if value in grades:
        return value
    for chinese, digit in CHINESE_DIGITS.items():
        value = value.replace(chinese, digit)
    if value.isdigit():
        value += "年级"
    return value if value in grades else None


def normalise_role(text: str) -> str | None:
    """``语文教研组长`` → ``教研组长``; ``教导处主任`` → ``教导主任``; else None."""
    value = text.strip().replace(" ", "")
    if value in ROLES:
        return value
    if value in ("教导处主任", "教务主任"):
        return "教导主任"
    for role in sorted(ROLES, key=len, reverse=True):
        if value.endswith(role):
            return role
    return None


def generate_login(name: str, taken: set[str]) -> str:
    """A login from the name's full pinyin (张三 → zhangsan, then zhangsan2 …), not in ``taken``."""
    base = "".join(ch for ch in full_pinyin(name) if ch.isascii() and ch.isalnum()).lower() or "teacher"
    login, number = base, 1
    while login in taken:
        number += 1
        login = f"{base}{number}"
    return login


def _valid_login(login: str) -> bool:
    return login.isascii() and login.replace("_", "").replace("-", "").replace(".", "").isalnum()


def parse_date_cell(text: str) -> str | None:
    """``2025-09-01``, ``2025/9/1``, ``2025.9.1``, ``2025年9月1日`` → ISO; None when not a date."""
    match = DATE_CELL.match(text)
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
    except ValueError:
        return None


def build_preview(table: RosterTable, existing: Iterable[Teacher], policy: Policy,
                  groups: Iterable[Group] = ()) -> RosterPreview:
    """What importing ``table`` would do to the school whose teachers are ``existing``
    (and, when the file has a 所在组 column, to the membership of ``groups``)."""
    existing = list(existing)
    active_groups = [g for g in groups if g.active]
    group_by_name = {g.name: g for g in active_groups}
    preview = RosterPreview(ignored_columns=list(table.ignored_columns), encoding=table.encoding, table=table)
    taken_logins = {teacher.login for teacher in existing if teacher.login}
    seen_rows: dict[tuple[str, tuple[str, ...]], int] = {}
    seen_logins: dict[str, int] = {}
    matched_ids: dict[int, int] = {}
    pending_logins: list[RowChange] = []  # rows whose login is made once all given logins are known

    def cell(row: SourceRow, name: str) -> str:
        column = table.columns.get(name)
        if column is None or column >= len(row.cells):
            return ""
        return row.cells[column].strip()

    for row in table.rows:
        reasons: list[str] = []
        notes: list[str] = []
        name = cell(row, "name")
        if not name:
            reasons.append(t("roster.import.missing_name"))
        subjects = []
        for subject in split_values(cell(row, "subjects")):
            if subject in policy.subjects:
                subjects.append(subject)
            else:
                reasons.append(t("roster.import.unknown_subject", value=subject,
                                 choices="、".join(policy.subjects)))
        grades = []
        for grade_text in split_values(cell(row, "grades")):
            grade = normalise_grade(grade_text, policy.grades)
            if grade is None:
                reasons.append(t("roster.import.unknown_grade", value=grade_text, choices="、".join(policy.grades)))
            elif grade not in grades:
                grades.append(grade)
        roles = []
        kept_titles = []
        for role_text in split_values(cell(row, "roles")):
            role = normalise_role(role_text)
            if role is None:
                kept_titles.append(role_text)
            elif role not in roles:
                roles.append(role)
        note = cell(row, "note")
        if kept_titles:
            # 班主任, 大队辅导员 … are real titles the app has no role for: keep them in the note.
            notes.append(t("roster.import.title_kept", titles="、".join(kept_titles)))
            extra = t("roster.import.title_note", titles="、".join(kept_titles))
            note = f"{note}；{extra}" if note else extra
        gender_text = cell(row, "gender")
        gender = GENDERS.get(gender_text.lower(), None) if gender_text else ""
        if gender is None:
            reasons.append(t("roster.import.bad_gender", value=gender_text))
            gender = ""
        state_text = cell(row, "active")
        active = ACTIVE_WORDS.get(state_text.lower()) if state_text else None
        if state_text and active is None:
            reasons.append(t("roster.import.bad_state", value=state_text))
        joined_text = cell(row, "joined")
        joined = parse_date_cell(joined_text) if joined_text else ""
        if joined is None:
            reasons.append(t("roster.import.bad_joined", value=joined_text))
            joined = ""
        group_ids: list[int] | None = None
        groups_text = cell(row, "groups")
        if groups_text:
            group_ids = []
            for group_name in split_values(groups_text):
                group = group_by_name.get(group_name)
                if group is None:
                    reasons.append(t("roster.import.unknown_group", value=group_name))
                elif group.id not in group_ids:
                    group_ids.append(group.id)
        login = cell(row, "login")
        if login and not _valid_login(login):
            reasons.append(t("roster.import.bad_login", value=login))
        key = (name, tuple(subjects))
        if name and key in seen_rows:
            reasons.append(t("roster.import.duplicate_row", line=seen_rows[key]))
        if login and login in seen_logins:
            reasons.append(t("roster.import.duplicate_login_in_file", value=login, line=seen_logins[login]))

        matches = [x for x in existing if x.name == name and (not subjects or set(x.subjects) & set(subjects)
                                                           or not x.subjects)] if name else []
        before = None
        if len(matches) > 1:
            reasons.append(t("roster.import.ambiguous", name=name, count=len(matches)))
        elif matches:
            before = matches[0]
            if before.id in matched_ids:
                reasons.append(t("roster.import.duplicate_row", line=matched_ids[before.id]))
        if login:
            owner = next((x for x in existing if x.login == login), None)
            if owner is not None and (before is None or owner.id != before.id):
                reasons.append(t("roster.import.login_taken", value=login, name=owner.name))

        if reasons:
            preview.errors.append(RowError(row.line, name, reasons))
            continue
        seen_rows[key] = row.line
        if login:
            seen_logins[login] = row.line
        if before is not None:
            matched_ids[before.id] = row.line
            updated = before.copy(
                gender=gender or before.gender,
                subjects=subjects or before.subjects,
                grades=grades or before.grades,
                roles=roles or before.roles,
                login=login or before.login,
                joined=joined or before.joined,
                active=before.active if active is None else active,
                note=note or before.note,
            )
            change = RowChange(row.line, updated, before, notes, group_ids=group_ids,
                               groups_before=[g.id for g in active_groups if before.id in g.member_ids])
            needs_login = not before.login and not login
            if needs_login:
                pending_logins.append(change)
            (preview.to_update if change.changed_fields or needs_login else preview.unchanged).append(change)
        else:
            others = [x for x in existing if x.name == name]
            if others:
                notes.append(t("roster.import.namesake", labels="、".join(x.label for x in others)))
            change = RowChange(row.line, Teacher(name=name, gender=gender, subjects=subjects, grades=grades,
                                                 roles=roles, login=login, joined=joined,
                                                 active=True if active is None else active, note=note),
                               None, notes, group_ids=group_ids)
            if not login:
                pending_logins.append(change)
            preview.to_add.append(change)

    taken_logins |= set(seen_logins)
    for change in pending_logins:
        login = generate_login(change.teacher.name, taken_logins)
        taken_logins.add(login)
        change.teacher = change.teacher.copy(login=login)
        change.login_generated = True
        change.notes.append(t("roster.import.login_made", login=login))
    return preview


def preview_file(path: str | Path, store) -> RosterPreview:
    """Read ``path`` and compare it with the school in ``store`` (nothing is written)."""
    from models.records import Teacher as TeacherRecord

    return build_preview(read_roster(path), store.all(TeacherRecord), store.policy(), store.all(Group))


def apply_preview(store, preview: RosterPreview) -> tuple[int, int]:
    """Write the good rows in one transaction: all of them reach the file, or none.
    Returns (added, updated). Raises ConflictError if a teacher changed since the preview."""
    with store.transaction() as tx:
        if preview.table is not None:
            # Someone may have imported or edited the roster since this preview was shown:
            # what is written must be what the user saw, checked against the file as it is now.
            from models.records import Teacher as TeacherRecord

            fresh = build_preview(preview.table, tx.all(TeacherRecord), store.policy(), tx.all(Group))
            if fresh.signature() != preview.signature():
                raise PreviewOutdated()
        added = tx.insert_many([change.teacher for change in preview.to_add])
        for change in preview.to_update:
            tx.update(change.teacher)
        # 所在组: each teacher the file names groups for is in exactly those groups afterwards
        wanted: dict[int, set[int]] = {}
        for change, teacher in [*zip(preview.to_add, added), *((c, c.teacher) for c in preview.to_update)]:
            if change.group_ids is not None:
                wanted[teacher.id] = set(change.group_ids)
        if wanted:
            for group in tx.all(Group):
                if not group.active:
                    continue
                members = [m for m in group.member_ids if m not in wanted or group.id in wanted[m]]
                members += [m for m, ids in wanted.items() if group.id in ids and m not in members]
                if members != group.member_ids:
                    tx.update(group.copy(member_ids=members))
    return len(added), len(preview.to_update)


def preview_lines(preview: RosterPreview) -> list[str]:
    """The preview as plain lines of text, for the command line (the screen draws its own)."""
    lines = [t("roster.import.summary", add=len(preview.to_add), update=len(preview.to_update),
               unchanged=len(preview.unchanged), errors=len(preview.errors))]
    if preview.encoding:
        lines.append(t("roster.import.encoding", encoding=preview.encoding))
    if preview.ignored_columns:
        lines.append(t("roster.import.ignored_columns", columns="、".join(preview.ignored_columns)))
    if preview.to_add:
        lines.append("")
        lines.append(t("roster.import.heading_add", count=len(preview.to_add)))
        for change in preview.to_add:
            lines.append("  " + _describe(change))
    if preview.to_update:
        lines.append("")
        lines.append(t("roster.import.heading_update", count=len(preview.to_update)))
        for change in preview.to_update:
            fields = "、".join(t(f"roster.column.{name}") for name in change.changed_fields)
            lines.append("  " + _describe(change) + (f"  [{fields}]" if fields else ""))
    if preview.errors:
        lines.append("")
        lines.append(t("roster.import.heading_errors", count=len(preview.errors)))
        for error in preview.errors:
            lines.append("  " + t("roster.import.error_line", line=error.line, name=error.name or "—",
                                  reasons="；".join(error.reasons)))
    return lines


def _describe(change: RowChange) -> str:
    teacher = change.teacher
    parts = [t("roster.import.line", line=change.line), teacher.name,
             "、".join(teacher.subjects), "、".join(teacher.grades), "、".join(teacher.roles), "" if change.login_generated else teacher.login]
    text = "  ".join(part for part in parts if part)
    if change.notes:
        text += "  (" + "；".join(change.notes) + ")"
    return text
