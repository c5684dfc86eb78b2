"""The school's own Word forms: listed, copied out, filled, and refused with a sentence when broken."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest

from models.exports.templates import (
    FORMS, TemplateError, build_default, default_path, fill, render_record, templates_dir,
)
from tui.cli import main

CONTEXT = {"学校": "育才实验小学", "学期": "2025—2026学年第一学期", "日期": dt.date(2025, 11, 5), "节次": "上午第2节",
           "听课人": "郑娟", "授课教师": "张敏 & <李>", "课题": "《秋天的雨》", "教学过程": "一、导入\n二、新授",
           "等级": "良", "总分": 86}


def _text(payload: bytes) -> str:
    document = docx.Document(io.BytesIO(payload))
    cells = [c.text for tb in document.tables for row in tb.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells + [document.sections[0].header.paragraphs[0].text])


def test_every_shipped_default_is_there_and_holds_exactly_its_placeholders():
    for name, form in FORMS.items():
        assert default_path(name).is_file()
        from docxtpl import DocxTemplate

        shipped = DocxTemplate(str(default_path(name))).get_undeclared_template_variables()
        rebuilt_path = io.BytesIO(build_default(name))
        rebuilt = DocxTemplate(rebuilt_path).get_undeclared_template_variables()
        assert shipped == rebuilt <= set(form.fields)


def test_the_school_template_is_used_when_there_is_one(demo_db, tmp_path):
    built = render_record("observation", CONTEXT, demo_db, build=lambda: b"built")
    assert built == b"built"
    folder = templates_dir(demo_db)
    folder.mkdir()
    (folder / "听课记录表.docx").write_bytes(default_path("observation").read_bytes())
    text = _text(render_record("observation", CONTEXT, demo_db, build=lambda: b"built"))
    assert "张敏 & <李>" in text and "2025年11月5日" in text and "良（86 分）" in text
    assert "一、导入\n二、新授" in text and "育才实验小学" in text and "{{" not in text


def _template(tmp_path, text: str):
    document = docx.Document()
    document.add_paragraph(text)
    path = tmp_path / "听课记录表.docx"
    document.save(path)
    return path


def test_a_broken_template_gets_a_sentence_naming_the_placeholder(tmp_path):
    with pytest.raises(TemplateError, match="“授课老师”") as caught:
        fill(_template(tmp_path, "教师：{{ 授课老师 }}"), "observation", CONTEXT)
    assert "授课教师" in str(caught.value) and "是不是“授课教师”" in str(caught.value)  # the right names
    with pytest.raises(TemplateError, match="课题") as caught:
        fill(_template(tmp_path, "课题：{{ 课题 }"), "observation", CONTEXT)
    assert "{{ 名称 }}" in str(caught.value)
    (tmp_path / "x.docx").write_bytes(b"not a zip")
    with pytest.raises(TemplateError, match="不是能打开的 Word 文件"):
        fill(tmp_path / "x.docx", "observation", CONTEXT)


def test_templates_command_lists_and_copies(demo_db, tmp_path, capsys):
    assert main(["templates", "--db", str(demo_db)]) == 0
    out = capsys.readouterr().out
    assert "听课记录表.docx" in out and "教研活动记录表.docx" in out and "默认" in out and "{{ 授课教师 }}" in out
    assert main(["templates", "copy", "observation", "-o", str(tmp_path), "--db", str(demo_db)]) == 0
    assert (tmp_path / "听课记录表.docx").read_bytes() == default_path("observation").read_bytes()
    assert main(["templates", "copy", "听课记录表", "-o", str(tmp_path), "--db", str(demo_db)]) == 1
    assert "已存在" in capsys.readouterr().err
    assert main(["templates", "copy", "nope", "--db", str(demo_db)]) == 1
    assert "没有名为“nope”" in capsys.readouterr().err
    templates_dir(demo_db).mkdir()
    (templates_dir(demo_db) / "封面.docx").write_bytes(default_path("cover").read_bytes())
    assert main(["templates", "--db", str(demo_db)]) == 0
    assert "学校自己的" in capsys.readouterr().out


def _shipped_with(tmp_path, typo: str) -> "Path":
    """The shipped 听课记录表 with one placeholder (建议, near the end) typed wrong by a school."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(default_path("observation").read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.decode().replace("{{ 建议 }}", typo, 1).encode()
            target.writestr(item, data)
    path = tmp_path / "听课记录表.docx"
    path.write_bytes(out.getvalue())
    return path


@pytest.mark.parametrize("typo, named, fix", [
    ("{{ teacher.name }", "“{{ teacher.name }”", "{{ 名称 }}"),  # one brace missing
    ("{{ 1x }}", "“{{ 1x }}”", "{{ 名称 }}"),
    ("{{ 建议 }", "“{{ 建议 }”", "{{ 名称 }}"),
    ("{{ techer }}", "“techer”", "请改成这个表格的占位符之一"),  # unknown: never filled in empty
    ("{{ 建议(1) }}", "“{{ 建议(1) }}”", "占位符里只写名称"),  # was a TypeError traceback
    ("{{ 建议.name }}", "“{{ 建议.name }}”", "占位符里只写名称"),
])
def test_a_typo_in_a_school_form_is_one_sentence_naming_that_placeholder(tmp_path, typo, named, fix):
    with pytest.raises(TemplateError) as caught:
        fill(_shipped_with(tmp_path, typo), "observation", CONTEXT)
    message = str(caught.value)
    assert message.startswith("模板 听课记录表.docx ") and named in message and fix in message, message
    assert "{{ 日期 }}" not in message  # not the first placeholder of the page
    assert "\n" not in message and "expected token" not in message and "Traceback" not in message


def test_the_cli_says_which_placeholder_of_the_schools_form_is_broken(demo_db, tmp_path, capsys, monkeypatch):
    from models.records import Observation
    from models.store.storage import Store

    monkeypatch.setattr("models.identity.os_login", lambda: "tester")  # the demo's admin
    record = next(o for o in Store(demo_db).all(Observation) if o.term_id == "2025-2026-1")
    templates_dir(demo_db).mkdir()
    (templates_dir(demo_db) / "听课记录表.docx").write_bytes(_shipped_with(tmp_path, "{{ 建议(1) }}").read_bytes())
    target = tmp_path / "out.docx"
    assert main(["report", "observation", str(record.id), "-o", str(target), "--db", str(demo_db)]) == 1
    err = capsys.readouterr().err
    assert "模板 听课记录表.docx 里的占位符“{{ 建议(1) }}”无法填写" in err and "Traceback" not in err
    assert not target.exists()
