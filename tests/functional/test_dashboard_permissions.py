"""Keys by permission on the 看板, from three users' sides (80×24, real keys), and the
conflict dialog on the policy form and on outcome edits.

* 郑娟 (tester): the admin — policy, archiving, anyone's outcomes.
* 张敏 (zhangmin): a teacher — her own outcomes only; the teacher field holds her.
* 陈思远 (chensiyuan): a 备课组长 — leads a group, yet policy, archiving and other
  people's outcomes are not hers either.
"""

from __future__ import annotations

from textual.widgets import DataTable, Input

from models.records import Outcome, Policy, Term
from models.store.storage import Store
from screens.dashboard.screen import DashboardScreen
from screens.dashboard.outcomes import OutcomesScreen
from screens.dashboard.policy import PolicyScreen
from screens.dialogs.conflict import ConflictDialog

ZHANGMIN_OUTCOME = 19  # 张敏's 读书笔记 in the demo
OTHER_OUTCOME = 20  # 吴文博's


def shown(screen) -> set[str]:
    """The actions whose keys the footer shows (and F1 lists)."""
    return {b.binding.action for b in screen.active_bindings.values()}


def footer_text(screen) -> str:
    from textual.widgets._footer import FooterKey

    return " ".join(f"{k.key_display} {k.description}" for k in screen.query(FooterKey))


async def _dashboard(pilot) -> DashboardScreen:
    await pilot.pause()
    assert isinstance(pilot.app.screen, DashboardScreen)
    return pilot.app.screen


async def _outcomes_on(pilot, outcome_id: int) -> OutcomesScreen:
    """Open the outcomes screen and put the list's cursor on ``outcome_id``."""
    await pilot.press("o")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, OutcomesScreen)
    table = screen.query_one("#outcome-list", DataTable)
    table.focus()
    row = [table.coordinate_to_cell_key((r, 0)).row_key.value for r in range(table.row_count)].index(str(outcome_id))
    table.move_cursor(row=row)
    await pilot.pause()
    return screen


async def test_admin_sees_policy_and_archive_and_may_change_anyones_outcome(make_test_app, demo_db):
    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _dashboard(pilot)
        assert "policy" in shown(screen)
        assert "close_term" not in shown(screen)  # the current term is not over
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert "close_term" in shown(screen) and "归档" in footer_text(screen)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        outcomes = await _outcomes_on(pilot, ZHANGMIN_OUTCOME)
        assert not outcomes.query_one("#outcome-teacher").input.disabled
        assert {"edit", "delete"} <= shown(outcomes)
        await pilot.press("e")
        await pilot.pause()
        assert outcomes.query_one("#outcome-teacher").input.value == "张敏"
        title = outcomes.query_one("#outcome-title", Input)
        assert outcomes.focused is title
        title.value = ""
        await pilot.press(*"[@click=app.quit]读书笔记", "ctrl+s")
        await pilot.pause()
        stored = Store(demo_db).get(Outcome, ZHANGMIN_OUTCOME)
        assert stored.title == "[@click=app.quit]读书笔记" and stored.teacher_id == 4
        assert stored.updated_by == "tester"
        assert app.is_running and outcomes.editing is None


async def test_teacher_enters_and_changes_only_her_own_outcomes(make_test_app, demo_db):
    app = make_test_app(login="zhangmin", start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _dashboard(pilot)
        assert "policy" not in shown(screen) and "制度" not in footer_text(screen)
        await pilot.press("p")  # a hidden key does nothing
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert "close_term" not in shown(screen)
        await pilot.press("c")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("right_square_bracket", "o")
        await pilot.pause()
        outcomes = app.screen
        teacher = outcomes.query_one("#outcome-teacher")
        assert teacher.input.disabled and teacher.input.value == "张敏"
        assert outcomes.focused is outcomes.query_one("#outcome-kind")
        await pilot.press("tab", "tab", *"整本书阅读的一点体会", "ctrl+s")
        await pilot.pause()
        mine = [o for o in Store(demo_db).all(Outcome) if o.title == "整本书阅读的一点体会"]
        assert len(mine) == 1 and mine[0].teacher_id == 4 and mine[0].created_by == "zhangmin"
        assert teacher.input.value == "张敏"  # the form is ready for her next one

        outcomes = await _outcomes_on(pilot, OTHER_OUTCOME)
        assert "delete" not in shown(outcomes) and "edit" not in shown(outcomes)
        await pilot.press("d", "e")
        await pilot.pause()
        assert Store(demo_db).get(Outcome, OTHER_OUTCOME) is not None
        assert outcomes.editing is None

        outcomes = await _outcomes_on(pilot, ZHANGMIN_OUTCOME)
        assert {"delete", "edit"} <= shown(outcomes) and "删除" in footer_text(outcomes)
        assert "undo" not in shown(outcomes)
        await pilot.press("d")
        await pilot.pause()
        assert Store(demo_db).get(Outcome, ZHANGMIN_OUTCOME) is None
        assert "undo" in shown(outcomes)
        await pilot.press("u")
        await pilot.pause()
        assert [o.title for o in Store(demo_db).all(Outcome) if o.teacher_id == 4].count("《小蝌蚪找妈妈》读书笔记") == 1


async def test_group_leader_has_no_admin_keys_and_cannot_delete_others_outcomes(make_test_app, demo_db):
    app = make_test_app(login="chensiyuan", start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _dashboard(pilot)
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert not {"policy", "close_term"} & shown(screen)
        assert "制度" not in footer_text(screen) and "归档" not in footer_text(screen)
        await pilot.press("c")
        await pilot.pause()
        assert all(x.status == "open" for x in Store(demo_db).all(Term))
        await pilot.press("right_square_bracket")
        outcomes = await _outcomes_on(pilot, ZHANGMIN_OUTCOME)
        assert "delete" not in shown(outcomes)
        await pilot.press("d")
        await pilot.pause()
        assert Store(demo_db).get(Outcome, ZHANGMIN_OUTCOME) is not None
        assert outcomes.query_one("#outcome-teacher").input.value == "陈思远"


async def test_policy_saved_meanwhile_elsewhere_asks_keep_mine(make_test_app, demo_db):
    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        await _dashboard(pilot)
        await pilot.press("p")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PolicyScreen)
        other = Store(demo_db, actor="tester")
        with other.transaction() as tx:
            tx.save_policy(other.policy().copy(observation_quota=15))
        form.query_one("#policy-observation_quota", Input).value = ""
        await pilot.press(*"12", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictDialog)
        assert Store(demo_db).policy().observation_quota == 15  # nothing overwritten unseen
        await pilot.press("k")
        await pilot.pause()
        assert app.screen is form
        assert Store(demo_db).policy().observation_quota == 12
        assert form.query_one("#policy-error").render().plain == ""
        # saving again works without another dialog: the form now holds the saved version
        form.query_one("#policy-talks_per_term", Input).value = "2"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert (Store(demo_db).policy().observation_quota, Store(demo_db).policy().talks_per_term) == (12, 2)


async def test_policy_saved_meanwhile_elsewhere_take_theirs(make_test_app, demo_db):
    app = make_test_app(start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        await _dashboard(pilot)
        await pilot.press("p")
        await pilot.pause()
        form = app.screen
        other = Store(demo_db, actor="tester")
        with other.transaction() as tx:
            tx.save_policy(other.policy().copy(observation_quota=15))
        form.query_one("#policy-observation_quota", Input).value = ""
        await pilot.press(*"12", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictDialog)
        await pilot.press("t")
        await pilot.pause()
        assert app.screen is form
        assert form.query_one("#policy-observation_quota", Input).value == "15"
        assert Store(demo_db).policy().observation_quota == 15
        assert len(Store(demo_db).all(Policy)) == 1


async def test_outcome_changed_meanwhile_elsewhere_keep_mine_and_take_theirs(make_test_app, demo_db):
    app = make_test_app(login="zhangmin", start_area="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        await _dashboard(pilot)
        outcomes = await _outcomes_on(pilot, ZHANGMIN_OUTCOME)
        await pilot.press("e")
        await pilot.pause()
        other = Store(demo_db, actor="tester")  # the office corrects the title meanwhile
        with other.transaction() as tx:
            tx.update(other.get(Outcome, ZHANGMIN_OUTCOME).copy(title="教导处改的题目"))
        outcomes.query_one("#outcome-title", Input).value = "我改的题目"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictDialog)
        assert Store(demo_db).get(Outcome, ZHANGMIN_OUTCOME).title == "教导处改的题目"
        await pilot.press("t")
        await pilot.pause()
        assert app.screen is outcomes
        assert outcomes.query_one("#outcome-title", Input).value == "教导处改的题目"
        assert outcomes.editing is not None and outcomes.editing.title == "教导处改的题目"

        with other.transaction() as tx:  # and once more, this time she keeps hers
            tx.update(other.get(Outcome, ZHANGMIN_OUTCOME).copy(award="二等奖"))
        outcomes.query_one("#outcome-title", Input).value = "我改的题目"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictDialog)
        await pilot.press("k")
        await pilot.pause()
        stored = Store(demo_db).get(Outcome, ZHANGMIN_OUTCOME)
        assert stored.title == "我改的题目" and stored.updated_by == "zhangmin"
        assert app.screen is outcomes and outcomes.editing is None
