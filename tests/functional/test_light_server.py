"""Issue 13 in the running app: work done once, not twice. Counts, never timings."""

from __future__ import annotations

import pytest

from screens.mentoring.screen import MentoringScreen
from screens.observations.screen import ObservationsScreen
from screens.rosters.screen import RostersScreen
from tests.functional.waiting import wait_for


@pytest.mark.parametrize("key, screen_class", [("2", RostersScreen), ("3", ObservationsScreen),
                                               ("4", MentoringScreen)])
async def test_the_first_visit_to_an_area_builds_its_lists_once(make_test_app, monkeypatch, key, screen_class):
    builds = []
    real = screen_class.refresh_data

    def counting(self):
        builds.append(self)
        return real(self)

    monkeypatch.setattr(screen_class, "refresh_data", counting)
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(key)
        assert await wait_for(pilot, lambda: isinstance(app.screen, screen_class) and builds)
        await pilot.pause(0.3)
        assert len(builds) == 1


async def test_the_history_of_terms_is_worked_out_off_the_ui_thread_and_kept(make_test_app, monkeypatch):
    import threading

    from models import dashboard
    from screens.dashboard.term_over_term import TermOverTermScreen

    threads, builds = [], []
    real_term, real_build = dashboard.term_dashboard, dashboard.build_dashboard

    def recording(store, term, today):
        threads.append(threading.current_thread() is threading.main_thread())
        return real_term(store, term, today)

    def counting(source, term, today):
        builds.append(term.term_id)
        return real_build(source, term, today)

    monkeypatch.setattr(dashboard, "term_dashboard", recording)
    monkeypatch.setattr(dashboard, "build_dashboard", counting)
    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_for(pilot, lambda: getattr(app.screen, "AREA", "") == "dashboard")
        for _ in range(2):
            await pilot.press("h")
            assert await wait_for(pilot, lambda: isinstance(app.screen, TermOverTermScreen))
            await app.workers.wait_for_complete()
            table = app.screen.query_one("DataTable")
            assert await wait_for(pilot, lambda: table.row_count == 2 and "学期" in str(table.get_row_at(0)[0]))
            await pilot.press("escape")
            assert await wait_for(pilot, lambda: getattr(app.screen, "AREA", "") == "dashboard")
    assert threads and not any(threads)  # never on the UI thread
    history = [x for x in builds if x == "2024-2025-2"]
    assert len(history) == 1  # the closed term's figures are worked out once, then kept


async def test_a_table_refill_touches_only_the_rows_that_changed():
    from rich.text import Text
    from textual.app import App
    from textual.widgets import DataTable

    from screens.widgets.table_rows import fill_rows

    def rows(spec):
        return [(key, (Text(key), Text(value))) for key, value in spec]

    class One(App):
        def compose(self):
            yield DataTable()

    app = One()
    async with app.run_test(size=(80, 24)):
        table = app.query_one(DataTable)
        table.add_columns("key", "value")
        assert fill_rows(table, rows([("a", "1"), ("b", "2"), ("c", "3"), ("d", "4")])) == 4
        kept = table.get_row("a")[1]
        touched = fill_rows(table, rows([("a", "1"), ("x", "new"), ("c", "3*"), ("d", "4")]))
        assert touched == 3  # b removed, x added, c changed
        assert [[c.plain for c in table.get_row_at(n)] for n in range(table.row_count)] == [
            ["a", "1"], ["x", "new"], ["c", "3*"], ["d", "4"]]
        assert table.get_row("a")[1] is kept  # an unchanged row is left as it was
        assert fill_rows(table, rows([("d", "4"), ("a", "1")])) == 2
        assert [table.get_row_at(n)[0].plain for n in range(table.row_count)] == ["d", "a"]
        dim = [("d", (Text("d"), Text("4", style="dim"))), ("a", (Text("a"), Text("1")))]
        assert fill_rows(table, dim) == 1  # a change of style alone is a change


async def test_a_session_learns_of_another_process_save_and_shows_it_in_the_log(make_test_app, demo_db):
    import subprocess
    import sys
    from pathlib import Path

    from models.records import Observation
    from models.store.storage import Store

    app = make_test_app(start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_for(pilot, lambda: isinstance(app.screen, ObservationsScreen) and app.screen.records)
        table = app.screen.query_one("#log")
        rows = table.row_count
        script = ("import sys\n"
                  "from models.records import Observation\n"
                  "from models.store.storage import Store\n"
                  "store = Store(sys.argv[1], actor='tester')\n"
                  "last = store.all(Observation)[-1]\n"
                  "with store.transaction() as tx:\n"
                  "    tx.insert(last.copy(id=0, version=0, period=1, date='2025-09-02', topic='另一进程的课'))\n")
        subprocess.run([sys.executable, "-c", script, str(demo_db)], check=True,
                       cwd=Path(__file__).resolve().parents[2], env={"JIAOYAN_TODAY": "2025-11-05",
                                                                    "PATH": "/usr/bin:/bin"})
        saved = [o for o in Store(demo_db).all(Observation) if o.topic == "另一进程的课"]
        assert saved and saved[0].term_id == app.term.term_id
        assert await wait_for(pilot, lambda: table.row_count == rows + 1, seconds=15)
        assert any(o.topic == "另一进程的课" for o in app.screen.records)
        assert any(o.topic == "另一进程的课" for o in app.store.all(Observation))


async def test_escape_from_the_form_after_a_save_redraws_the_log_once(make_test_app, monkeypatch):
    from models.observations import save_observation
    from models.records import Observation
    from screens.observations.form import ObservationForm

    app = make_test_app(start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_for(pilot, lambda: isinstance(app.screen, ObservationsScreen) and app.screen.records)
        log = app.screen
        rows = log.query_one("#log").row_count
        await pilot.press("n")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ObservationForm))
        last = app.store.all(Observation)[-1]
        save_observation(app.store, last.copy(id=0, version=0, period=1, date="2025-09-02", topic="表单外保存"))
        builds = []
        real = ObservationsScreen.refresh_data
        monkeypatch.setattr(ObservationsScreen, "refresh_data", lambda self: (builds.append(1), real(self)))
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: app.screen is log and log.query_one("#log").row_count == rows + 1)
        await pilot.pause(0.3)
        assert len(builds) == 1


async def test_the_footer_is_rebuilt_only_when_its_keys_change(make_test_app, monkeypatch):
    """Footer rebuilt its twenty key widgets whenever the bindings might have changed (a dozen
    times on a first visit, again at each row); the fitted footer rebuilds when they did."""
    from screens.widgets.fitted_footer import FittedFooter

    app = make_test_app(start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_for(pilot, lambda: isinstance(app.screen, ObservationsScreen) and app.screen.records)
        await pilot.pause(0.3)
        builds = []
        real = FittedFooter.compose
        monkeypatch.setattr(FittedFooter, "compose", lambda self: (builds.append(1), real(self))[1])
        await pilot.press("down", "down", "down")
        await pilot.pause(0.3)
        assert builds == []  # the same keys on every row: nothing rebuilt
        await pilot.press("slash")  # the search line takes the focus: the table's keys go
        assert await wait_for(pilot, lambda: builds)


async def test_what_starting_built_is_kept_out_of_the_collector_s_view(make_test_app, monkeypatch):
    """Full collections scanned the whole session's objects and froze the screen for
    100–400 ms on the large school: once started, the app collects and freezes what it
    built, so a collection scans only what came after. Once: an area's screen is not
    frozen (what is frozen and later thrown away is never freed)."""
    import gc

    calls = []
    real_collect, real_freeze = gc.collect, gc.freeze
    monkeypatch.setattr(gc, "collect", lambda *args: (calls.append("collect"), real_collect(*args))[1])
    monkeypatch.setattr(gc, "freeze", lambda: (calls.append("freeze"), real_freeze()))
    app = make_test_app(start_area="calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_for(pilot, lambda: "freeze" in calls)
        assert calls == ["collect", "freeze"]
        assert gc.get_freeze_count() > 0
        await pilot.press("3")
        await pilot.pause(0.3)
        assert calls == ["collect", "freeze"]


async def test_each_css_source_is_parsed_once_a_session(make_test_app, monkeypatch):
    """Textual parsed the whole app's CSS again on each area's first visit (a screen with CSS
    of its own re-parses every source in a fresh stylesheet); screens/widgets/kept_css.py
    keeps what was parsed."""
    from textual.css.stylesheet import Stylesheet

    parsed = []
    real = Stylesheet._parse_rules

    def counting(self, css, read_from, is_default_rules=False, tie_breaker=0, scope=""):
        # A new theme (variables) or a source's new rank among the others (tie breaker) parses afresh.
        parsed.append((css, read_from, is_default_rules, tie_breaker, scope, tuple(self._variables.items())))
        return real(self, css, read_from, is_default_rules, tie_breaker, scope)

    monkeypatch.setattr(Stylesheet, "_parse_rules", counting)
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for key, area in [("2", "rosters"), ("3", "observations"), ("4", "mentoring"), ("6", "documents")]:
            await pilot.press(key)
            assert await wait_for(pilot, lambda: getattr(app.screen, "AREA", "") == area)
            await pilot.pause(0.2)
        assert parsed  # the counting saw the parses
        assert [source for source in set(parsed) if parsed.count(source) > 1] == []


async def test_the_log_s_first_visit_does_not_restyle_the_screen_left(make_test_app, monkeypatch):
    """Textual restyled every widget of the screen being left (twice: once on reading the
    log's CSS file, once for a new screen being behind the app's CSS) on the log's first
    showing; the screen reads its file into the stylesheet as it is made, and has seen the
    app's CSS. Its own widgets are styled as they mount, with the file's rules."""
    from textual.css.stylesheet import Stylesheet

    restyled = []
    real = Stylesheet.update

    def counting(self, root, animate=False):
        restyled.append(root)
        return real(self, root, animate=animate)

    monkeypatch.setattr(Stylesheet, "update", counting)
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        assert await wait_for(pilot, lambda: getattr(app.screen, "AREA", "") == "rosters")
        await pilot.pause(0.2)
        restyled.clear()
        await pilot.press("3")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ObservationsScreen) and app.screen.records)
        await pilot.pause(0.2)
        assert restyled == []
        # and it is styled as before: the search line hidden, the filters line shown
        assert not app.screen.query_one("#log-search").display
        assert app.screen.query_one("#log-filters").styles.padding.left == 1
        await pilot.press("slash")
        assert await wait_for(pilot, lambda: app.screen.query_one("#log-search").display)


async def test_the_log_s_first_visit_focuses_the_log_at_once_and_draws_each_row_once(make_test_app, monkeypatch):
    """Textual's default focus went first to the search line (hidden until /), then
    on_mount's to the log: the footer was rebuilt for the search line's keys and each row
    drawn twice, without the focus and with it."""
    from textual.screen import Screen
    from textual.widgets import Input

    from screens.widgets.virtual_table import VirtualTable

    drawn, focused = [], []
    real_render, real_focus = VirtualTable._render_row, Screen.set_focus

    def drawing(self, row, x, width, cursor):
        drawn.append((row, self.has_focus))
        return real_render(self, row, x, width, cursor)

    def focusing(self, widget, *args, **kwargs):
        focused.append(widget)
        return real_focus(self, widget, *args, **kwargs)

    monkeypatch.setattr(VirtualTable, "_render_row", drawing)
    monkeypatch.setattr(Screen, "set_focus", focusing)
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ObservationsScreen) and app.screen.records)
        await pilot.pause(0.3)
        log = app.screen.query_one("#log")
        assert log.has_focus and log.row_count > log.size.height
        assert not [widget for widget in focused if isinstance(widget, Input)]
        assert drawn and len(drawn) == len(set(drawn))  # each line drawn once …
        assert all(has_focus for _row, has_focus in drawn)  # … as the focused log
        await pilot.press("slash")  # the search line still opens, and takes the focus
        assert await wait_for(pilot, lambda: app.screen.query_one("#log-search").has_focus)


def _log_as_made_afresh(app) -> list[tuple[str, tuple]]:
    """The 听课 log's rows as a full refresh makes them: every record filtered, sorted and
    made into its row again."""
    from models.observations import log_records

    log = app.screen
    records = log_records(app.store, app.user, log.filters, log.shown_term_id())
    return [(str(record.id), ObservationsScreen._row_cells(log, record)) for record in records]


def _log_shown(app) -> list[tuple[str, tuple]]:
    table = app.screen.query_one("#log")
    return list(zip(table.row_keys, (tuple(table._row_cells(n)) for n in range(table.row_count))))


async def test_escape_after_a_save_makes_only_the_saved_row_and_lands_on_it(make_test_app, monkeypatch):
    """On the large school the escape refilled the log (4,500 rows filtered, sorted and made
    again: 20–30 ms of its 100); now the saved record's row is the only one made, and the
    cursor lands on it. The first visit makes only the rows drawn (a screenful), not every
    row of the term."""
    from models.observations import save_observation
    from models.records import Observation
    from screens.observations.form import ObservationForm

    made = []
    real = ObservationsScreen._row_cells
    monkeypatch.setattr(ObservationsScreen, "_row_cells", lambda self, record: (made.append(record.id),
                                                                                real(self, record))[1])
    app = make_test_app(start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_for(pilot, lambda: isinstance(app.screen, ObservationsScreen) and app.screen.records)
        log = app.screen
        table = log.query_one("#log")
        rows = table.row_count
        assert rows > table.size.height  # more rows than the screen shows …
        assert made and len(made) == len(set(made)) <= table.size.height  # … of which a screenful made, once each
        await pilot.press("n")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ObservationForm))
        last = app.store.all(Observation)[-1]
        saved = save_observation(app.store, last.copy(id=0, version=0, period=1, date="2025-09-02",
                                                      topic="表单外保存"))
        app.screen.last_saved = saved  # as the form's own save leaves it
        made.clear()
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: app.screen is log and table.row_count == rows + 1)
        await pilot.pause(0.3)
        assert made[0] == saved.id  # its row, put in place, and no other made again …
        assert len(made) == len(set(made)) <= table.size.height  # … but those the cursor brought on screen
        assert table.cursor_key == str(saved.id)
        assert _log_shown(app) == _log_as_made_afresh(app)


@pytest.mark.parametrize("login, sort, reverse, lesson_type", [
    ("tester", "date", True, ""), ("tester", "rating", False, ""), ("zhangmin", "rating", True, ""),
    ("tester", "teacher", False, "公开课"), ("zhangmin", "lesson_type", False, ""),
])
async def test_the_log_changed_row_by_row_is_the_log_made_afresh(make_test_app, demo_db, login, sort, reverse,
                                                                   lesson_type):
    """Saves of this session and of another (a new record, a changed one moving in the order
    or out of the filter, a deleted one) change only their rows; what is shown is exactly
    what a full refresh shows, in every sort (equal keys in id order both ways), for the
    admin and for a teacher who sees some ratings as ·."""
    from models.observations import LogFilters, save_observation
    from models.records import Observation
    from models.store.storage import Store

    app = make_test_app(login, start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_for(pilot, lambda: isinstance(app.screen, ObservationsScreen) and app.screen.records)
        log = app.screen
        log.filters = LogFilters(sort=sort, reverse=reverse, lesson_type=lesson_type)
        log.refresh_data()
        assert _log_shown(app) == _log_as_made_afresh(app)
        made = []
        real = log._row_cells
        log._row_cells = lambda record: (made.append(record.id), real(record))[1]
        mine = [o for o in app.store.all(Observation) if o.observer_id == app.user.id and o.term_id == "2025-2026-1"]
        # This session: a new record, one moved (its date, type and rating changed), one deleted.
        new = save_observation(app.store, mine[0].copy(id=0, version=0, period=2, date="2025-10-09",
                                                       topic="新的一节"))
        moved = save_observation(app.store, mine[1].copy(date="2025-09-03", period=5, lesson_type="常态课",
                                                         rating=mine[0].rating or "良好"))
        with app.store.transaction() as tx:
            tx.delete(mine[2])
        log.data_changed()
        assert _log_shown(app) == _log_as_made_afresh(app)
        assert set(made) <= {new.id, moved.id}
        assert str(mine[2].id) not in log.query_one("#log").row_keys
        # Another session's save, taken in from the change log by the poll.
        other = Store(demo_db, actor=login)
        with other.transaction() as tx:
            tx.update(other.get(Observation, mine[3].id).copy(topic="另一会话改的", date="2025-11-04"))
        made.clear()
        assert await wait_for(pilot, lambda: any(o.topic == "另一会话改的" for o in log.records) or
                              (lesson_type and app.store.get(Observation, mine[3].id).topic == "另一会话改的"), 5)
        await pilot.pause(0.1)
        assert _log_shown(app) == _log_as_made_afresh(app)
        assert set(made) <= {mine[3].id}
