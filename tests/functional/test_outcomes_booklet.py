"""Outcome texts and the booklet (issue 18): `jiaoyan outcome add --file` with a .docx and a
.txt (GB18030 too), and `jiaoyan report booklet` opened with python-docx: a cover, a real TOC
field with the written entries, every selected outcome's text under its title and author, in
order, page numbers in the footer."""

from __future__ import annotations

import docx
import pytest

from models.records import Outcome
from models.store.storage import Store
from tui import cli

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def as_login(monkeypatch):
    def use(login: str) -> None:
        monkeypatch.setattr("models.identity.os_login", lambda: login)
    use("tester")
    return use


def run(demo_db, *args) -> int:
    return cli.main([*args, "--db", str(demo_db)])


def newest(demo_db) -> Outcome:
    return max(Store(demo_db, actor="check").all(Outcome), key=lambda o: o.id)


def test_outcome_add_takes_the_text_of_a_docx_and_a_txt(demo_db, as_login, tmp_path, capsys):
    word = docx.Document()
    for line in ("一、教学过程回顾", "本课从学生熟悉的儿歌导入。", "", "二、反思", "识字要和生活联系起来。"):
        word.add_paragraph(line)
    word.save(tmp_path / "反思.docx")
    code = run(demo_db, "outcome", "add", "--teacher", "zhangmin", "--kind", "教学反思", "--title", "识字教学反思",
               "--file", str(tmp_path / "反思.docx"))
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "已录入成果" in out and "识字教学反思" in out
    saved = newest(demo_db)
    assert saved.text.split("\n") == ["一、教学过程回顾", "本课从学生熟悉的儿歌导入。", "", "二、反思",
                                      "识字要和生活联系起来。"]
    assert (saved.kind, saved.level, saved.term_id) == ("教学反思", "校级", "2025-2026-1")

    (tmp_path / "随笔.txt").write_bytes("课后随笔\r\n第二行：孩子们的笑声。\r\n".encode("gb18030"))
    code = run(demo_db, "outcome", "add", "--teacher", "zhangmin", "--kind", "教学随笔", "--title", "课后随笔",
               "--level", "区级", "--file", str(tmp_path / "随笔.txt"))
    assert code == 0, capsys.readouterr().err
    saved = newest(demo_db)
    assert saved.text == "课后随笔\n第二行：孩子们的笑声。\n"
    assert saved.level == "区/县级"  # 区级 is read as the level it means


def test_outcome_add_refuses_with_a_sentence_and_saves_nothing(demo_db, as_login, tmp_path, capsys):
    before = len(Store(demo_db, actor="check").all(Outcome))
    assert run(demo_db, "outcome", "add", "--teacher", "zhangmin", "--kind", "心得", "--title", "x") == 1
    assert "成果类型" in capsys.readouterr().err
    assert run(demo_db, "outcome", "add", "--teacher", "zhangmin", "--kind", "教学反思", "--title", "x",
               "--file", str(tmp_path / "没有.docx")) == 1
    err = capsys.readouterr().err
    assert "没有.docx" in err and "Traceback" not in err
    (tmp_path / "图.png").write_bytes(b"\x89PNG")
    assert run(demo_db, "outcome", "add", "--teacher", "zhangmin", "--kind", "教学反思", "--title", "x",
               "--file", str(tmp_path / "图.png")) == 1
    as_login("zhangmin")  # a teacher records their own outcomes, not a colleague's
    assert run(demo_db, "outcome", "add", "--teacher", "chensiyuan", "--kind", "教学反思", "--title", "x") == 1
    assert "陈思远" in capsys.readouterr().err
    assert len(Store(demo_db, actor="check").all(Outcome)) == before


def heading(title: str) -> str:
    """An outcome's heading in the booklet: book marks inside the title nest as 〈〉."""
    return "《" + title.replace("《", "〈").replace("》", "〉") + "》"


def paragraphs(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def test_the_booklet_has_a_cover_a_toc_and_every_selected_text_in_order(demo_db, as_login, tmp_path, capsys):
    texts = {"识字教学反思": "第一段：识字。\n第二段：写字。", "阅读教学反思": "阅读要有层次。",
             "数学随笔": "不该出现在反思集里。"}
    for title, kind in (("识字教学反思", "教学反思"), ("阅读教学反思", "教学反思"), ("数学随笔", "教学随笔")):
        source = tmp_path / f"{title}.txt"
        source.write_text(texts[title], encoding="utf-8")
        assert run(demo_db, "outcome", "add", "--teacher", "zhangmin", "--kind", kind, "--title", title,
                   "--date", "2025-10-2" + str(len(title) % 7), "--file", str(source)) == 0
    target = tmp_path / "反思集.docx"
    code = run(demo_db, "report", "booklet", "--kind", "教学反思", "-o", str(target))
    out, err = capsys.readouterr()
    assert code == 0, err
    document = docx.Document(str(target))
    lines = paragraphs(document)
    reflections = sorted((o for o in Store(demo_db, actor="check").all(Outcome)
                          if o.kind == "教学反思" and o.term_id == "2025-2026-1"), key=lambda o: (o.date, o.id))
    # the cover
    assert lines[0] == "" or "教研成果集" in "".join(lines[:3])
    assert "教研成果集（教学反思）" in lines and f"共 {len(reflections)} 篇" in lines
    # a real TOC field …
    body = document.element.body
    codes = [node.text for node in body.iter(f"{W}instrText")]
    assert any(code.strip().startswith("TOC ") for code in codes)
    assert sum(1 for code in codes if code.strip().startswith("PAGEREF outcome_")) == len(reflections)
    # … whose written entries show without a field update, in the booklet's order
    toc = [p.text for p in document.paragraphs if p.style.name.lower().startswith("toc")
           or p._p.find(f"{W}pPr/{W}pStyle") is not None and p._p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "TOC1"]
    assert len(toc) == len(reflections)
    assert [line.split("　")[0] for line in toc] == [heading(o.title) for o in reflections]
    assert all(line.rstrip("0123456789") != line for line in toc)  # each with a page number
    # every selected outcome under its title and author, its text in order; nothing else
    positions = []
    for outcome in reflections:
        at = lines.index(heading(outcome.title), lines.index(toc[-1]) + 1)
        assert lines[at + 1].startswith("张敏" if outcome.title in texts else "")
        positions.append(at)
    assert positions == sorted(positions)
    start = lines.index("《识字教学反思》", positions[0])
    assert lines[start + 3:start + 5] == ["第一段：识字。", "第二段：写字。"]
    assert "阅读要有层次。" in lines and "不该出现在反思集里。" not in lines
    # page numbers in the footer (PAGE / NUMPAGES fields)
    footer_codes = [n.text for n in document.sections[0].footer._element.iter(f"{W}instrText")]
    assert any("PAGE" in code for code in footer_codes)


def test_report_booklet_refuses_a_kind_it_does_not_know_and_an_empty_selection(demo_db, as_login, tmp_path,
                                                                                 capsys):
    assert run(demo_db, "report", "booklet", "--kind", "作文", "-o", str(tmp_path / "x.docx")) == 1
    assert "成果类型" in capsys.readouterr().err
    assert run(demo_db, "report", "booklet", "--kind", "课题", "-o", str(tmp_path / "x.docx")) == 1
    assert "没有可装订的成果" in capsys.readouterr().err
    assert run(demo_db, "report", "booklet", "-o", str(tmp_path / "x.pdf")) == 2
    assert not (tmp_path / "x.docx").exists()


def test_outcome_list_and_text_put_a_file_into_an_existing_outcome(demo_db, as_login, tmp_path, capsys):
    store = Store(demo_db, actor="check")
    zhang = next(o for o in store.all(Outcome) if o.term_id == "2025-2026-1" and not o.text)
    assert run(demo_db, "outcome", "list") == 0
    assert f"《{zhang.title}》" in capsys.readouterr().out
    (tmp_path / "全文.txt").write_text("第一段\n第二段", encoding="utf-8")
    assert run(demo_db, "outcome", "text", str(zhang.id), "--file", str(tmp_path / "全文.txt")) == 0
    assert "全文已存入" in capsys.readouterr().out
    assert Store(demo_db, actor="check").get(Outcome, zhang.id).text == "第一段\n第二段"
    assert run(demo_db, "outcome", "text", "99999", "--file", str(tmp_path / "全文.txt")) == 1
    assert "没有编号为 99999 的成果" in capsys.readouterr().err


def test_the_booklet_binds_texts_or_exactly_the_outcomes_picked(demo_db, as_login, tmp_path, capsys):
    """Every kind: only outcomes with their text (no page saying 未录入全文 for an award);
    --id N … binds exactly those, a text-less one too (the office chose it)."""
    outcomes = [o for o in Store(demo_db, actor="check").all(Outcome) if o.term_id == "2025-2026-1"]
    written = [o for o in outcomes if o.text.strip()]
    bare = [o for o in outcomes if not o.text.strip()]
    assert written and bare
    target = tmp_path / "全部.docx"
    assert run(demo_db, "report", "booklet", "-o", str(target)) == 0
    lines = paragraphs(docx.Document(str(target)))
    assert f"共 {len(written)} 篇" in lines
    assert not any(heading(o.title) in lines for o in bare)
    picked = [written[0], bare[0]]
    target = tmp_path / "选出的.docx"
    assert run(demo_db, "report", "booklet", "--id", str(picked[0].id), "--id", str(picked[1].id),
               "-o", str(target)) == 0
    lines = paragraphs(docx.Document(str(target)))
    assert "共 2 篇" in lines
    assert all(heading(o.title) in lines for o in picked)
