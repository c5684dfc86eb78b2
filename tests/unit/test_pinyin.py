"""Finding people by pinyin, with polyphonic surnames read as surnames."""

import pytest

from models.people import search_teachers
from models.pinyin import full_pinyin, initials, match_score
from models.records import Teacher


@pytest.mark.parametrize("name,pinyin", [
    ("单明", "shanming"), ("曾思远", "zengsiyuan"), ("解晓东", "xiexiaodong"), ("区志强", "ouzhiqiang"),
    ("仇伟", "qiuwei"), ("朴英", "piaoying"), ("查理", "zhali"), ("张三", "zhangsan"),
])
def test_polyphonic_surnames(name, pinyin):
    assert full_pinyin(name) == pinyin


def test_zs_zhangsan_and_zhang_all_find_zhang_san():
    teachers = [Teacher(id=1, name="张三"), Teacher(id=2, name="李四"), Teacher(id=3, name="赵生")]
    for query in ("zs", "zhangsan", "张", "zhangs", "张三"):
        assert search_teachers(teachers, query)[0].name == "张三", query
    assert [t.name for t in search_teachers(teachers, "zs")] == ["张三", "赵生"]
    assert initials("曾思远") == "zsy"
    assert match_score("ls", "张三") == 0


def test_search_by_subject_and_skips_inactive():
    teachers = [Teacher(id=1, name="王五", subjects=["数学"]), Teacher(id=2, name="王六", active=False)]
    assert [t.name for t in search_teachers(teachers, "数学")] == ["王五"]
    assert search_teachers(teachers, "wl") == []
    assert [t.name for t in search_teachers(teachers, "wl", include_inactive=True)] == ["王六"]


def test_the_table_let_go_is_read_again_for_a_character_not_seen_yet():
    from models import pinyin

    assert full_pinyin("张三") == "zhangsan"
    pinyin.forget_table()
    assert pinyin._reading_table.cache_info().currsize == 0, "the parsed table is let go"
    assert full_pinyin("张三") == "zhangsan"  # kept from before: the table is not read
    assert pinyin._reading_table.cache_info().currsize == 0
    pinyin._char_readings.cache_clear()  # no character seen yet (other tests read some)
    pinyin.name_syllables.cache_clear()
    assert full_pinyin("龚蔚") == "gongwei"  # not seen yet: the table is read again
    assert pinyin._reading_table.cache_info().currsize == 1
