"""The school's lesson types, ratings and rubrics in the policy screen (issue 15), at 80×24."""

from __future__ import annotations

from models.records import Observation
from models.rubrics import Rubric
from models.store.storage import Store
from screens.dashboard.policy import PolicyScreen
from screens.dashboard.rubrics import RubricForm, RubricListScreen


async def open_policy(app, pilot) -> PolicyScreen:
    await pilot.pause()
    app.push_screen(PolicyScreen())
    await pilot.pause()
    assert isinstance(app.screen, PolicyScreen)
    return app.screen


async def test_lesson_types_extend_and_a_type_in_use_is_retired_not_deleted(make_test_app, demo_db):
    in_use = sum(1 for o in Store(demo_db).all(Observation) if o.lesson_type == "研讨课")
    assert in_use
    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_policy(app, pilot)
        types = screen.query_one("#policy-lesson-types")
        types.text = types.text.replace("研讨课\n", "") + "\n家常课"
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = str(screen.query_one("#policy-error").render())
        assert f"课型“研讨课”已有 {in_use} 条听课记录在用，不能删除" in error
        assert "家常课" not in Store(demo_db).policy().lesson_types  # nothing saved half-way
        screen.query_one("#policy-retired-types").text = "研讨课"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert str(screen.query_one("#policy-error").render()) == ""
    policy = Store(demo_db).policy()
    assert "家常课" in policy.lesson_types and "研讨课" not in policy.lesson_types
    assert policy.retired_lesson_types == ["研讨课"]


async def test_ratings_and_thresholds_are_edited_as_lines(make_test_app, demo_db):
    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_policy(app, pilot)
        ratings = screen.query_one("#policy-ratings")
        assert ratings.text == "优 90\n良 75\n中 60\n待改进"
        ratings.text = "优秀 85\n良好 70\n合格 60\n待改进"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert str(screen.query_one("#policy-error").render()) == ""
        ratings.text = "优秀 很高\n待改进"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "评价等级第 1 行“优秀 很高”看不懂" in str(screen.query_one("#policy-error").render())
    policy = Store(demo_db).policy()
    assert policy.ratings == ["优秀", "良好", "合格", "待改进"]
    assert policy.rating_thresholds == [{"rating": "优秀", "min": 85}, {"rating": "良好", "min": 70},
                                        {"rating": "合格", "min": 60}]
    assert policy.rating_for(86, 100) == "优秀" and policy.rating_for(50, 100) == "待改进"


async def test_a_rubric_is_made_in_the_editor_and_retired_with_d(make_test_app, demo_db):
    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_policy(app, pilot)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, RubricListScreen)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RubricForm)
        await pilot.press(*"课堂评价", "enter", *"研讨课", "space", *"公开课", "enter", "enter")
        form.query_one("#rubric-criteria").text = "教学目标 15 目标明确\n教学内容 20\n教学效果 十五"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "第 3 行“教学效果 十五”看不懂" in str(form.query_one("#rubric-error").render())
        assert Store(demo_db).all(Rubric) == []
        form.query_one("#rubric-criteria").text = "教学目标 15 目标明确\n教学内容 20\n教学效果 15"
        await pilot.pause()
        assert "共 3 项，满分 50" in str(form.query_one("#rubric-total").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RubricListScreen)
        [rubric] = Store(demo_db).all(Rubric)
        assert (rubric.name, rubric.lesson_types, rubric.full_marks) == ("课堂评价", ["研讨课", "公开课"], 50)
        assert rubric.criteria[0] == {"name": "教学目标", "max": 15, "descriptor": "目标明确"}
        await pilot.press("d")
        await pilot.pause()
    assert Store(demo_db).all(Rubric)[0].active is False


async def test_a_teacher_cannot_edit_rubrics(make_test_app, demo_db):
    app = make_test_app(login="zhangmin", start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(RubricListScreen())
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, RubricListScreen)  # no key for them


async def test_the_record_page_opens_every_evaluation_of_its_activity(make_test_app, demo_db):
    from models.rubrics import Rubric as RubricRecord, save_rubric
    from screens.observations.detail import ObservationDetail
    from screens.observations.evaluations import ActivityEvaluations
    from tests.unit.test_rubrics import CRITERIA, linked_lesson

    store = Store(demo_db, actor="tester")
    rubric = save_rubric(store, RubricRecord(name="课堂教学评价表", criteria=CRITERIA, lesson_types=["研讨课"]))
    activity, observers = linked_lesson(store, rubric)
    record = next(o for o in Store(demo_db).all(Observation) if o.activity_id == activity.id and o.scores)
    app = make_test_app(start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(ObservationDetail(record.id))
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ActivityEvaluations)
        body = str(app.screen.query_one("#evaluations-body").render())
        assert "刘欣怡《落花生》研讨课 · 评价 4 份" in body
        assert "教学目标/15   14      13    15    2     3" in body  # average, lowest, highest, spread, count
        assert "总分/100      88.7    85    92    7     3" in body
        assert "等级：良 4" in body
        for observer in observers:
            assert observer.name in body


async def test_w_prints_the_record_page_and_the_teacher_s_notebook_from_the_app(make_test_app, demo_db, tmp_path):
    import io

    from docx import Document

    from screens.observations.detail import ObservationDetail
    from screens.dialogs.save_path import SavePathDialog
    from screens.teacher.page import TeacherPage
    from tests.unit.test_observation_pages import all_text, person, scored_record

    store = Store(demo_db, actor="tester")
    record = scored_record(store)
    app = make_test_app(start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(ObservationDetail(record.id))
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, SavePathDialog)
        target = tmp_path / "记录表.docx"
        app.screen.query_one("#save-path").value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ObservationDetail)
        assert "良（总分 89/100）" in all_text(Document(io.BytesIO(target.read_bytes())))
        await pilot.press("escape")
        app.push_screen(TeacherPage(person(store, "张敏").id))
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        book = tmp_path / "听课本.docx"
        app.screen.query_one("#save-path").value = str(book)
        await pilot.press("enter")
        await pilot.pause()
        assert "姓名：张敏" in all_text(Document(io.BytesIO(book.read_bytes())))


async def test_no_w_key_on_a_record_the_user_may_not_read(make_test_app, demo_db):
    from screens.observations.detail import ObservationDetail
    from tests.unit.test_observation_pages import person, scored_record

    store = Store(demo_db, actor="tester")
    record = scored_record(store)
    outsider = person(store, "曾思远")
    app = make_test_app(login=outsider.login, start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(ObservationDetail(record.id))
        await pilot.pause()
        assert app.screen.check_action("word", ()) is False
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, ObservationDetail)
