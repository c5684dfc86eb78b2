"""The pages a school binds (issue 15): the 听课记录表 and a teacher's 听课本, opened with
python-docx to find the fields, the scores and the total on the right pages; and the
visibility rule: no page of a record the viewer may not read."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from models.exports.observation_pages import NotFound, notebook_docx, notebook_of, observation_docx
from models.observations import Entry, check_entry, save_observation
from models.permissions import PermissionDenied
from models.records import Observation, Teacher, Term
from models.rubrics import Rubric, save_rubric
from tests.unit.test_rubrics import CRITERIA

TODAY = dt.date(2025, 11, 5)
PROCESS = "一、导入：谈话引入\n二、初读：圈生字\n三、精读：分角色读"


def person(store, name):
    return next(x for x in store.all(Teacher) if x.name == name)


def scored_record(store, observer="张敏", teacher="刘欣怡", period="2", topic="落花生"):
    save_rubric(store, Rubric(name="课堂教学评价表", criteria=CRITERIA, lesson_types=["研讨课"])) \
        if not store.all(Rubric) else None
    entry = Entry(observer=person(store, observer), teacher=person(store, teacher), date_text="今天",
                  period_text=period, subject="语文", grade_class="4年级（2）班", topic=topic, lesson_type="研讨课",
                  process=PROCESS, strengths="层次清楚", shortcomings="朗读偏少", suggestions="多读",
                  scores={"教学目标": "14", "教学内容": "18", "教学方法": "17", "学生活动": "22", "教学效果": "18"})
    record, problems = check_entry(store, entry, TODAY)
    assert problems == []
    return save_observation(store, record)


def document(payload: bytes):
    from docx import Document

    return Document(io.BytesIO(payload))


def all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def pages(doc) -> list[str]:
    """The text of each page, split at the page breaks (tables in document order)."""
    from docx.oxml.ns import qn

    found, current = [], []
    for element in doc.element.body.iterchildren():
        if element.tag == qn("w:p") and element.xpath('.//w:br[@w:type="page"]'):
            found.append("\n".join(current))
            current = []
        current.append("".join(element.itertext()))
    found.append("\n".join(current))
    return found


def test_the_record_page_holds_every_field_the_scores_and_the_total(demo_store):
    record = scored_record(demo_store)
    doc = document(observation_docx(demo_store, person(demo_store, "张敏"), record.id))
    text = all_text(doc)
    for expected in ("听课记录表", "听课人", "张敏", "授课教师", "刘欣怡", "2025年11月5日 上午第2节", "语文",
                     "4年级（2）班", "落花生", "研讨课", "层次清楚", "朗读偏少", "多读", "良（总分 89/100）",
                     "听课人签名", "授课教师签名"):
        assert expected in text, expected
    assert "一、导入：谈话引入" in text and "三、精读：分角色读" in text
    [form, rubric] = doc.tables
    assert [c.text for c in rubric.rows[0].cells] == ["评价项目", "评价要点", "分值", "得分"]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in rubric.rows[1:]}
    assert rows["教学目标"][2:] == ["15", "14"] and rows["学生活动"][2:] == ["25", "22"]
    assert rows["合计"][2:] == ["100", "89"]
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7  # A4
    assert len(pages(doc)) == 1


def test_no_page_for_someone_who_may_not_read_the_record(demo_store):
    record = scored_record(demo_store)
    with pytest.raises(PermissionDenied, match="不能为你打印"):
        observation_docx(demo_store, person(demo_store, "曾思远"), record.id)
    with pytest.raises(NotFound, match="没有编号为 99999"):
        observation_docx(demo_store, person(demo_store, "郑娟"), 99999)
    # The observed teacher and the admin may.
    assert observation_docx(demo_store, person(demo_store, "刘欣怡"), record.id)
    assert observation_docx(demo_store, person(demo_store, "郑娟"), record.id)


def test_the_notebook_has_a_cover_then_one_page_per_lesson_in_date_order(demo_store):
    scored_record(demo_store, period="2", topic="落花生")
    zhang = person(demo_store, "张敏")
    term = next(x for x in demo_store.all(Term) if x.term_id == "2025-2026-1")
    mine = sorted((o for o in demo_store.all(Observation) if o.observer_id == zhang.id and o.term_id == term.term_id),
                  key=lambda o: (o.date, o.period, o.id))
    doc = document(notebook_docx(demo_store, zhang, zhang, term))
    found = pages(doc)
    assert len(found) == 1 + len(mine)
    cover = found[0]
    assert "听课本" in cover and "姓名：张敏" in cover and term.name in cover
    assert f"本学期听课 {len(mine)} 节（应听 {demo_store.policy().quota_for(zhang.roles)} 节）" in cover
    for page, record in zip(found[1:], mine):
        assert record.topic in page
        assert dt.date.fromisoformat(record.date).strftime("%Y年%-m月%-d日") in page
    last = found[mine.index(next(o for o in mine if o.topic == "落花生")) + 1]
    assert "合计" in last and "89" in last and "一、导入：谈话引入" in last


def test_a_record_invisible_to_the_viewer_is_not_in_their_notebook(demo_store):
    hidden = scored_record(demo_store, observer="张敏", teacher="刘欣怡", period="2", topic="秘密的课")
    zhang = person(demo_store, "张敏")
    outsider = person(demo_store, "曾思远")
    term = next(x for x in demo_store.all(Term) if x.term_id == "2025-2026-1")
    book = notebook_of(demo_store, outsider, zhang, term)
    assert hidden.id not in [o.id for o in book.pages] and book.hidden >= 1
    text = "\n".join(pages(document(notebook_docx(demo_store, outsider, zhang, term))))
    assert "秘密的课" not in text and "层次清楚" not in text
    assert f"其中 {book.hidden} 节的评语你无权查看" in text
    assert len(pages(document(notebook_docx(demo_store, outsider, zhang, term)))) == 1 + len(book.pages)


def test_the_commands_write_the_pages_and_refuse_what_is_not_yours(demo_db, demo_store, tmp_path, monkeypatch,
                                                                   capsys):
    from tui import cli

    record = scored_record(demo_store)
    monkeypatch.setattr("models.identity.os_login", lambda: "tester")
    path = tmp_path / "记录表.docx"
    assert cli.main(["report", "observation", str(record.id), "-o", str(path), "--db", str(demo_db)]) == 0
    assert "落花生" in all_text(document(path.read_bytes()))
    book = tmp_path / "听课本.docx"
    assert cli.main(["report", "notebook", "--teacher", "zhangmin", "-o", str(book), "--db", str(demo_db)]) == 0
    assert "姓名：张敏" in all_text(document(book.read_bytes()))
    outsider = person(demo_store, "曾思远")  # neither observer, teacher, her leader nor admin
    monkeypatch.setattr("models.identity.os_login", lambda: outsider.login)
    refused = tmp_path / "不该有.docx"
    capsys.readouterr()
    code = cli.main(["report", "observation", str(record.id), "-o", str(refused), "--db", str(demo_db)])
    assert code == 1 and not refused.exists() and "不能为你打印" in capsys.readouterr().err


def test_the_notebook_uses_the_schools_own_form_for_each_lesson(demo_db):
    """With a 听课记录表.docx in the templates folder, each lesson of the 听课本 is that form
    filled in, after the notebook's own cover."""
    from models.exports.observation_pages import notebook_docx, notebook_of
    from docx import Document

    from models.exports.templates import templates_dir
    from models.exports.word import WordDocument
    from models.store.storage import Store

    store = Store(demo_db, actor="tester")
    teacher = person(store, "张敏")
    term = next(x for x in store.all(Term) if x.term_id == "2025-2026-1")
    admin = next(x for x in store.all(Teacher) if x.is_admin)
    form = WordDocument("本校听课表", show_title=False)
    form.paragraph("本校听课表：{{ 日期 }} {{ 授课教师 }}《{{ 课题 }}》")
    templates_dir(demo_db).mkdir()
    form.save(templates_dir(demo_db) / "听课记录表.docx")
    book = notebook_of(store, admin, teacher, term)
    word = Document(io.BytesIO(notebook_docx(store, admin, teacher, term, demo_db)))
    texts = [p.text for p in word.paragraphs if p.text.strip()]
    own = [x for x in texts if x.startswith("本校听课表：")]
    assert book.pages and len(own) == len(book.pages)
    assert texts.index("姓名：张敏") < texts.index(own[0])
    assert f"《{book.pages[0].topic}》" in own[0]
