"""The dashboard as text for a cron mail (`jiaoyan dashboard --plain`): every line fits an
80-column mail (Chinese counts two cells), no colour codes, ASCII pictures with a legend,
and the teachers read like a school list (by pinyin; odd names last)."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from models.dashboard import build_dashboard, name_sort_key
from models.dashboard_text import pad, render_text, wrap
from models.i18n import set_language
from models.records import Teacher, Term
from models.store.storage import Store


def cells(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in line)


def test_names_sort_by_pinyin_syllable_by_syllable_and_odd_names_last():
    names = ["郑娟", "[@click=app.quit]y", "曾思远", "李明", "林杰", "[bold]x[/bold]", "单丽", "陈颖", "Anna"]
    assert sorted(names, key=name_sort_key) == [
        "Anna", "陈颖", "李明", "林杰", "单丽", "曾思远", "郑娟", "[@click=app.quit]y", "[bold]x[/bold]"]


def test_pad_and_wrap_count_cells_not_characters():
    assert pad("语文教研组", 12) == "语文教研组  "
    assert pad("信息技术教研组", 8, cut="~") == "信息技~ "
    assert cells(pad("信息技术教研组", 8, cut="~")) == 8
    lines = wrap("张敏 → 刘欣怡 带教 8 次，应有 9 次" * 4, 30, indent=4)
    assert all(cells(x) <= 30 for x in lines) and all(x.startswith("    ") for x in lines[1:])
    assert "".join(x.strip() for x in lines).replace(" ", "") == ("张敏→刘欣怡带教8次，应有9次" * 4)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("plain", [True, False])
def test_every_line_fits_80_columns_without_colour(demo_db, lang, plain):
    set_language(lang)
    store = Store(demo_db)
    for term in store.all(Term):
        out = render_text(build_dashboard(store, term, dt.date(2025, 11, 5)), {x.id: x.name for x in store.all(Teacher)},
                          plain=plain)
        lines = out.splitlines()
        assert max(cells(x) for x in lines) <= 80, max(lines, key=cells)
        assert "\x1b" not in out and "\t" not in out
        if plain:
            assert not set("█┆▁▂▃▄▅▆▇✔○▼") & set(out)  # (· is punctuation in the top line)


def test_plain_output_reads_without_colour(demo_db):
    store = Store(demo_db)
    term = next(x for x in store.all(Term) if x.term_id == "2025-2026-1")
    dash = build_dashboard(store, term, dt.date(2025, 11, 5))
    out = render_text(dash, {x.id: x.name for x in store.all(Teacher)}, plain=True)
    lines = out.splitlines()
    assert any(x.startswith("进度：# 已听课 | 此时应到") for x in lines)  # the legend says what # | . ok - ! mean
    weekly = next(x for x in lines if x.startswith("每周活动"))
    assert weekly.split()[1:] == [str(v) for v in dash.weekly_held]  # counts, not a scaled picture
    rows = [x for x in lines if x.startswith(("林浩然", "曹伟"))]
    assert rows[0].startswith("曹伟") and " - " in rows[0]  # on pace
    assert "##.|...... !" in rows[1]  # behind: the mark says so without red
    table_start = lines.index("== 教师 ==")
    names = [x.split()[0] for x in lines[table_start + 4:table_start + 4 + len(dash.teachers)]]
    assert names[:3] == ["曹伟", "曹一鸣", "曹雨萱"]
    assert names[-2].startswith("[@click=app.q") and names[-2].endswith("~")  # cut, and it shows
    assert names[-1] == "[bold]x[/bold]"
    theme = next(x for x in lines if x.startswith("英语教研组"))
    assert "绘本阅读提升低段学生英语表达能力" in theme  # the whole theme, not cut


def test_dashboard_command_output_fits_a_mail(demo_db, capsys, monkeypatch):
    import models.identity
    from tui.cli import main

    monkeypatch.setattr(models.identity, "os_login", lambda: "tester")
    assert main(["dashboard", "--db", str(demo_db), "--plain"]) == 0
    out = capsys.readouterr().out
    assert max(cells(x) for x in out.splitlines()) <= 80
    assert main(["--lang", "en", "dashboard", "--db", str(demo_db), "--plain"]) == 0
    out = capsys.readouterr().out
    assert "Pace: # observed" in out and max(cells(x) for x in out.splitlines()) <= 80
