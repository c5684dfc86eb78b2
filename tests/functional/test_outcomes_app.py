"""成果 area in the app at 80×24 (issue 18): an outcome's full text written, pasted and read
from a .docx on the server in the documents' editor; the booklet written from the app."""

from __future__ import annotations

import docx
from textual.widgets import TextArea

from models.areas import AREAS
from models.records import Outcome, Teacher
from models.store.storage import Store
from screens.dashboard.report_dialog import ReportDialog
from screens.outcomes.screen import OutcomesAreaScreen
from screens.outcomes.text_editor import OutcomeTextEditor
from tests.functional.waiting import wait_for


OUTCOMES_KEY = next(area.key for area in AREAS if area.name == "outcomes")


def heading(title: str) -> str:
    """An outcome's heading in the booklet: book marks inside the title nest as 〈〉."""
    return "《" + title.replace("《", "〈").replace("》", "〉") + "》"


def keys(app) -> set[str]:
    return {a.binding.key for a in app.screen.active_bindings.values() if a.enabled}


async def test_a_teacher_writes_pastes_and_imports_the_text_of_their_outcome(make_test_app, demo_db, tmp_path):
    store = Store(demo_db, actor="tester")
    zhang = next(x for x in store.all(Teacher) if x.login == "zhangmin")
    other = next(o for o in store.all(Outcome) if o.teacher_id != zhang.id and o.term_id == "2025-2026-1")
    with store.transaction() as tx:
        mine = tx.insert(Outcome(teacher_id=zhang.id, term_id="2025-2026-1", kind="教学案例", title="阅读教学案例",
                                 date="2025-10-20"))
    word = docx.Document()
    for line in ("【案例背景】", "三年级阅读课。"):
        word.add_paragraph(line)
    word.save(tmp_path / "案例.docx")

    app = make_test_app("zhangmin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(OUTCOMES_KEY)
        assert await wait_for(pilot, lambda: isinstance(app.screen, OutcomesAreaScreen))
        assert {"enter", "n", "k", "b", "c"} <= keys(app)
        table = app.screen.query_one("#outcomes-list")
        table.move_cursor(row=table.get_row_index(str(mine.id)))
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, OutcomeTextEditor))
        assert {"ctrl+s", "ctrl+o"} <= keys(app)
        body = app.screen.query_one("#doc-body", TextArea)
        await pilot.press(*"开头")
        body.insert("\r\n第一段：学生读得很投入。\r\n第二段：追问。")  # as a paste from Word over SSH arrives
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: Store(demo_db).get(Outcome, mine.id).text ==
                              "开头\n第一段：学生读得很投入。\n第二段：追问。")
        await pilot.press("ctrl+o")
        await pilot.pause()
        app.screen.query_one("#line-input").value = str(tmp_path / "案例.docx")
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, OutcomeTextEditor))
        assert await wait_for(pilot, lambda: app.screen.query_one("#doc-body", TextArea).text == "【案例背景】\n三年级阅读课。")
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: Store(demo_db).get(Outcome, mine.id).text == "【案例背景】\n三年级阅读课。")
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: isinstance(app.screen, OutcomesAreaScreen))

        # A colleague's outcome opens read-only: no save key, and the store would refuse anyway.
        table = app.screen.query_one("#outcomes-list")
        table.move_cursor(row=table.get_row_index(str(other.id)))
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, OutcomeTextEditor))
        assert "ctrl+s" not in keys(app) and app.screen.query_one("#doc-body", TextArea).read_only


async def test_the_booklet_from_the_app(make_test_app, demo_db, tmp_path):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(OUTCOMES_KEY)
        assert await wait_for(pilot, lambda: isinstance(app.screen, OutcomesAreaScreen))
        await pilot.press("k")  # 教学反思 only
        assert await wait_for(pilot, lambda: "教学反思" in str(app.screen.query_one("#outcomes-line").render()))
        await pilot.press("b")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ReportDialog))
        app.screen.query_one("#report-path").value = str(tmp_path / "反思集.xlsx")
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: ".docx" in str(app.screen.query_one("#report-error").render()))
        app.screen.query_one("#report-path").value = str(tmp_path / "反思集.docx")
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, OutcomesAreaScreen), 20)
    document = docx.Document(str(tmp_path / "反思集.docx"))
    texts = [p.text for p in document.paragraphs]
    assert "教研成果集（教学反思）" in texts
    reflections = [o for o in Store(demo_db).all(Outcome) if o.kind == "教学反思" and o.term_id == "2025-2026-1"]
    assert all(heading(o.title) in texts for o in reflections)
    assert not any(heading(o.title) in texts for o in Store(demo_db).all(Outcome) if o.kind == "获奖")


def test_outcomes_area_snapshot_80x24(snap_compare, demo_db):
    from tui.app import make_app

    assert snap_compare(make_app(demo_db, login="tester", start_area="outcomes"), terminal_size=(80, 24))


def test_competition_judge_snapshot_80x24(snap_compare, demo_db):
    """A judge's view of a competition: their own score only, the keys they may use."""
    import datetime as dt

    from models import competitions as comp
    from models.records import Competition
    from models.session import open_session
    from tui.app import make_app

    day = dt.date(2025, 11, 5)
    store = open_session(demo_db, login="tester", today=day.isoformat()).store
    people = {x.login: x for x in store.all(Teacher)}
    with store.transaction() as tx:
        contest = tx.insert(Competition(term_id="2025-2026-1", name="三优评比（优秀教学反思）", kinds=["教学反思", "教学案例"],
                                        deadline="2025-11-20", judge_ids=[people["chensiyuan"].id, people["zhangmin"].id]))
    entries = []
    for outcome in sorted((o for o in store.all(Outcome) if o.kind in contest.kinds and o.term_id == contest.term_id),
                          key=lambda o: o.id)[:3]:
        owner = next(x for x in store.all(Teacher) if x.id == outcome.teacher_id)
        entries.append(comp.submit(open_session(demo_db, login=owner.login, today=day.isoformat()).store, owner,
                                   contest, outcome, day))
    for login, score in (("chensiyuan", 91), ("zhangmin", 85)):
        comp.set_score(open_session(demo_db, login=login, today=day.isoformat()).store, people[login], entries[0],
                       score)

    async def open_it(pilot):
        await pilot.press(OUTCOMES_KEY, "c", "enter")
        await pilot.pause()

    assert snap_compare(make_app(demo_db, login="chensiyuan", start_area="dashboard"), terminal_size=(80, 24),
                        run_before=open_it)


async def test_a_judge_goes_from_home_to_the_competition_to_score(make_test_app, demo_db):
    import datetime as dt

    from models import competitions as comp
    from models.records import Competition
    from screens.home.screen import HomeScreen
    from screens.outcomes.competitions import CompetitionScreen

    store = Store(demo_db, actor="tester")
    people = {x.login: x for x in store.all(Teacher)}
    with store.transaction() as tx:
        contest = tx.insert(Competition(term_id="2025-2026-1", name="三优评比", kinds=["教学反思"],
                                        deadline="2025-11-20", judge_ids=[people["chensiyuan"].id]))
    outcome = next(o for o in store.all(Outcome) if o.kind == "教学反思" and o.term_id == "2025-2026-1")
    owner = next(x for x in store.all(Teacher) if x.id == outcome.teacher_id)
    from models.session import open_session

    comp.submit(open_session(demo_db, login=owner.login, today="2025-11-05").store, owner, contest, outcome,
                dt.date(2025, 11, 5))
    app = make_test_app("chensiyuan")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("0")
        assert await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        screen = app.screen
        line = next(line for line in screen.home.lines if line.kind == "judge")
        assert "1 件作品待你评分" in line.text
        screen.jump(line)
        assert await wait_for(pilot, lambda: isinstance(app.screen, CompetitionScreen))
        assert "j" in keys(app)


async def test_space_picks_the_outcomes_the_booklet_binds(make_test_app, demo_db, tmp_path):
    from textual.widgets import DataTable

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(OUTCOMES_KEY)
        assert await wait_for(pilot, lambda: isinstance(app.screen, OutcomesAreaScreen))
        table = app.screen.query_one("#outcomes-list", DataTable)
        assert await wait_for(pilot, lambda: table.row_count > 3)
        await pilot.press("space", "down", "space")  # the first and the third
        assert await wait_for(pilot, lambda: "已选 2 篇" in str(app.screen.query_one("#outcomes-line").render()))
        picked = set(app.screen.marked)
        await pilot.press("b")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ReportDialog))
        app.screen.query_one("#report-path").value = str(tmp_path / "选出的.docx")
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, OutcomesAreaScreen), 20)
    texts = [p.text for p in docx.Document(str(tmp_path / "选出的.docx")).paragraphs]
    assert "共 2 篇" in texts
    chosen = [o for o in Store(demo_db).all(Outcome) if o.id in picked]
    assert len(chosen) == 2 and all(heading(o.title) in texts for o in chosen)


async def test_an_outcome_text_saved_meanwhile_names_who_and_t_takes_theirs(make_test_app, demo_db):
    from textual.widgets import TextArea

    from screens.dialogs.conflict import ConflictDialog
    from screens.outcomes.text_editor import OutcomeTextEditor

    store = Store(demo_db, actor="tester")
    outcome = next(o for o in store.all(Outcome) if o.term_id == "2025-2026-1" and o.text.strip())
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(OutcomeTextEditor(outcome.id))
        await pilot.pause()
        with Store(demo_db, actor="zhangmin").transaction() as tx:  # 张敏 saves hers first
            tx.update(tx.get(Outcome, outcome.id).copy(text="张敏改过的全文"))
        app.screen.query_one("#doc-body", TextArea).load_text("我这边的全文")
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ConflictDialog))
        assert "张敏" in str(app.screen.query_one("#conflict-title").render())
        await pilot.press("t")
        assert await wait_for(pilot, lambda: isinstance(app.screen, OutcomeTextEditor))
        assert app.screen.query_one("#doc-body", TextArea).text == "张敏改过的全文"
    assert Store(demo_db).get(Outcome, outcome.id).text == "张敏改过的全文"
