"""评比: the term's competitions, and one competition's entries from three sides.

* The office (admin): ``n`` opens a competition (name, kinds accepted, deadline, judges,
  level); on a competition ``r`` sets an entry's prize and recommendation, ``p`` publishes.
* A teacher: ``s`` submits one of their outcomes (of a kind it accepts, before the
  deadline), ``d`` withdraws their own entry until the deadline.
* ``o`` writes the 评比结果 sheet as Word (models/exports/competition_result.py): anyone's
  once published, before that the office's working sheet with each judge's score.
* A judge: ``j`` scores the highlighted entry (0–100 and a comment); a judge sees only
  their own scores, a teacher none before publication (models/competitions.py).

``enter`` on an entry reads its text. Keys show only when the rules let the user take
that step; the store refuses the rest anyway.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Select, Static

from models import competitions as comp
from models.dates import BadInput, parse_date
from models.errors import JiaoyanError
from models.i18n import t
from models.observations import resolve_teacher
from models.records import OUTCOME_KINDS, OUTCOME_LEVELS, PRIZES, Competition, CompetitionEntry, Outcome, Teacher
from models.terms import is_archived
from screens.widgets.cells import fit
from screens.dialogs.base import Dialog
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings
from screens.widgets.table_cursor import ListTable, cursor_id, restore_cursor
from screens.widgets.fitted_footer import FittedFooter

SPLIT = re.compile(r"[、,，;；\s]+")


def _names(store, ids) -> str:
    teachers = {x.id: x.name for x in store.all(Teacher)}
    return "、".join(teachers.get(i, "?") for i in ids)


def _status(competition: Competition, today) -> str:
    if competition.status == "published":
        return t("competitions.status.published")
    return t("competitions.status.open") if comp.is_open(competition, today) else t("competitions.status.judging")


class CompetitionsScreen(Screen):
    """The term's competitions: ``enter`` opens one, ``n`` (office) opens a new one."""

    BINDINGS = [
        Binding("enter", "open", "key.open", id="competitions.open", priority=True),  # shown over the table's own
        Binding("n", "new", "key.new", id="competitions.new"),
        Binding("escape", "app.pop_screen", "key.back", id="competitions.back"),
    ]
    CSS_PATH = "outcomes.tcss"

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(id="competitions-line")
        yield ListTable(id="competitions-list", cursor_type="row", zebra_stripes=True)
        yield FittedFooter()

    def on_mount(self) -> None:
        self.refresh_data()
        self.query_one("#competitions-list", DataTable).focus()

    def data_changed(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        store, term = self.app.store, self.app.term
        table = self.query_one("#competitions-list", DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        widths = {"name": 18, "kinds": 14, "deadline": 10, "judges": 12, "status": 6, "entries": 4}
        for key, width in widths.items():
            table.add_column(Text(t(f"competitions.col.{key}")), key=key, width=width)
        shown = comp.competitions_of(store, term.term_id) if term else []
        for c in shown:  # cut with … to their columns, not mid-word
            table.add_row(Text(fit(c.name, widths["name"])), Text(fit("、".join(c.kinds), widths["kinds"])),
                          Text(c.deadline), Text(fit(_names(store, c.judge_ids), widths["judges"])),
                          Text(fit(_status(c, self.app.today), widths["status"])), Text(str(len(comp.entries_of(store, c))), justify="right"),
                          key=str(c.id))
        restore_cursor(table, row=keep)
        line = t("competitions.line", term=term.name if term else "—", count=len(shown)) if shown else \
            t("competitions.none")
        self.query_one("#competitions-line", Static).update(Text(line))
        self.refresh_bindings()

    def highlighted(self) -> Competition | None:
        table = self.query_one("#competitions-list", DataTable)
        competition_id = cursor_id(table)
        return self.app.store.get(Competition, competition_id) if competition_id is not None else None

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "new":
            term = self.app.term
            user = self.app.user
            return (user is not None and user.is_admin and term is not None and not is_archived(term))
        if action == "open":
            return self.highlighted() is not None
        return True

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        competition = self.highlighted()
        if competition is not None:
            self.app.push_screen(CompetitionScreen(competition.id), lambda _r: self.refresh_data())

    def action_new(self) -> None:
        def made(competition_id: int | None) -> None:
            self.refresh_data()
            if competition_id:
                table = self.query_one("#competitions-list", DataTable)
                restore_cursor(table, key=str(competition_id))

        self.app.push_screen(CompetitionForm(), made)


class CompetitionForm(Dialog[int | None]):
    """The office opens a competition: name, kinds accepted, deadline, judges, level."""

    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="competition_form.save", priority=True),
        Binding("escape", "cancel", "key.back", id="competition_form.cancel"),
    ]
    CSS_PATH = "outcomes.tcss"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(t("competitions.form.title"), style="bold"))
            with Horizontal():
                yield Label(t("competitions.col.name"))
                yield Input(placeholder=t("competitions.form.name_hint"), id="competition-name", compact=True)
            with Horizontal():
                yield Label(t("competitions.col.kinds"))
                yield Input("教学反思、教学案例、教学论文", id="competition-kinds", compact=True)
            with Horizontal():
                yield Label(t("competitions.col.deadline"))
                yield Input(placeholder=t("competitions.form.deadline_hint"), id="competition-deadline", compact=True)
            with Horizontal():
                yield Label(t("competitions.col.judges"))
                yield Input(placeholder=t("competitions.form.judges_hint"), id="competition-judges", compact=True)
            with Horizontal():
                yield Label(t("competitions.col.level"))
                yield Select([(x, x) for x in OUTCOME_LEVELS], value=OUTCOME_LEVELS[0], allow_blank=False,
                             id="competition-level", compact=True)
            yield Static(Text(t("competitions.form.hint"), style="dim"))
            yield Static(id="competition-error")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.query_one("#competition-name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def read(self) -> tuple[Competition | None, list[str]]:
        store, term = self.app.store, self.app.term
        problems: list[str] = []
        kinds = [k for k in SPLIT.split(self.query_one("#competition-kinds", Input).value) if k]
        for kind in kinds:
            if kind not in OUTCOME_KINDS:
                problems.append(t("error.bad_choice", field=t("field.outcome_kind"), value=kind,
                                  choices="、".join(OUTCOME_KINDS)))
        deadline = ""
        raw = self.query_one("#competition-deadline", Input).value
        try:
            deadline = parse_date(raw, self.app.today).isoformat() if raw.strip() else ""
        except BadInput as error:
            problems.append(str(error))
        judges = []
        teachers = store.all(Teacher)
        for name in (n for n in SPLIT.split(self.query_one("#competition-judges", Input).value) if n):
            try:
                judge = resolve_teacher(teachers, name, "field.judges")
            except BadInput as error:
                problems.append(str(error))
                continue
            if judge.id not in judges:
                judges.append(judge.id)
        level = self.query_one("#competition-level", Select).value
        competition = Competition(term_id=term.term_id if term else "", name=self.query_one("#competition-name",
                                                                                           Input).value.strip(),
                                  kinds=kinds, deadline=deadline, judge_ids=judges,
                                  level=level if isinstance(level, str) else OUTCOME_LEVELS[0])
        problems += [str(p) for p in competition.validate() if str(p) not in problems]
        return (None, problems) if problems else (competition, [])

    def action_save(self) -> None:
        competition, problems = self.read()
        error = self.query_one("#competition-error", Static)
        if competition is None:
            error.update(Text("\n".join(problems)))
            return
        try:
            with self.app.store.transaction() as tx:
                saved = tx.insert(competition)
        except JiaoyanError as failure:
            error.update(Text(str(failure)))
            return
        self.app.notify(t("competitions.opened", name=saved.name), markup=False)
        self.dismiss(saved.id)


class CompetitionScreen(Screen):
    """One competition: its entries, with what the user may see of their scores."""

    BINDINGS = [
        Binding("enter", "read", "outcomes.key.text", id="competition.read", priority=True),
        Binding("s", "submit", "competitions.key.submit", id="competition.submit"),
        Binding("d", "withdraw", "competitions.key.withdraw", id="competition.withdraw"),
        Binding("j", "score", "competitions.key.score", id="competition.score"),
        Binding("r", "result", "competitions.key.result", id="competition.result"),
        Binding("p", "publish", "competitions.key.publish", id="competition.publish"),
        Binding("o", "print_result", "competitions.key.print", id="competition.print"),
        Binding("escape", "app.pop_screen", "key.back", id="competition.back"),
    ]
    CSS_PATH = "outcomes.tcss"

    def __init__(self, competition_id: int):
        super().__init__()
        translate_bindings(self)
        self.competition_id = competition_id

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(id="competition-about")
        yield ListTable(id="competition-entries", cursor_type="row", zebra_stripes=True)
        yield FittedFooter()

    def on_mount(self) -> None:
        self.refresh_data()
        self.query_one("#competition-entries", DataTable).focus()

    def data_changed(self) -> None:
        self.refresh_data()

    @property
    def competition(self) -> Competition | None:
        return self.app.store.get(Competition, self.competition_id)

    def refresh_data(self) -> None:
        store, me, competition = self.app.store, self.app.user, self.competition
        table = self.query_one("#competition-entries", DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        if competition is None:
            return
        about = Text()
        about.append(competition.name, style="bold")
        about.append("  " + t("competitions.about", kinds="、".join(competition.kinds), deadline=competition.deadline,
                              judges=_names(store, competition.judge_ids), level=competition.level,
                              status=_status(competition, self.app.today)))
        if comp.is_judge(competition, me) and competition.status != "published":
            about.append("\n" + t("competitions.judge_note"), style="yellow")
        self.query_one("#competition-about", Static).update(about)
        published = competition.status == "published"
        judge = comp.is_judge(competition, me)
        columns = [("teacher", 8), ("kind", 8), ("title", 20)]
        if judge:
            columns.append(("my_score", 6))
        columns += [("average", 6), ("prize", 6), ("recommended", 8)]
        for key, width in columns:
            table.add_column(Text(t(f"competitions.col.{key}")), key=key, width=width)
        rows = comp.entry_rows(store, me, competition)
        for row in rows:
            outcome = row.outcome
            cells = [Text(fit(row.teacher.name if row.teacher else "?", 8)), Text(fit(outcome.kind if outcome else "?", 8)),
                     Text(fit(outcome.title if outcome else "?", 20))]
            if judge:
                cells.append(Text(f"{row.my_score.score:g}" if row.my_score else "—", justify="right"))
            show_average = bool(row.scores) and (published or (me is not None and me.is_admin))
            cells += [Text(f"{row.average:g}" if show_average and row.average is not None else "—", justify="right"),
                      Text(fit(row.entry.prize, 6)), Text(fit(row.entry.recommended, 8))]
            table.add_row(*cells, key=str(row.entry.id))
        restore_cursor(table, row=keep)
        self.refresh_bindings()

    def highlighted(self) -> CompetitionEntry | None:
        try:
            table = self.query_one("#competition-entries", DataTable)
        except Exception:  # not composed yet
            return None
        entry_id = cursor_id(table)
        return self.app.store.get(CompetitionEntry, entry_id) if entry_id is not None else None

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        competition, me = self.competition, self.app.user
        if competition is None or me is None:
            return action not in ("read", "submit", "withdraw", "score", "result", "publish", "print_result")
        if action == "print_result":  # published: anyone; before: the office's working sheet
            from models.exports.competition_result import may_print

            return may_print(competition, me)
        entry = self.highlighted()
        open_now = comp.is_open(competition, self.app.today)
        if action == "read":
            return entry is not None
        if action == "submit":
            return open_now and bool(comp.submittable_outcomes(self.app.store, me, competition))
        if action == "withdraw":
            return (entry is not None and open_now and (entry.teacher_id == me.id or me.is_admin)
                    and not any(s.entry_id == entry.id for s in comp.scores_of(self.app.store, competition)))
        if action == "score":
            return entry is not None and comp.is_judge(competition, me) and competition.status != "published"
        if action in ("result", "publish"):
            return me.is_admin and competition.status != "published" and (action == "publish" or entry is not None)
        return True

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_read()

    def _tell(self, failure: JiaoyanError) -> None:
        self.notify(str(failure), severity="error", markup=False)

    def action_print_result(self) -> None:
        """The 评比结果 sheet as Word: the one save dialog, the one registry and Word builder."""
        from models.exports.competition_result import competition_report, default_competition_name
        from models.exports.registry import render
        from screens.dialogs.save_path import SavePathDialog

        competition, store, me = self.competition, self.app.store, self.app.user
        if competition is None:
            return
        self.app.push_screen(SavePathDialog(t("competitions.print.path_prompt"), default_competition_name(competition),
                                            lambda: render(competition_report(store, me, competition), "docx")))

    def action_read(self) -> None:
        from screens.outcomes.text_editor import OutcomeTextEditor

        entry = self.highlighted()
        if entry is not None:
            self.app.push_screen(OutcomeTextEditor(entry.outcome_id))

    def action_submit(self) -> None:
        competition, me = self.competition, self.app.user
        if competition is None or me is None:
            return
        choices = comp.submittable_outcomes(self.app.store, me, competition)

        def chosen(outcome_id: int | None) -> None:
            outcome = self.app.store.get(Outcome, outcome_id) if outcome_id else None
            if outcome is None:
                return
            try:
                comp.submit(self.app.store, me, competition, outcome, self.app.today)
            except JiaoyanError as failure:
                self._tell(failure)
                return
            self.notify(t("competitions.submitted", title=outcome.title, name=competition.name), markup=False)
            self.refresh_data()

        self.app.push_screen(PickDialog(t("competitions.pick_outcome", name=competition.name),
                                        [(f"{o.kind}《{o.title}》", o.id) for o in choices]), chosen)

    def action_withdraw(self) -> None:
        entry = self.highlighted()
        if entry is None:
            return
        try:
            with self.app.store.transaction() as tx:
                tx.delete(entry)
        except JiaoyanError as failure:
            self._tell(failure)
            return
        self.notify(t("competitions.withdrawn"), markup=False)
        self.refresh_data()

    def action_score(self) -> None:
        competition, me, entry = self.competition, self.app.user, self.highlighted()
        if competition is None or me is None or entry is None:
            return
        mine = next((s for s in comp.scores_of(self.app.store, competition)
                     if s.entry_id == entry.id and s.judge_id == me.id), None)

        def scored(answer: tuple[float, str] | None) -> None:
            if answer is None:
                return
            try:
                comp.set_score(self.app.store, me, entry, answer[0], answer[1])
            except JiaoyanError as failure:
                self._tell(failure)
                return
            self.refresh_data()

        outcome = self.app.store.get(Outcome, entry.outcome_id)
        self.app.push_screen(ScoreDialog(outcome.title if outcome else "?", mine.score if mine else None,
                                         mine.comment if mine else ""), scored)

    def action_result(self) -> None:
        entry = self.highlighted()
        if entry is None:
            return

        def decided(answer: tuple[str, str] | None) -> None:
            if answer is None:
                return
            try:
                comp.set_result(self.app.store, entry, *answer)
            except JiaoyanError as failure:
                self._tell(failure)
                return
            self.refresh_data()

        self.app.push_screen(ResultDialog(entry.prize, entry.recommended), decided)

    def action_publish(self) -> None:
        from screens.dialogs.confirm import ConfirmScreen

        competition = self.competition
        if competition is None:
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                comp.publish(self.app.store, competition, self.app.today)
            except JiaoyanError as failure:
                self._tell(failure)
                return
            self.notify(t("competitions.published", name=competition.name), markup=False)
            self.refresh_data()

        question = t("competitions.publish_confirm", name=competition.name)
        missing = comp.not_ready(self.app.store, competition, self.app.today)
        if missing:  # said before the office decides, not found out after
            question = "\n".join([t("competitions.ready.head"), *("· " + line for line in missing), "", question])
        self.app.push_screen(ConfirmScreen(question,
                                           yes=t("competitions.key.publish"), no=t("key.back")), answered)


class PickDialog(Dialog[int | None]):
    """Pick one of a few things from a list: enter takes it, escape goes back."""

    BINDINGS = [Binding("escape", "cancel", "key.back", id="pick.cancel")]
    CSS_PATH = "outcomes.tcss"

    def __init__(self, prompt: str, choices: list[tuple[str, int]]):
        super().__init__()
        self.prompt, self.choices = prompt, choices

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.prompt, style="bold"))
            yield ListTable(id="pick-list", cursor_type="row", show_header=False)
        yield FittedFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("choice")
        for label, value in self.choices:
            table.add_row(Text(label), key=str(value))
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.dismiss(int(event.row_key.value))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ScoreDialog(Dialog[tuple[float, str] | None]):
    """A judge's score (0–100) and comment; enter in the comment (or ctrl+s) saves."""

    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="score.save", priority=True),
        Binding("escape", "cancel", "key.back", id="score.cancel"),
    ]
    CSS_PATH = "outcomes.tcss"

    def __init__(self, title: str, score: float | None, comment: str):
        super().__init__()
        self.title_text, self.score, self.comment = title, score, comment

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(t("competitions.score_title", title=self.title_text), style="bold"))
            with Horizontal():
                yield Label(t("competitions.col.score"))
                yield Input("" if self.score is None else f"{self.score:g}", placeholder="0–100", id="score-value",
                            compact=True)
            with Horizontal():
                yield Label(t("competitions.col.comment"))
                yield Input(self.comment, id="score-comment", compact=True)
            yield Static(id="score-error")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.query_one("#score-value", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "score-value":
            self.query_one("#score-comment", Input).focus()
        else:
            self.action_save()

    def action_save(self) -> None:
        raw = self.query_one("#score-value", Input).value.strip()
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if not 0 <= value <= 100:
            self.query_one("#score-error", Static).update(Text(t("competitions.error.score", value=raw)))
            return
        self.dismiss((value, self.query_one("#score-comment", Input).value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ResultDialog(Dialog[tuple[str, str] | None]):
    """The office's result for an entry: a prize (or none) and a recommendation upward (or none)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="result.save", priority=True),
        Binding("escape", "cancel", "key.back", id="result.cancel"),
    ]
    CSS_PATH = "outcomes.tcss"

    def __init__(self, prize: str, recommended: str):
        super().__init__()
        self.prize, self.recommended = prize, recommended

    def compose(self) -> ComposeResult:
        none = t("competitions.none_choice")
        with Vertical():
            yield Static(Text(t("competitions.result_title"), style="bold"))
            with Horizontal():
                yield Label(t("competitions.col.prize"))
                yield Select([(none, ""), *[(p, p) for p in PRIZES]], value=self.prize, allow_blank=False,
                             id="result-prize", compact=True)
            with Horizontal():
                yield Label(t("competitions.col.recommended"))
                yield Select([(none, ""), *[(x, x) for x in comp.RECOMMEND_LEVELS]], value=self.recommended,
                             allow_blank=False, id="result-recommended", compact=True)
        yield FittedFooter()

    def on_mount(self) -> None:
        self.query_one("#result-prize", Select).focus()

    def action_save(self) -> None:
        prize = self.query_one("#result-prize", Select).value
        recommended = self.query_one("#result-recommended", Select).value
        self.dismiss((prize if isinstance(prize, str) else "", recommended if isinstance(recommended, str) else ""))

    def action_cancel(self) -> None:
        self.dismiss(None)
