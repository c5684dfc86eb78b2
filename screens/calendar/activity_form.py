"""One activity: the four fixed (date and period, place, attendees, topic and content),
its kind, host, central speaker, attendance, minutes and status. Also makes one-off
school events (专家讲座, 座谈会 …) with the whole staff or a group as attendees.

Who may change it is models/permissions.py's rule (the admin; a group's leader for the
group's activities); anyone else, and everyone for an archived term, sees it read-only
with no save key. When someone else saved it meanwhile, ctrl+s opens the conflict
dialog: k keeps mine, t takes theirs into the form, escape keeps editing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Label, Select, Static, TextArea
from textual.widgets.select import InvalidSelectValueError

from models.activities import (ASK_HELD, MARK_HELD, NEEDS_ATTENDANCE, NOT_MEETING, SCHOOL_EVENTS,
                               attendance_counts, conflicts_with, held_on_save, recorder_for, skipped_for)
from models.dates import BadInput, format_date, format_period, parse_date, parse_period
from models.i18n import t
from models.records import ACTIVITY_KINDS, Activity, Group, Teacher, Term
from models.permissions import refusal
from models.errors import JiaoyanError
from models.store.storage import ConflictError, ValidationFailed
from models.terms import is_archived_term, is_school_day, term_by_id, term_of
from screens.calendar.attendance import field_labels, show_activity_value
from screens.calendar.common import CalendarData, conflict_text, may, read_activity
from screens.dialogs.conflict import resolve_conflict
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings
from screens.widgets.teacher_field import TeacherField
from screens.widgets.fitted_footer import FittedFooter

KEEP = "keep"
WHOLE_STAFF = "all"


class ActivityForm(Screen):
    """``ActivityForm(activity_id=…)`` edits; ``ActivityForm(new_on=day)`` makes a school event."""

    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="activity.save"),
        Binding("ctrl+t", "attendance", "calendar.key.attendance", id="activity.attendance"),
        Binding("ctrl+r", "record", "calendar.key.record", id="activity.record"),
        Binding("ctrl+e", "evaluations", "observations.key.evaluations", id="activity.evaluations"),
        Binding("escape", "back", "key.back", id="activity.back"),
    ]
    CSS_PATH = "calendar.tcss"

    def __init__(self, *, activity_id: int = 0, new_on: dt.date | None = None, focus: str | None = None):
        """``focus="minutes"`` puts the cursor in the minutes (the dashboard's jump)."""
        super().__init__()
        translate_bindings(self)
        self.activity_id = activity_id
        self.new_on = new_on
        self.focus_on = focus

    # -- building ------------------------------------------------------------------

    def _load(self) -> Activity:
        store = self.app.store
        if self.activity_id:
            activity = read_activity(store, self.activity_id)
            if activity is not None:
                return activity
        day = self.new_on or self.app.today
        term = term_of(store.all(Term), day)
        user = self.app.user
        return Activity(term_id=term.term_id if term else "", group_id=0, date=day.isoformat(), period=7,
                        kind="专家讲座", event=SCHOOL_EVENTS[0], host_id=user.id if user else 0,
                        attendee_ids=[x.id for x in store.all(Teacher) if x.active])

    def compose(self) -> ComposeResult:
        store = self.app.store
        self.activity = self._load()
        activity = self.activity
        # A field only the group's leaders (and the admin) change: a teacher who may only
        # ask for leave (leave_requests) sees the form read-only.
        self.read_only = not (may(self.app, "update", activity, "topic") if activity.id
                              else may(self.app, "insert", activity))
        self.marks = dict(activity.attendance)
        policy = store.policy()
        groups = [g for g in store.all(Group) if g.active]
        group = store.get(Group, activity.group_id)
        teachers = lambda: store.all(Teacher)  # noqa: E731 - the field asks each time it searches
        yield AppHeader()
        with VerticalScroll(id="activity-form", can_focus=False):  # no invisible tab stop
            yield Static(id="activity-title")
            with Horizontal(classes="row"):
                yield Label(t("calendar.field.date"))
                yield Input(activity.date, placeholder=t("calendar.date_hint"), id="activity-date")
                yield Label(t("calendar.field.period"))
                yield Input(format_period(activity.period, policy), placeholder=t("calendar.period_hint"),
                            id="activity-period")
            with Horizontal(classes="row"):
                yield Label(t("calendar.field.place"))
                yield Input(activity.place, id="activity-place")
            attendee_options = [(t("calendar.attendees_keep", count=len(activity.attendee_ids)), KEEP),
                                (t("calendar.attendees_all"), WHOLE_STAFF)]
            attendee_options += [(t("calendar.attendees_group", name=g.name, count=len(g.member_ids)), f"group:{g.id}")
                                 for g in groups if g.kind != "office" or g.member_ids]
            with Horizontal(classes="row"):
                yield Label(t("calendar.field.attendees"))
                yield Select(attendee_options, value=KEEP, allow_blank=False, compact=True, id="activity-attendees")
            if group is None:
                with Horizontal(classes="row"):
                    yield Label(t("calendar.field.event"))
                    yield Input(activity.event, placeholder="、".join(SCHOOL_EVENTS[:4]) + "…", id="activity-event")
                # 学时 of the event for each who attends (issue 18); empty: its period's length
                with Horizontal(classes="row"):
                    yield Label(t("calendar.field.study_hours"))
                    yield Input(f"{activity.study_hours:g}" if activity.study_hours else "",
                                placeholder=t("calendar.study_hours_hint"), id="activity-study-hours")
            with Horizontal(classes="row"):
                yield Label(t("calendar.field.kind"))
                yield Select([(k, k) for k in ACTIVITY_KINDS], value=activity.kind if activity.kind in ACTIVITY_KINDS
                             else "其他", allow_blank=False, compact=True, id="activity-kind")
            with Horizontal(classes="row"):
                yield Label(t("calendar.field.topic"))
                yield Input(activity.topic, id="activity-topic")
            with Horizontal(classes="row"):
                yield Label(t("calendar.field.content"))
                yield Input(activity.content, id="activity-content")
            with Horizontal(classes="row"):
                yield Label(t("calendar.field.host"))
                yield TeacherField(teachers, groups=lambda: groups, id="activity-host")
            with Horizontal(classes="row"):
                yield Label(t("calendar.field.speaker"))
                yield TeacherField(teachers, groups=lambda: groups, id="activity-speaker")
            yield Static(id="activity-rotation")
            with Horizontal(classes="row"):
                yield Label(t("calendar.field.recorder"))
                yield TeacherField(teachers, groups=lambda: groups, id="activity-recorder")
            statuses = ["planned", "held", "cancelled"] + (["skipped"] if activity.status == "skipped" else [])
            with Horizontal(classes="row"):
                yield Label(t("calendar.field.status"))
                yield Select([(t(f"status.{s}"), s) for s in statuses], value=activity.status, allow_blank=False,
                             compact=True, id="activity-status")
            with Horizontal(classes="row"):
                yield Label(t("calendar.field.cancel_reason"))
                yield Input(activity.cancel_reason, placeholder=t("calendar.cancel_reason_hint"),
                            id="activity-reason")
            yield Static(id="activity-attendance")
            yield Label(t("calendar.field.minutes"))
            yield TextArea(activity.minutes, soft_wrap=True, id="activity-minutes")
            with Horizontal(classes="row"):
                yield Label(t("calendar.field.summary"))
                yield Input(activity.summary, id="activity-summary")
            yield Static(id="activity-error")
            yield Static(id="activity-conflicts")
        yield FittedFooter()  # keys stop at the palette key instead of running under it

    def on_mount(self) -> None:
        store = self.app.store
        self.query_one("#activity-host", TeacherField).set_teacher(store.get(Teacher, self.activity.host_id))
        self.query_one("#activity-speaker", TeacherField).set_teacher(store.get(Teacher, self.activity.speaker_id))
        self.query_one("#activity-recorder", TeacherField).set_teacher(store.get(Teacher, self.activity.recorder_id))
        self._show_title()
        self._show_attendance()
        self._show_conflicts(conflicts_with(self.activity, store.all(Activity)) if self.activity.id else [])
        if self.read_only:
            for widget in self.query("#activity-form Input, #activity-form Select, #activity-form TeacherField"):
                widget.disabled = True
            self.query_one("#activity-minutes", TextArea).read_only = True
            scroll = self.query_one("#activity-form")
            scroll.can_focus = True  # read-only: the record itself takes the arrows and scrolls
            scroll.focus()
        elif self.focus_on == "minutes":
            minutes = self.query_one("#activity-minutes", TextArea)
            minutes.focus()
            self.call_after_refresh(minutes.scroll_visible)
        else:
            self.query_one("#activity-date", Input).focus()
        self.call_after_refresh(self._mark_clean)

    def _typed(self) -> tuple:
        """Everything the user can change in the form, to tell whether escape loses typing."""
        values = [w.value for w in self.query("#activity-form Input")]
        values += [w.value for w in self.query("#activity-form Select")]
        values.append(self.query_one("#activity-minutes", TextArea).text)
        values.append(sorted(self.marks.items()))
        return tuple(str(v) for v in values)

    def _mark_clean(self) -> None:
        self._clean = self._typed()

    def action_back(self) -> None:
        """Back to the calendar; typed minutes are not thrown away without asking."""
        if self.read_only or self._typed() == getattr(self, "_clean", None):
            self.app.pop_screen()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.app.pop_screen()

        from screens.dialogs.confirm import ConfirmScreen

        self.app.push_screen(ConfirmScreen(t("calendar.confirm.discard")), answered)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("save", "attendance"):
            return not getattr(self, "read_only", True)
        if action == "record":
            return bool(getattr(self, "activity", None) and self.activity.id)
        if action == "evaluations":  # the 听课 records linked to this activity (issue 15)
            return bool(getattr(self, "activity", None) and self.activity.id)
        return True

    def action_evaluations(self) -> None:
        from screens.observations.evaluations import ActivityEvaluations

        self.app.push_screen(ActivityEvaluations(self.activity.id))

    # -- the 教研活动记录表 (issue 16) ------------------------------------------------------

    def action_record(self) -> None:
        """Write the activity's record sheet (.docx), as saved, to a path the user types."""
        from models.exports.activity_record import Lookups, default_record_name
        from screens.dialogs.save_path import SavePathDialog

        saved = read_activity(self.app.store, self.activity.id) if self.activity.id else None
        if saved is None:
            return
        name = default_record_name(saved, Lookups.of(self.app.store))
        self.app.push_screen(SavePathDialog(t("calendar.record.title"), name, hint=t("calendar.record.hint")),
                             lambda path: path and self.write_record(saved, path))

    @work(thread=True, exclusive=True, group="record")
    def write_record(self, activity: Activity, path: str) -> None:
        from models.exports.activity_record import activity_record_docx
        from models.exports.templates import TemplateError
        from models.store.archive import view_for
        from models.store.outputs import write_output
        from models.store.storage import DataFileError

        store = self.app.store
        term = term_by_id(store.all(Term), activity.term_id)
        try:
            write_output(path, activity_record_docx(view_for(store, term), activity, store.path), store.path)
        except (TemplateError, DataFileError) as error:  # a broken school form; a path that is refused
            self.app.call_from_thread(self.app.notify, str(error), severity="error", markup=False)
            return
        except OSError as error:
            self.app.call_from_thread(self.app.notify, t("calendar.cli.write_failed", path=path,
                                                         reason=error.strerror or str(error)),
                                      severity="error", markup=False)
            return
        self.app.call_from_thread(self.app.notify, t("calendar.record.done", path=path), markup=False)
        self.app.call_from_thread(self.app.announce_download, Path(path))

    def _show_title(self) -> None:
        store = self.app.store
        group = store.get(Group, self.activity.group_id)
        title = Text(group.name if group else t("calendar.school_event"), style="bold")
        if self.activity.id:
            title.append("  " + format_date(self.activity.date, store.all(Term)))
            title.append("  " + t("calendar.activity_id", id=self.activity.id), style="dim")
        else:
            title.append("  " + t("calendar.new_event_title"))
        if self.read_only:
            if is_archived_term(store.all(Term), self.activity.term_id):
                reason = t("calendar.archived_read_only", term=self.activity.term_id)
            else:
                reason = t("calendar.read_only", who=refusal(store, self.app.user or self.app.login,
                                                               "update", self.activity))
            title.append("\n" + reason, style="yellow")
        self.query_one("#activity-title", Static).update(title)

    def _fill(self, activity: Activity) -> None:
        """Put a version of the record in the form (the other session's, after t)."""
        store = self.app.store
        policy = store.policy()
        self.activity = activity
        self.marks = dict(activity.attendance)
        for field_id, value in (("#activity-date", activity.date),
                                ("#activity-period", format_period(activity.period, policy)),
                                ("#activity-place", activity.place), ("#activity-topic", activity.topic),
                                ("#activity-content", activity.content), ("#activity-reason", activity.cancel_reason),
                                ("#activity-summary", activity.summary)):
            self.query_one(field_id, Input).value = value
        if not activity.group_id:
            self.query_one("#activity-event", Input).value = activity.event
            self.query_one("#activity-study-hours", Input).value = (f"{activity.study_hours:g}"
                                                                    if activity.study_hours else "")
        self.query_one("#activity-attendees", Select).value = KEEP
        for field_id, value in (("#activity-kind", activity.kind if activity.kind in ACTIVITY_KINDS else "其他"),
                                ("#activity-status", activity.status)):
            try:
                self.query_one(field_id, Select).value = value
            except InvalidSelectValueError:
                pass  # a status the form does not offer (skipped): keep the choice shown
        self.query_one("#activity-host", TeacherField).set_teacher(store.get(Teacher, activity.host_id))
        self.query_one("#activity-speaker", TeacherField).set_teacher(store.get(Teacher, activity.speaker_id))
        self.query_one("#activity-recorder", TeacherField).set_teacher(store.get(Teacher, activity.recorder_id))
        self.query_one("#activity-minutes", TextArea).text = activity.minutes
        self.query_one("#activity-error", Static).update("")
        self._show_title()
        self._show_attendance()

    def _show_attendance(self) -> None:
        counts = attendance_counts(self.activity.copy(attendance=self.marks))
        text = Text(t("calendar.field.attendance") + "：", style="bold")
        text.append(t("calendar.attendance_short", **counts) if self.marks else t("calendar.attendance_none"))
        self.query_one("#activity-attendance", Static).update(text)
        self._show_rotation()

    def _show_rotation(self) -> None:
        """Who the speaker rotation passes over for this meeting, and why (issue 16)."""
        store = self.app.store
        group = store.get(Group, self.activity.group_id)
        line = Text()
        if group is not None and self.activity.status not in NOT_MEETING:
            names = {x.id: x.name for x in store.all(Teacher)}
            skipped = skipped_for(self.activity.copy(attendance=self.marks), group, store.all(Teacher),
                                  store.policy().new_teacher_speaker_weeks)
            parts = [t(f"calendar.skip.{s.reason}", name=names.get(s.teacher_id, "?"), day=s.until) for s in skipped]
            if parts:
                line.append(t("calendar.rotation_skipped", names="、".join(parts)), style="dim")
        self.query_one("#activity-rotation", Static).update(line)

    def _show_conflicts(self, conflicts) -> None:

        data = CalendarData.load(self.app.store)
        text = Text()
        for conflict in conflicts:
            text.append(("\n" if text else "") + "⚠ " + conflict_text(conflict, data))
        self.query_one("#activity-conflicts", Static).update(text)

    # -- attendance and saving ------------------------------------------------------------

    def action_attendance(self) -> None:
        from screens.calendar.attendance import AttendanceScreen

        draft = self.activity.copy(attendance=self.marks, attendee_ids=self._attendees())

        def done(marks: dict[str, str] | None) -> None:
            if marks is not None:
                self.marks = marks
                self._show_attendance()

        self.app.push_screen(AttendanceScreen(draft), done)

    def _attendees(self) -> list[int]:
        store = self.app.store
        choice = self.query_one("#activity-attendees", Select).value
        if choice == WHOLE_STAFF:
            return [x.id for x in store.all(Teacher) if x.active]
        if isinstance(choice, str) and choice.startswith("group:"):
            group = store.get(Group, int(choice.split(":", 1)[1]))
            return list(group.member_ids) if group else []
        return list(self.activity.attendee_ids)

    def _picked(self, field_id: str, label_key: str) -> int:
        field = self.query_one(field_id, TeacherField)
        if field.teacher is not None and field.value == field.teacher.name:
            return field.teacher.id
        if not field.value.strip():
            return 0
        raise BadInput(t("calendar.error.teacher", field=t(label_key), value=field.value.strip()))

    def _build(self) -> Activity:
        store = self.app.store
        today = self.app.today
        policy = store.policy()
        day = parse_date(self.query_one("#activity-date", Input).value, today)
        period = parse_period(self.query_one("#activity-period", Input).value, policy)
        term = term_of(store.all(Term), day)
        if term is None:
            raise BadInput(t("calendar.error.no_term_for", day=day.isoformat()))
        activity = self.activity
        changes = dict(
            date=day.isoformat(), period=period, term_id=term.term_id,
            place=self.query_one("#activity-place", Input).value.strip(),
            attendee_ids=self._attendees(),
            kind=str(self.query_one("#activity-kind", Select).value),
            topic=self.query_one("#activity-topic", Input).value.strip(),
            content=self.query_one("#activity-content", Input).value.strip(),
            host_id=self._picked("#activity-host", "calendar.field.host"),
            speaker_id=self._picked("#activity-speaker", "calendar.field.speaker"),
            recorder_id=self._picked("#activity-recorder", "calendar.field.recorder"),
            status=str(self.query_one("#activity-status", Select).value),
            cancel_reason=self.query_one("#activity-reason", Input).value.strip(),
            minutes=self.query_one("#activity-minutes", TextArea).text.rstrip(),
            summary=self.query_one("#activity-summary", Input).value.strip(),
            attendance=dict(self.marks), touched=True,
        )
        if not activity.group_id:
            changes["event"] = self.query_one("#activity-event", Input).value.strip()
            if not changes["event"] and not changes["topic"]:
                raise BadInput(t("calendar.error.event_name"))
            raw = self.query_one("#activity-study-hours", Input).value.strip()
            try:
                hours = float(raw) if raw else 0.0
            except ValueError:
                raise BadInput(t("research.error.hours", value=raw)) from None
            if not 0 <= hours <= 100:
                raise BadInput(t("research.error.hours", value=raw))
            changes["study_hours"] = hours
        if activity.generated and changes["date"] != activity.date and not activity.moved_from:
            changes["moved_from"] = activity.date
        if changes["status"] == "skipped" and changes["date"] != activity.date:
            changes["status"] = "planned"
        record = activity.copy(**changes)
        user = self.app.user
        return record.copy(recorder_id=recorder_for(activity if activity.id else None, record, user.id if user else 0))

    def action_save(self) -> None:
        if self.read_only:
            return
        error = self.query_one("#activity-error", Static)
        try:
            record = self._build()
        except BadInput as problem:
            error.update(Text(str(problem)))
            return
        if self._needs_day_confirmed(record) and record.group_id:
            # A group's weekly meeting follows the school days, as moving one (v) does.
            error.update(Text(t("calendar.move_not_school_day", day=record.date)))
            self.query_one("#activity-date", Input).focus()
            return
        if self._needs_day_confirmed(record):
            from screens.dialogs.confirm import ConfirmScreen

            def answered(keep_day: bool | None) -> None:
                if keep_day:
                    self._confirmed_day = record.date
                    self.action_save()
                else:
                    self.query_one("#activity-date", Input).focus()

            day = dt.date.fromisoformat(record.date)
            kind = "weekend" if day.weekday() >= 5 else "closed"
            question = t(f"calendar.confirm_{kind}_day", day=format_date(record.date, self.app.store.all(Term)))
            self.app.push_screen(ConfirmScreen(question, yes=t("calendar.key.keep_day"), no=t("calendar.key.change_day")),
                                 answered)
            return
        # Held means held (issue 16): a meeting whose day has come, with attendance taken
        # or minutes written, is held — or the school confirms it first.
        decision = held_on_save(record, self.app.today, self.app.store.policy())
        self._decision = decision
        if decision == MARK_HELD:
            self._store(record.copy(status="held"))
        elif decision == ASK_HELD and not getattr(self, "_asked_held", False):
            from screens.calendar.held_question import HeldQuestion

            def answered(yes: bool | None) -> None:
                self._asked_held = True  # asked once: a "no" is not asked again in this form
                self._decision = MARK_HELD if yes else ""
                self._store(record.copy(status="held") if yes else record)

            self.app.push_screen(HeldQuestion(), answered)
        else:
            self._store(record)

    def _needs_day_confirmed(self, record: Activity) -> bool:
        """A meeting put on a day without lessons (a holiday, a weekend, a day the school
        closed): a group's meeting is refused, a school event asked about once (schools do
        hold the odd weekend training, but a date typed one day off should not quietly land
        on 国庆). A day the activity already had is left alone."""
        if record.status in NOT_MEETING or record.date == self.activity.date:
            return False
        if record.date == getattr(self, "_confirmed_day", None):
            return False
        term = term_of(self.app.store.all(Term), dt.date.fromisoformat(record.date))
        return term is not None and not is_school_day(term, dt.date.fromisoformat(record.date))

    def _store(self, record: Activity) -> None:
        """Save ``record`` (insert when it has no id); on a conflict, ask whose version wins."""
        error = self.query_one("#activity-error", Static)
        store = self.app.store
        clashes = conflicts_with(record, store.all(Activity))
        try:
            with store.transaction() as tx:
                saved = tx.update(record) if record.id else tx.insert(record)
        except ValidationFailed as failed:
            error.update(Text("\n".join(str(p) for p in failed.problems)))
            return
        except ConflictError as conflict:
            resolve_conflict(self.app, conflict, save_mine=self._store, take_theirs=self._take_theirs,
                             labels=field_labels(), show=lambda name, value: show_activity_value(store, name, value))
            return
        except JiaoyanError as failed:  # PermissionDenied too: its message says who may
            error.update(Text(str(failed)))
            return
        self.activity = saved
        decision = getattr(self, "_decision", "")
        day = format_date(saved.date, store.all(Term))
        if decision == MARK_HELD and saved.status == "held":
            message = t("calendar.saved_held", day=day)
        elif decision == NEEDS_ATTENDANCE:
            message = t("calendar.saved_needs_attendance")
        else:
            message = t("calendar.saved", day=day)
        if clashes:
            data = CalendarData.load(store)
    
            message += "\n" + "\n".join("⚠ " + conflict_text(c, data) for c in clashes)
        self.app.pop_screen()
        self.app.notify(message, severity="warning" if clashes or decision == NEEDS_ATTENDANCE else "information",
                        markup=False, timeout=8 if clashes or decision == NEEDS_ATTENDANCE else 3)

    def _take_theirs(self, theirs: Activity | None) -> None:
        if theirs is None:  # they deleted it: nothing left to edit
            self.app.pop_screen()
            self.app.notify(t("calendar.gone"), severity="warning")
            return
        self._fill(theirs)
        self.call_after_refresh(self._mark_clean)
