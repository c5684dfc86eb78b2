"""`jiaoyan doc …` run as the user would: kinds, taking a .docx from the server, what is due."""

from __future__ import annotations

import docx
import pytest

from models.documents import Document, DocumentKind
from models.store.storage import Store
from tui import cli


@pytest.fixture
def as_login(monkeypatch):
    def use(login: str) -> None:
        monkeypatch.setattr("models.identity.os_login", lambda: login)
    use("chensiyuan")
    return use


def run(demo_db, *args) -> int:
    return cli.main([*args, "--db", str(demo_db)])


def stored(demo_db, cls=Document):
    return Store(demo_db, actor="check").all(cls)


def test_doc_add_takes_a_docx_and_keeps_its_paragraphs(demo_db, as_login, tmp_path, capsys):
    path = tmp_path / "语文1年级备课组教研计划.docx"
    word = docx.Document()
    for text in ("一、指导思想", "以“双减”为导向，向四十分钟要质量。", "", "二、主要工作", "1. 每周三下午集体备课"):
        word.add_paragraph(text)
    word.save(path)
    code = run(demo_db, "doc", "add", "--kind", "教研计划", "--group", "语文1年级备课组", "--file", str(path))
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "已存为草稿" in out
    new = stored(demo_db)[-1]
    assert new.body.split("\n") == ["一、指导思想", "以“双减”为导向，向四十分钟要质量。", "", "二、主要工作",
                                    "1. 每周三下午集体备课"]
    assert (new.kind, new.state, new.source, new.term_id) == ("教研计划", "draft", path.name, "2025-2026-1")
    assert new.title == "语文1年级备课组2025—2026学年第一学期教研计划"

    # `doc show` prints it back; `doc list` lists it.
    assert run(demo_db, "doc", "show", str(new.id)) == 0
    assert "向四十分钟要质量" in capsys.readouterr().out
    assert run(demo_db, "doc", "list") == 0
    assert "语文1年级备课组" in capsys.readouterr().out


def test_doc_add_refuses_with_sentences(demo_db, as_login, tmp_path, capsys):
    text = tmp_path / "总结.txt"
    text.write_text("总结", encoding="utf-8")
    before = len(stored(demo_db))
    assert run(demo_db, "doc", "add", "--kind", "年终奖", "--file", str(text)) == 1
    assert "没有“年终奖”这种文档" in capsys.readouterr().err
    assert run(demo_db, "doc", "add", "--kind", "教研总结", "--file", str(text)) == 1
    assert "--group" in capsys.readouterr().err
    # Not the leader of the 数学教研组: refused, with who may.
    assert run(demo_db, "doc", "add", "--kind", "教研总结", "--group", "数学教研组", "--file", str(text)) == 1
    assert "组长" in capsys.readouterr().err
    assert run(demo_db, "doc", "add", "--kind", "个人总结", "--file", str(tmp_path / "没有.docx")) == 1
    assert "找不到文件" in capsys.readouterr().err
    empty = tmp_path / "空.txt"
    empty.write_text("\n  \n", encoding="utf-8")
    assert run(demo_db, "doc", "add", "--kind", "个人总结", "--file", str(empty)) == 1
    assert "“空.txt”里没有文字" in capsys.readouterr().err
    import docx
    pictures = tmp_path / "扫描件.docx"
    docx.Document().save(str(pictures))
    assert run(demo_db, "doc", "add", "--kind", "个人总结", "--file", str(pictures)) == 1
    assert "“扫描件.docx”里没有文字" in capsys.readouterr().err
    assert len(stored(demo_db)) == before


def test_doc_kinds_the_admin_adds_one(demo_db, as_login, capsys):
    assert run(demo_db, "doc", "kinds") == 0
    listed = capsys.readouterr().out
    for name in ("教研计划", "教研总结", "个人计划", "个人总结", "学习心得", "教学设计", "共案", "反思"):
        assert name in listed
    assert run(demo_db, "doc", "kinds", "--add", "读书笔记") == 1  # not the admin
    assert "教导处" in capsys.readouterr().err
    as_login("tester")
    assert run(demo_db, "doc", "kinds", "--add", "读书笔记", "--reviewer", "office") == 0
    assert "读书笔记" in capsys.readouterr().out
    assert [k.name for k in stored(demo_db, DocumentKind)] == ["读书笔记"]


def test_doc_due_lists_what_i_owe(demo_db, as_login, capsys):
    assert run(demo_db, "doc", "due") == 0
    out = capsys.readouterr().out
    assert "语文1年级备课组" not in out  # the seed rules ask plans of 教研组, not 备课组
    assert "陈思远 学习心得" in out and "陈思远 个人总结" in out
    assert "2025-11-07\t将到期\t陈思远 学习心得" in out


def test_admin_sets_hand_ins_and_reading_leader_schedules_prep(demo_db, as_login, capsys):
    from models.documents import HandIn, Reading
    from models.prep import PrepPlan

    assert run(demo_db, "doc", "handins", "--add", "个人计划", "--due", "09-19") == 1  # not the admin
    assert "教导处" in capsys.readouterr().err
    assert stored(demo_db, HandIn) == []
    as_login("tester")
    assert run(demo_db, "doc", "handins", "--add", "个人计划", "--due", "09-19") == 0
    out = capsys.readouterr().out
    assert "个人计划\t每位教师\t2025-09-19" in out and "教研计划\t各教研组\t2025-09-12" in out
    assert len(stored(demo_db, HandIn)) == 6  # the seed rules became the term's own, plus one
    assert run(demo_db, "doc", "handins", "--add", "个人计划", "--due", "下周") == 1
    assert "日期" in capsys.readouterr().err
    assert run(demo_db, "doc", "reading", "--add", "给教师的建议", "--author", "苏霍姆林斯基") == 0
    assert "《给教师的建议》" in capsys.readouterr().out
    assert [r.title for r in stored(demo_db, Reading)] == ["给教师的建议"]

    as_login("chensiyuan")
    assert run(demo_db, "doc", "prep", "--group", "语文1年级备课组", "--add", "识字一;识字二", "--week", "11") == 0
    out = capsys.readouterr().out
    assert "识字一\t主备人：陈颖" in out and "识字二\t主备人：刘欣怡" in out
    assert len(stored(demo_db, PrepPlan)) == 1
    as_login("zhangmin")  # not in that 备课组
    assert run(demo_db, "doc", "prep", "--group", "语文1年级备课组", "--add", "课文一") == 1
    assert "备课组长" in capsys.readouterr().err


def test_doc_print_writes_word_for_a_reader_only(demo_db, as_login, tmp_path, capsys):
    source = tmp_path / "plan.md"
    source.write_text("# 计划\n第一条", encoding="utf-8")
    assert run(demo_db, "doc", "add", "--kind", "教研计划", "--group", "语文1年级备课组", "--file", str(source)) == 0
    new = stored(demo_db)[-1]
    target = tmp_path / "out.docx"
    assert run(demo_db, "doc", "print", str(new.id), "-o", str(target)) == 0
    assert "第一条" in [p.text for p in docx.Document(str(target)).paragraphs]
    as_login("zengsiyuan")  # another subject's leader may not read it
    assert run(demo_db, "doc", "print", str(new.id), "-o", str(tmp_path / "x.docx")) == 1
    assert not (tmp_path / "x.docx").exists()
