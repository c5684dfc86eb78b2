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
    assert "授课教师" in str(caught.value)  # the right names are listed
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
