"""听课 quick entry at 80×24: real keys in, then what was stored and what is on screen."""

from __future__ import annotations

import pytest

from models.records import Observation, Teacher
from models.store.storage import Store
from screens.observations.form import ObservationForm
from screens.observations.screen import ObservationsScreen


async def type_text(pilot, text: str) -> None:
    for character in text:
        await pilot.press("space" if character == " " else character)


def stored(demo_db) -> list[Observation]:
    return Store(demo_db, actor="check").all(Observation)


def teacher_named(demo_db, name: str) -> Teacher:
    return next(x for x in Store(demo_db, actor="check").all(Teacher) if x.name == name)


async def open_form(app, pilot) -> ObservationForm:
    await pilot.pause()
    assert isinstance(app.screen, ObservationsScreen)
    await pilot.press("n")
    await pilot.pause()
    assert isinstance(app.screen, ObservationForm)
    return app.screen


async def fill_record(pilot, *, who: str, period: str, topic: str, lesson_type: str, strength: str,
                      shortcoming: str, suggestion: str, rating: str) -> None:
    """The keys of one complete record, in the form's own order (see README)."""
    await type_text(pilot, who)
    await pilot.press("enter")  # takes the top match and moves to the date
    await pilot.press("enter")  # the date stays today
    await type_text(pilot, period)
    await pilot.press("enter")
    await type_text(pilot, topic)
    await pilot.press("enter")
    await type_text(pilot, lesson_type)
    await pilot.press("tab")
    await pilot.press("tab")  # past 教学过程 (the running notes), which a quick record leaves empty
    await type_text(pilot, strength)
    await pilot.press("tab")
    await type_text(pilot, shortcoming)
    await pilot.press("tab")
    await type_text(pilot, suggestion)
    await pilot.press("tab")
    await type_text(pilot, rating)


async def test_n_opens_the_form_with_the_cursor_on_the_teacher(make_test_app):
    app = make_test_app(start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(app, pilot)
        assert form.query_one("#teacher").input.has_focus
        assert form.query_one("#observer").teacher.name == "郑娟"
        assert form.query_one("#date").value == "2025-11-05"


async def test_three_records_in_a_row_found_by_initials(make_test_app, demo_db):
    before = len(stored(demo_db))
    app = make_test_app(start_area="observations")
    lessons = [
        ("zm", "3", "秋天的雨", "t", "朗读指导到位", "提问偏多", "多留等待时间", "y", "张敏", "推门课", "优"),
        ("lxy", "下午2", "坐井观天", "ytk", "情境创设好", "板书略乱", "板书结合发言", "l", "刘欣怡", "研讨课", "良"),
        ("zsy", "5", "圆的认识", "gkk", "动手操作充分", "时间偏紧", "精简导入", "d", "曾思远", "公开课", "待改进"),
    ]
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(app, pilot)
        for who, period, topic, kind, good, weak, advice, rating, *_ in lessons:
            await fill_record(pilot, who=who, period=period, topic=topic, lesson_type=kind, strength=good,
                              shortcoming=weak, suggestion=advice, rating=rating)
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert form.problem_text == ""
            # A fresh form, same observer and date, cursor back on the teacher.
            assert form.query_one("#teacher").value == ""
            assert form.query_one("#observer").teacher.name == "郑娟"
            assert form.query_one("#teacher").input.has_focus
        status = str(form.query_one("#form-status").render())
        assert "已保存：曾思远 圆的认识" in status
        assert "本学期已听" in status

    records = stored(demo_db)
    assert len(records) == before + 3
    new = sorted(records, key=lambda o: o.id)[-3:]
    observer = teacher_named(demo_db, "郑娟")
    for record, (_, _, topic, _, good, weak, advice, _, name, kind, rating) in zip(new, lessons):
        assert record.observer_id == observer.id
        assert record.teacher_id == teacher_named(demo_db, name).id
        assert (record.topic, record.lesson_type, record.rating) == (topic, kind, rating)
        assert (record.strengths, record.shortcomings, record.suggestions) == (good, weak, advice)
        assert record.date == "2025-11-05" and record.term_id == "2025-2026-1"
    assert [r.period for r in new] == [3, 6, 5]
    assert new[0].subject == "语文" and new[0].grade_class == "4年级"


def burst_events(text: str):
    """Key events for ``text`` as a terminal sends them: ⏎ enter, ⇥ tab, ⌫ backspace, § ctrl+s."""
    from textual import events

    special = {"⏎": ("enter", "\r"), "⇥": ("tab", "\t"), "⌫": ("backspace", "\x7f"), "§": ("ctrl+s", None),
               " ": ("space", " ")}
    return [events.Key(*special.get(ch, (ch, ch))) for ch in text]


async def send_burst(app, text: str) -> None:
    """All keys at once, without waiting for the app in between: what a fast typist's
    keys look like when they reach the server in one SSH packet."""
    for event in burst_events(text):
        event.set_sender(app)
        app._driver.send_message(event)


async def test_a_burst_of_keys_lands_in_the_right_fields(make_test_app, demo_db):
    before = len(stored(demo_db))
    app = make_test_app(start_area="observations")
    lessons = [
        # typed: a slip corrected with backspace, enter through date, type by letters, tab between comments
        ("zx⌫m⏎⏎3⏎秋天的雨⏎t⇥⇥朗读指导到位⇥提问偏多⇥多留等待时间⇥y§", "张敏", 3, "推门课", "优"),
        ("lxy⏎⏎下午2⏎坐井观天⏎ytk⇥⇥情境创设好⇥板书略乱⇥板书结合发言⇥l§", "刘欣怡", 6, "研讨课", "良"),
        # tab instead of enter after the teacher takes the top match too
        ("zsy⇥⏎5⏎圆的认识⏎gkk⇥⇥动手操作充分⇥时间偏紧⇥精简导入⇥d§", "曾思远", 5, "公开课", "待改进"),
    ]
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(app, pilot)
        await send_burst(app, "".join(keys for keys, *_ in lessons))
        for _ in range(5):
            await pilot.pause()
        assert form.problem_text == ""
        assert form.query_one("#teacher").value == ""  # a fresh form after the third save
    records = sorted(stored(demo_db), key=lambda o: o.id)
    assert len(records) == before + 3
    topics = [("秋天的雨", "朗读指导到位", "提问偏多", "多留等待时间"), ("坐井观天", "情境创设好", "板书略乱", "板书结合发言"),
              ("圆的认识", "动手操作充分", "时间偏紧", "精简导入")]
    for record, (_, name, period, kind, rating), texts in zip(records[-3:], lessons, topics):
        teacher = teacher_named(demo_db, name)
        assert (record.teacher_id, record.period, record.lesson_type, record.rating) == (
            teacher.id, period, kind, rating)
        assert (record.topic, record.strengths, record.shortcomings, record.suggestions) == texts
        assert record.subject == teacher.subjects[0]  # filled from the teacher before the save


async def test_the_count_in_the_confirmation(make_test_app, demo_db):
    app = make_test_app(login="zhangmin", start_area="observations")
    done = sum(1 for o in stored(demo_db) if o.observer_id == teacher_named(demo_db, "张敏").id
               and o.term_id == "2025-2026-1")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(app, pilot)
        await fill_record(pilot, who="lxy", period="2", topic="落花生", lesson_type="c", strength="好",
                          shortcoming="慢", suggestion="快", rating="l")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert f"本学期已听 {done + 1}/10 节" in str(form.query_one("#form-status").render())


@pytest.mark.parametrize("who, date, period, topic, message", [
    ("qqqq", "", "3", "课题", "找不到授课教师“qqqq”"),
    ("zj", "", "3", "课题", "不能给自己听课"),
    ("zm", "12-01", "3", "课题", "日期 2025-12-01 还没到"),
    ("zm", "2025-08-01", "3", "课题", "2025-08-01 不在任何学期内"),
    ("zm", "", "9", "课题", "节次“9”超出了一天的课时"),
    ("zm", "", "下午5", "课题", "下午没有“下午5”这一节"),
    ("zm", "", "3", "", "请填写课题"),
    ("zm", "昨儿个", "3", "课题", "看不懂日期“昨儿个”"),
])
async def test_each_invalid_input_gives_its_message_and_stores_nothing(make_test_app, demo_db, who, date, period,
                                                                       topic, message):
    before = stored(demo_db)
    app = make_test_app(start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(app, pilot)
        await type_text(pilot, who)
        await pilot.press("tab")  # enter would stay on a teacher that matches nobody
        if date:
            form.query_one("#date").value = ""
            await type_text(pilot, date)
        await pilot.press("enter")
        await type_text(pilot, period)
        await pilot.press("enter")
        await type_text(pilot, topic)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert message in form.problem_text
        assert "处需要修改" in str(form.query_one("#form-status").render())
        assert isinstance(app.screen, ObservationForm)
    assert stored(demo_db) == before


async def test_the_same_lesson_twice_is_caught_as_a_duplicate(make_test_app, demo_db):
    app = make_test_app(start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(app, pilot)
        for _ in range(2):
            await fill_record(pilot, who="zm", period="下午1", topic="观潮", lesson_type="t", strength="好",
                              shortcoming="", suggestion="", rating="")
            await pilot.press("ctrl+s")
            await pilot.pause()
        assert "可能重复：郑娟 已记录过 2025-11-05 下午第1节 听 张敏 的课" in form.problem_text
    mine = [o for o in stored(demo_db) if o.topic == "观潮" and o.date == "2025-11-05"]
    assert len(mine) == 1


async def test_escape_on_a_changed_form_asks_before_discarding(make_test_app, demo_db):
    before = stored(demo_db)
    app = make_test_app(start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(app, pilot)
        await type_text(pilot, "zm")
        await pilot.press("escape")
        await pilot.pause()
        assert "还没有保存" in str(app.screen.query_one("#confirm-question").render())
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ObservationForm)
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, ObservationsScreen)
        # An untouched form leaves at once.
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ObservationsScreen)
    assert stored(demo_db) == before


async def test_earlier_suggestions_show_and_can_be_marked_followed_up(make_test_app, demo_db):
    app = make_test_app(start_area="observations")
    liu = teacher_named(demo_db, "刘欣怡")
    earlier = sorted((o for o in stored(demo_db) if o.teacher_id == liu.id and o.term_id == "2025-2026-1"
                      and o.suggestions), key=lambda o: (o.date, o.period, o.id), reverse=True)
    assert earlier
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(app, pilot)
        await fill_record(pilot, who="lxy", period="4", topic="桂花雨", lesson_type="c", strength="好",
                          shortcoming="慢", suggestion="快", rating="l")
        chooser = form.query_one("#earlier")
        assert chooser.display
        first = str(chooser.get_option_at_index(0).prompt)
        assert earlier[0].suggestions in first and earlier[0].date[5:] in first
        chooser.focus()
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await pilot.pause()
    record = max(stored(demo_db), key=lambda o: o.id)
    assert record.topic == "桂花雨"
    assert record.followed_up_ids == [earlier[0].id]


def test_snapshot_empty_form(snap_compare, demo_db):
    from tui.app import make_app

    assert snap_compare(make_app(demo_db, login="tester", start_area="observations"), terminal_size=(80, 24),
                        press=["n"])


def test_snapshot_teacher_matches_float_over_the_form(snap_compare, demo_db):
    """The matches cover the topic and process fields (an overlay) and every Chinese
    character of them is whole: no widget under the list is cut inside it."""
    from tui.app import make_app

    assert snap_compare(make_app(demo_db, login="tester", start_area="observations"), terminal_size=(80, 24),
                        press=["n", "z", "h"])


def test_snapshot_filled_form_with_an_error(snap_compare, demo_db):
    from tui.app import make_app

    keys = ["z", "m", "enter", "enter", "9", "enter", *"秋天的雨", "enter", "t", "tab", "tab", *"朗读到位", "tab",
            *"提问偏多", "tab", *"多留时间", "tab", "y", "ctrl+s"]
    assert snap_compare(make_app(demo_db, login="tester", start_area="observations"), terminal_size=(80, 24),
                        press=["n", *keys])


# -- issue 15: 教学过程 and the 评课量表 -------------------------------------------------------

RUBRIC = [
    {"name": "教学目标", "max": 15, "descriptor": "目标明确、具体，符合课标和学情"},
    {"name": "教学内容", "max": 20, "descriptor": "重点突出，难点突破"},
    {"name": "教学方法", "max": 20, "descriptor": "方法得当，启发思维"},
    {"name": "学生活动", "max": 25, "descriptor": "参与面广，主动探究"},
    {"name": "教学效果", "max": 20, "descriptor": "达成目标，学有所得"},
]


def add_rubric(demo_db, **changes):
    from models.rubrics import Rubric, save_rubric

    values = dict(name="课堂教学评价表", criteria=RUBRIC, lesson_types=["研讨课", "公开课"])
    values.update(changes)
    return save_rubric(Store(demo_db, actor="tester"), Rubric(**values))


async def start_scored_record(pilot, process: str = "") -> None:
    """Teacher, date, period, topic, 研讨课 (which has the rubric), the process notes and
    the three ones: the cursor ends on the first score."""
    await type_text(pilot, "lxy")
    await pilot.press("enter", "enter")
    await type_text(pilot, "2")
    await pilot.press("enter")
    await type_text(pilot, "落花生")
    await pilot.press("enter")
    await type_text(pilot, "y")  # 研讨课 (ytk; one letter, as a loaded machine may pause between letters)
    assert pilot.app.screen.query_one("#lesson_type").value == "研讨课"
    await pilot.press("tab")
    for line_number, line in enumerate(process.split("\n")):
        if line_number:
            await pilot.press("enter")  # a new line in 教学过程
        await type_text(pilot, line)
    await pilot.press("tab")
    for text in ("层次清楚", "朗读偏少", "多读"):
        await type_text(pilot, text)
        await pilot.press("tab")


async def test_scoring_with_digits_and_tab_gives_the_total_and_the_rating(make_test_app, demo_db):
    add_rubric(demo_db)
    app = make_test_app(start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(app, pilot)
        await start_scored_record(pilot, process="一 导入 谈话\n二 新授 分角色读")
        assert form.query_one("#scores").display
        assert form.query_one("#score-0").has_focus
        assert "目标明确" in str(form.query_one("#score-hint").render())
        for score in ("14", "18", "17", "22"):
            await type_text(pilot, score)
            await pilot.press("tab")
        await type_text(pilot, "18")
        await pilot.pause()
        total = str(form.query_one("#score-total").render())
        assert "合计 89/100" in total and "按分数线：良" in total
        assert form.query_one("#rating").value == "良"
        await pilot.press("tab")
        assert form.query_one("#rating").has_focus  # the last score tabs on to the rating
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert form.problem_text == ""
    record = max(stored(demo_db), key=lambda o: o.id)
    assert record.topic == "落花生" and record.lesson_type == "研讨课"
    assert record.process == "一 导入 谈话\n二 新授 分角色读"
    assert record.scores == {"教学目标": 14, "教学内容": 18, "教学方法": 17, "学生活动": 22, "教学效果": 18}
    assert record.total == 89 and record.rating == "良"
    assert record.rubric["criteria"] == RUBRIC


async def test_a_picked_rating_stands_and_letters_cannot_be_scores(make_test_app, demo_db):
    add_rubric(demo_db)
    app = make_test_app(start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(app, pilot)
        await start_scored_record(pilot)
        await type_text(pilot, "1a4")  # the letter is refused by the field itself
        assert form.query_one("#score-0").value == "14"
        for _ in range(4):
            await pilot.press("tab")
            await type_text(pilot, "20")
        await pilot.press("tab")
        await type_text(pilot, "l")  # the observer picks 良 over the thresholds' 优
        await pilot.press("ctrl+s")
        await pilot.pause()
    record = max(stored(demo_db), key=lambda o: o.id)
    assert record.total == 94 and record.rating == "良"


async def test_a_score_over_the_maximum_is_refused_inline(make_test_app, demo_db):
    add_rubric(demo_db)
    before = stored(demo_db)
    app = make_test_app(start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(app, pilot)
        await start_scored_record(pilot)
        await type_text(pilot, "16")
        await pilot.pause()
        assert "“教学目标”最高 15 分，不能打 16 分" in form.problem_text
        assert form.query_one("#score-0").has_class("-invalid")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "最高 15 分" in form.problem_text
        assert form.query_one("#score-0").has_focus
        await pilot.press("backspace", "backspace")
        await type_text(pilot, "15")
        await pilot.pause()
        assert form.problem_text == ""
    assert stored(demo_db) == before


async def test_the_rubric_follows_the_lesson_type(make_test_app, demo_db):
    add_rubric(demo_db)
    app = make_test_app(start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(app, pilot)
        assert not form.query_one("#scores").display  # 常态课: no rubric, no scores
        form.query_one("#lesson_type").focus()
        await type_text(pilot, "g")  # 公开课 (one letter: a loaded test machine may pause between letters)
        await pilot.pause()
        assert form.query_one("#scores").display
        assert "教学目标/15" in str(form.query_one("#score-label-0").render())
        assert not form.query_one("#score-5").display
        await pilot.press("backspace")  # back to the first type, 推门课: none
        await pilot.pause()
        assert not form.query_one("#scores").display


def test_snapshot_form_with_a_rubric(snap_compare, demo_db):
    from tui.app import make_app

    add_rubric(demo_db)

    async def fill(pilot):
        # Wait for each screen: a loaded machine must not send the keys to the log.
        await open_form(pilot.app, pilot)
        await start_scored_record(pilot, process="导入\n新授")
        for score in ("14", "18", "17", "22"):
            await type_text(pilot, score)
            await pilot.press("tab")
        await type_text(pilot, "26")  # over 教学效果's 20: refused beside the field
        await pilot.pause()
        assert pilot.app.screen.query_one("#score-4").value == "26"

    assert snap_compare(make_app(demo_db, login="tester", start_area="observations"), terminal_size=(80, 24),
                        run_before=fill)


def test_snapshot_record_page(snap_compare, demo_db, monkeypatch):
    import datetime as dt

    # the page shows when it was saved: the store stamps with its session clock
    monkeypatch.setattr("models.clock.Clock.stamp", lambda self: "2025-11-05 16:20:00")
    from models.observations import Entry, check_entry, save_observation
    from screens.observations.detail import ObservationDetail
    from tui.app import make_app

    add_rubric(demo_db)
    store = Store(demo_db, actor="tester")
    entry = Entry(observer=teacher_named(demo_db, "郑娟"), teacher=teacher_named(demo_db, "刘欣怡"), date_text="今天",
                  period_text="2", subject="语文", grade_class="4年级（2）班", topic="落花生", lesson_type="研讨课",
                  process="一、导入：谈话引入，揭示课题\n二、初读：自由读，圈生字\n三、精读：分角色读“议花生”",
                  strengths="层次清楚", shortcomings="朗读偏少", suggestions="多读",
                  scores={"教学目标": "14", "教学内容": "18", "教学方法": "17", "学生活动": "22", "教学效果": "18"})
    record, problems = check_entry(store, entry, dt.date(2025, 11, 5))
    assert problems == []
    saved = save_observation(store, record)

    async def open_record(pilot):
        pilot.app.push_screen(ObservationDetail(saved.id))
        await pilot.pause()

    assert snap_compare(make_app(demo_db, login="tester", start_area="observations"), terminal_size=(80, 24),
                        run_before=open_record)


async def test_editing_a_scored_record_keeps_its_rubric_and_the_rating_follows(make_test_app, demo_db):
    import datetime as dt

    from models.observations import Entry, check_entry, save_observation
    from models.rubrics import Rubric, save_rubric

    rubric = add_rubric(demo_db)
    store = Store(demo_db, actor="tester")
    entry = Entry(observer=teacher_named(demo_db, "郑娟"), teacher=teacher_named(demo_db, "刘欣怡"), date_text="今天",
                  period_text="2", subject="语文", topic="落花生", lesson_type="研讨课",
                  scores={"教学目标": "14", "教学内容": "18", "教学方法": "17", "学生活动": "22", "教学效果": "18"})
    saved = save_observation(store, check_entry(store, entry, dt.date(2025, 11, 5))[0])
    assert saved.rating == "良"
    # The school changes its rubric afterwards: the record keeps the one it was scored on.
    save_rubric(store, store.get(Rubric, rubric.id).copy(criteria=[{"name": "板书", "max": 100, "descriptor": ""}]))
    app = make_test_app(start_area="observations")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(ObservationForm(Store(demo_db).get(Observation, saved.id)))
        await pilot.pause()
        form = app.screen
        assert "教学目标/15" in str(form.query_one("#score-label-0").render())
        assert form.query_one("#score-3").value == "22"
        form.query_one("#score-3").focus()
        await pilot.press("backspace", "backspace", *"25")
        await pilot.pause()
        assert "合计 92/100" in str(form.query_one("#score-total").render())
        assert form.query_one("#rating").value == "优"  # it came from the scores, so it follows them
        await pilot.press("ctrl+s")
        await pilot.pause()
    again = Store(demo_db).get(Observation, saved.id)
    assert again.total == 92 and again.rating == "优" and again.rubric["criteria"] == RUBRIC
