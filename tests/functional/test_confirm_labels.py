"""The shared yes/no dialog names its answers for what it asks: 放弃 / 继续填写 when leaving a
form, 删除 / 保留 when deleting a document or a 课题, 发布 / 返回 when publishing a 评比."""

from __future__ import annotations

from models.i18n import t
from screens.dialogs.confirm import ConfirmScreen


def _labels(screen) -> tuple[str | None, str | None]:
    keys = {key: active.binding.description for key, active in screen.active_bindings.items()}
    return keys.get("y"), keys.get("n")


async def test_the_confirm_dialog_names_its_answers(make_test_app):
    app = make_test_app("tester", start_area="documents")
    async with app.run_test(size=(80, 24)) as pilot:
        answers = []
        app.push_screen(ConfirmScreen("离开这张表？"), answers.append)
        await pilot.pause()
        assert _labels(app.screen) == ("放弃", "继续填写")
        await pilot.press("n")
        await pilot.pause()
        app.push_screen(ConfirmScreen("删除《计划》？", yes=t("key.delete"), no=t("key.keep")), answers.append)
        await pilot.pause()
        assert _labels(app.screen) == ("删除", "保留")
        footer_text = " ".join(str(k.render()) for k in app.screen.query("FooterKey"))
        assert "删除" in footer_text and "保留" in footer_text and "放弃" not in footer_text
        await pilot.press("y")
        await pilot.pause()
        assert answers == [False, True]
