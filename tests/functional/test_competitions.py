"""评比 in the app at 80×24 (issue 18), from three sides: the office opens a competition and
publishes its result, a teacher submits an outcome, a judge scores it — each in their own
session of the real app, checking what was stored and what each may see."""

from __future__ import annotations

from models.points import COMPETITION, teacher_points
from models.areas import AREAS
from models.records import Competition, CompetitionEntry, CompetitionScore, Outcome, Teacher, Term
from models.store.storage import Store
from screens.outcomes.competitions import (CompetitionForm, CompetitionScreen, CompetitionsScreen, PickDialog,
                                           ResultDialog, ScoreDialog)
from screens.outcomes.screen import OutcomesAreaScreen
from tests.functional.waiting import wait_for


OUTCOMES_KEY = next(area.key for area in AREAS if area.name == "outcomes")


def person(store, login) -> Teacher:
    return next(x for x in store.all(Teacher) if x.login == login)


def footer_keys(app) -> set[str]:
    return {active.binding.key for active in app.screen.active_bindings.values() if active.enabled}


def screen_text(app) -> str:
    from textual.widgets import DataTable

    table = app.screen.query_one(DataTable)
    return " ".join(str(cell) for row in range(table.row_count) for cell in table.get_row_at(row))


async def open_competition(app, pilot) -> None:
    await pilot.press(OUTCOMES_KEY)
    assert await wait_for(pilot, lambda: isinstance(app.screen, OutcomesAreaScreen))
    await pilot.press("c")
    assert await wait_for(pilot, lambda: isinstance(app.screen, CompetitionsScreen))
    await pilot.press("enter")
    assert await wait_for(pilot, lambda: isinstance(app.screen, CompetitionScreen))


async def test_office_opens_teacher_submits_judge_scores_office_publishes(make_test_app, demo_db):
    store = Store(demo_db, actor="tester")
    zhang, chen = person(store, "zhangmin"), person(store, "chensiyuan")
    term = next(x for x in store.all(Term) if x.term_id == "2025-2026-1")
    with store.transaction() as tx:
        mine = tx.insert(Outcome(teacher_id=zhang.id, term_id=term.term_id, kind="教学反思", title="识字教学反思",
                                 date="2025-10-20", text="识字要和生活联系。"))

    # 1. The office opens the competition: name, kinds, deadline, judges.
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(OUTCOMES_KEY)
        assert await wait_for(pilot, lambda: isinstance(app.screen, OutcomesAreaScreen))
        await pilot.press("c")
        assert await wait_for(pilot, lambda: isinstance(app.screen, CompetitionsScreen))
        assert "n" in footer_keys(app)
        await pilot.press("n")
        assert await wait_for(pilot, lambda: isinstance(app.screen, CompetitionForm))
        await pilot.press(*"三优评比")
        await pilot.press("tab")
        app.screen.focused.value = ""
        await pilot.press(*"教学反思", "space", *"教学案例", "tab", *"11-20", "tab", *"陈思远")
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, CompetitionsScreen)), [
            (w.id, getattr(w, "value", None)) for w in app.screen.query("Input")] + [
            str(app.screen.query_one("#competition-error").render())]
        assert "三优评比" in screen_text(app)
    contest = next(c for c in Store(demo_db).all(Competition))
    assert (contest.name, contest.kinds, contest.deadline, contest.judge_ids) == (
        "三优评比", ["教学反思", "教学案例"], "2025-11-20", [chen.id])

    # 2. The teacher submits their reflection; they may not score.
    app = make_test_app("zhangmin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(OUTCOMES_KEY)
        assert await wait_for(pilot, lambda: isinstance(app.screen, OutcomesAreaScreen))
        await pilot.press("c")
        assert await wait_for(pilot, lambda: isinstance(app.screen, CompetitionsScreen))
        assert "n" not in footer_keys(app)  # only the office opens competitions
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, CompetitionScreen))
        assert "s" in footer_keys(app) and "j" not in footer_keys(app) and "p" not in footer_keys(app)
        await pilot.press("s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PickDialog))
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, CompetitionScreen))
        assert await wait_for(pilot, lambda: "识字教学反思" in screen_text(app))
    entry = next(e for e in Store(demo_db).all(CompetitionEntry))
    assert (entry.outcome_id, entry.teacher_id, entry.submitted) == (mine.id, zhang.id, "2025-11-05")

    # 3. The judge reads the entry and scores it.
    app = make_test_app("chensiyuan")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_competition(app, pilot)
        assert "j" in footer_keys(app) and "p" not in footer_keys(app)
        await pilot.press("j")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ScoreDialog))
        await pilot.press(*"120", "enter", "enter")
        assert await wait_for(pilot, lambda: "0 到 100" in str(app.screen.query_one("#score-error").render()))
        app.screen.query_one("#score-value").value = ""
        app.screen.query_one("#score-value").focus()
        await pilot.press(*"92", "enter", *"立意好", "enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, CompetitionScreen))
        assert await wait_for(pilot, lambda: "92" in screen_text(app))
    scores = Store(demo_db).all(CompetitionScore)
    assert [(s.judge_id, s.score, s.comment) for s in scores] == [(chen.id, 92, "立意好")]

    # The teacher sees no score before publication.
    app = make_test_app("zhangmin")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_competition(app, pilot)
        assert "92" not in screen_text(app)

    # 4. The office sets the result (一等奖, recommended to 区/县级) and publishes it.
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_competition(app, pilot)
        assert {"r", "p"} <= footer_keys(app) and "j" not in footer_keys(app)  # the office is no judge here
        await pilot.press("r")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ResultDialog))
        await pilot.press("enter", "down", "enter")  # 奖项: 一等奖
        await pilot.press("tab", "enter", "down", "enter")  # 推荐: 区/县级
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, CompetitionScreen))
        await pilot.press("p")
        from screens.dialogs.confirm import ConfirmScreen
        assert await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        question = str(app.screen.query_one("#confirm-question").render())
        # Before the office decides, it reads what is not finished: only the deadline here
        # (the one judge scored the one entry, and it has its prize).
        assert "还没完成" in question and "截止日 2025-11-20 还没到" in question
        assert "没打分" not in question and "没定奖项" not in question
        await pilot.press("y")
        assert await wait_for(pilot, lambda: Store(demo_db).get(Competition, contest.id).status == "published")
        assert await wait_for(pilot, lambda: "r" not in footer_keys(app) and "p" not in footer_keys(app))
    entry = Store(demo_db).get(CompetitionEntry, entry.id)
    assert (entry.prize, entry.recommended) == ("一等奖", "区/县级")
    lines = teacher_points(Store(demo_db), term, zhang.id).of(COMPETITION)
    assert [line.points for line in lines] == [2.0, 1.0]

    # After publication the teacher sees their entry's score, and the judge can no longer change it.
    app = make_test_app("zhangmin")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_competition(app, pilot)
        assert "92" in screen_text(app) and "一等奖" in screen_text(app)
    app = make_test_app("chensiyuan")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_competition(app, pilot)
        assert "j" not in footer_keys(app)


async def test_the_result_sheet_is_written_from_the_competition_screen(make_test_app, demo_db):
    """o on a competition: hidden from a teacher before publication, the office's working sheet
    then, and anyone's once published — written through the save dialog as Word."""
    import docx

    from screens.dialogs.save_path import SavePathDialog

    store = Store(demo_db, actor="tester")
    zhang, chen = person(store, "zhangmin"), person(store, "chensiyuan")
    term = next(x for x in store.all(Term) if x.term_id == "2025-2026-1")
    with store.transaction() as tx:
        contest = tx.insert(Competition(term_id=term.term_id, name="三优评比", kinds=["教学反思"],
                                        deadline="2025-11-20", judge_ids=[chen.id]))
        for title, score, prize in (("低分反思", 70, "二等奖"), ("高分反思", 95, "一等奖")):
            outcome = tx.insert(Outcome(teacher_id=zhang.id, term_id=term.term_id, kind="教学反思", title=title,
                                        date="2025-10-20"))
            entry = tx.insert(CompetitionEntry(term_id=term.term_id, competition_id=contest.id,
                                               outcome_id=outcome.id, teacher_id=zhang.id, submitted="2025-10-21",
                                               prize=prize))
            tx.insert(CompetitionScore(term_id=term.term_id, competition_id=contest.id, entry_id=entry.id,
                                       judge_id=chen.id, score=score))

    app = make_test_app("zhangmin")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_competition(app, pilot)
        assert "o" not in footer_keys(app)  # a teacher: nothing to print before publication
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, CompetitionScreen)
    app = make_test_app()  # the office: its working sheet before publication
    async with app.run_test(size=(80, 24)) as pilot:
        await open_competition(app, pilot)
        assert "o" in footer_keys(app)

    with store.transaction() as tx:
        tx.update(store.get(Competition, contest.id).copy(status="published", published="2025-11-25"))
    app = make_test_app("zhangmin")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_competition(app, pilot)
        assert "o" in footer_keys(app)
        await pilot.press("o")
        assert await wait_for(pilot, lambda: isinstance(app.screen, SavePathDialog))
        target = app.export_folder / "三优评比评比结果.docx"
        assert app.screen.query_one("#save-path").value == str(target)
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, CompetitionScreen) and target.exists())
    document = docx.Document(target)
    ranked = next(tb for tb in document.tables if tb.rows[0].cells[0].text == "名次")
    assert [[c.text for c in row.cells][:2] + [row.cells[-2].text] for row in ranked.rows[1:]] == [
        ["1", "高分反思", "一等奖"], ["2", "低分反思", "二等奖"]]


def test_not_ready_names_each_judge_short_of_scores_and_the_entries_without_a_prize(demo_db):
    import datetime as dt

    from models.competitions import not_ready

    store = Store(demo_db, actor="tester")
    zhang, chen, liu = person(store, "zhangmin"), person(store, "chensiyuan"), person(store, "liuxinyi")
    with store.transaction() as tx:
        outcomes = [tx.insert(Outcome(teacher_id=zhang.id, term_id="2025-2026-1", kind="教学反思", title=f"反思{n}",
                                      date="2025-10-20")) for n in range(2)]
        contest = tx.insert(Competition(term_id="2025-2026-1", name="三优评比", kinds=["教学反思"],
                                        deadline="2025-11-01", judge_ids=[chen.id, liu.id]))
        entries = [tx.insert(CompetitionEntry(competition_id=contest.id, outcome_id=o.id, teacher_id=zhang.id,
                                              submitted="2025-10-21")) for o in outcomes]
        tx.insert(CompetitionScore(competition_id=contest.id, entry_id=entries[0].id, judge_id=chen.id, score=90))
        tx.update(entries[0].copy(prize="一等奖"))
    missing = not_ready(store, contest, dt.date(2025, 11, 5))
    assert missing == ["评委陈思远还有 1 件作品没打分", "评委刘欣怡还有 2 件作品没打分", "1 件作品还没定奖项"]
    assert not_ready(store, contest, dt.date(2025, 11, 1))[0] == "截止日 2025-11-01 还没到，仍可能有人报送"
