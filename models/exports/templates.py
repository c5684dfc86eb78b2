"""The school's own Word forms: a ``.docx`` with placeholders, filled by docxtpl.

A school that hands in its 听课记录表 or 教研活动记录表 on its own form puts a ``.docx``
into the ``templates`` folder beside the data file (``school.json`` → ``templates/``),
named as the form is named below (e.g. ``听课记录表.docx``), with placeholders such as
``{{ 授课教师 }}`` where jiaoyan writes the record's fields (docxtpl's Jinja syntax:
``{% if 建议 %}…{% endif %}`` works too). Without one, the page is built by the one Word
builder (models/exports/word.py). jiaoyan ships a default of each form, made with that
builder, as package data; ``jiaoyan templates`` lists the forms and where each comes from,
and ``jiaoyan templates copy NAME`` copies the default out to edit.

A broken template (a placeholder jiaoyan does not know, a ``{{`` without its ``}}``) is
refused with a sentence naming the placeholder or the text near the mistake.

Callers (the record pages) use :func:`render_record`::

    payload = render_record("observation", context, db_path, build=lambda: my_builder_bytes())

and a group's binder puts the cover in front with :func:`with_cover`.
"""

from __future__ import annotations

import difflib
import io
import re
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from models.errors import InputError
from models.i18n import t

FOLDER = "templates"  # beside the data file
DEFAULTS = Path(__file__).with_name("default_templates")  # package data


@dataclass(frozen=True)
class Form:
    name: str  # the command-line name: observation, activity, cover
    file: str  # the file name in the templates folder
    title_key: str
    fields: tuple[str, ...]  # the placeholders jiaoyan fills


FORMS: dict[str, Form] = {f.name: f for f in (
    Form("observation", "听课记录表.docx", "exports.form.observation",
         ("学校", "学期", "日期", "节次", "听课人", "授课教师", "学科", "班级", "课题", "课型", "教学过程",
          "优点", "不足", "建议", "等级", "总分")),
    Form("activity", "教研活动记录表.docx", "exports.form.activity",
         ("学校", "学期", "教研组", "日期", "节次", "地点", "主持人", "中心发言人", "记录人", "主题", "内容",
          "出席", "请假", "缺席", "记录", "应到", "实到", "小结")),
    Form("cover", "封面.docx", "exports.form.cover", ("学校", "学期", "标题", "教研组", "日期")),
)}


class TemplateError(InputError, ValueError):
    """A template that cannot be used; the message says which placeholder or where."""


def templates_dir(db_path: str | Path) -> Path:
    return Path(db_path).expanduser().absolute().parent / FOLDER


def default_path(name: str) -> Path:
    return DEFAULTS / FORMS[name].file


def school_path(name: str, db_path: str | Path) -> Path | None:
    """The school's own template of this form, if it has put one in the templates folder."""
    path = templates_dir(db_path) / FORMS[name].file
    return path if path.is_file() else None


def list_forms(db_path: str | Path) -> list[tuple[Form, Path, bool]]:
    """Each form, the template that will be used, and whether it is the school's own."""
    out = []
    for form in FORMS.values():
        own = school_path(form.name, db_path)
        out.append((form, own or default_path(form.name), own is not None))
    return out


def form_named(name: str) -> Form:
    """A form by its command-line name or its file name (with or without .docx)."""
    wanted = name.strip().removesuffix(".docx")
    for form in FORMS.values():
        if wanted in (form.name, form.file.removesuffix(".docx"), t(form.title_key)):
            return form
    raise TemplateError(t("exports.templates.unknown", name=name,
                          known="、".join(f"{f.name}（{f.file}）" for f in FORMS.values())))


def copy_out(name: str, target: str | Path) -> Path:
    """Copy the shipped default of a form to ``target`` (a folder or a file name) to edit."""
    form = form_named(name)
    target = Path(target).expanduser()
    if target.is_dir():
        target = target / form.file
    if target.exists():
        raise TemplateError(t("exports.templates.exists", path=target))
    shutil.copyfile(default_path(form.name), target)
    return target


def fill(path: Path, name: str, context: Mapping[str, object]) -> bytes:
    """Fill the template at ``path`` with ``context``; :class:`TemplateError` when it is broken."""
    from docxtpl import DocxTemplate
    from jinja2 import Environment, StrictUndefined, TemplateError as JinjaError, TemplateSyntaxError

    form = FORMS[name]
    try:
        template = DocxTemplate(str(path))
        template.init_docx()
    except Exception as error:  # a file that is not a .docx at all
        raise TemplateError(t("exports.templates.unreadable", path=path, reason=error)) from None
    env = Environment(undefined=StrictUndefined, autoescape=True)
    known = "、".join(form.fields)
    try:
        unknown = sorted(template.get_undeclared_template_variables(env) - set(form.fields))
    except TemplateSyntaxError as error:
        raise TemplateError(_syntax_sentence(path, error, env, known)) from None
    if unknown:
        close = difflib.get_close_matches(unknown[0], form.fields, n=1, cutoff=0.5)
        hint = t("exports.templates.did_you_mean", name=close[0]) if close else ""
        raise TemplateError(t("exports.templates.unknown_placeholder", path=path.name, placeholder=unknown[0],
                              hint=hint, known=known))
    values = {key: _value(value) for key, value in context.items()}
    values.update({key: "" for key in form.fields if key not in values})
    try:
        source = "".join(template.patch_xml(template.get_xml()).split("\n"))
    except Exception:  # noqa: BLE001 - only to find the placeholder to name
        source = ""
    try:
        template.render(values, env, autoescape=True)
    except TemplateSyntaxError as error:
        raise TemplateError(_syntax_sentence(path, error, env, known)) from None
    except (JinjaError, TypeError, ValueError, AttributeError, LookupError, ArithmeticError) as error:
        # A placeholder that is more than a name (建议(1), 建议.name, 等级 / 0): the one that fails.
        placeholder = _failing_placeholder(source, env, values)
        if placeholder is None:
            raise TemplateError(t("exports.templates.broken", path=path.name, reason=error)) from None
        raise TemplateError(t("exports.templates.cannot_fill", path=path.name, placeholder=placeholder,
                              known=known)) from None
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def _value(value: object) -> object:
    """A context value as the form prints it: dates in Chinese, line breaks kept."""
    import datetime as dt

    from docxtpl import Listing

    from models.exports.word import text_of

    if isinstance(value, (dt.date, dt.datetime, float)) or value is None:
        return text_of(value)
    if isinstance(value, str) and ("\n" in value or "\r" in value):
        return Listing(value.replace("\r\n", "\n"))
    return value


def _placeholders(source: str) -> list[str]:
    """The ``{{ … }}`` placeholders of a template's XML as a teacher typed them (the XML
    between the letters dropped), each up to its ``}}``, or, when that is missing, up to
    the next placeholder or the end of its paragraph."""
    text = re.sub(r"</w:p>", "\n", source)
    text = re.sub(r"<[^>]+>", "", text)
    out = []
    for match in re.finditer(r"\{\{", text):
        rest = text[match.start():match.start() + 80]
        ends = [i for i in (rest.find("}}", 2), rest.find("{{", 2), rest.find("{%", 2), rest.find("\n")) if i >= 0]
        end = min(ends) if ends else len(rest)
        if rest.startswith("}}", end):
            end += 2
        elif "}" in rest[2:end]:  # {{ 建议 }: up to its one brace (docxtpl has taken the XML after it away)
            end = rest.index("}", 2) + 1
        else:
            end = min(end, 20)
        out.append(rest[:end].strip())
    return out


def _broken_placeholder(source: str, env) -> str | None:
    """The first placeholder that is not well formed on its own (``{{ 建议 }``, ``{{ 1x }}``)."""
    from jinja2 import TemplateSyntaxError

    for placeholder in _placeholders(source):
        try:
            env.parse(placeholder)
        except TemplateSyntaxError:
            return placeholder
    return None


def _failing_placeholder(source: str, env, values: Mapping[str, object]) -> str | None:
    """The first placeholder that cannot be filled with ``values`` (``{{ 建议(1) }}``)."""
    for placeholder in _placeholders(source):
        try:
            env.from_string(placeholder).render(values)
        except Exception:  # noqa: BLE001 - any failure names this placeholder
            return placeholder
    return None


def _syntax_sentence(path: Path, error, env, known: str) -> str:
    """One sentence naming the malformed placeholder and how to write it."""
    source = error.source or ""
    placeholder = _broken_placeholder(source, env)
    if placeholder is None:  # a {% if %} without its {% endif %}, or the like: the text near it
        lines = source.splitlines()
        near = lines[error.lineno - 1] if error.lineno and error.lineno <= len(lines) else ""
        near = re.sub(r"<[^>]+>", "", near).strip()
        marker = near.find("{%")
        marker = marker if marker >= 0 else near.find("{")
        placeholder = near[max(0, marker):marker + 30] if marker >= 0 else near[:40]
        return t("exports.templates.syntax_block", path=path.name, near=placeholder)
    return t("exports.templates.syntax", path=path.name, placeholder=placeholder, known=known)


def render_record(name: str, context: Mapping[str, object], db_path: str | Path | None,
                  build: Callable[[], bytes]) -> bytes:
    """The record page: the school's own template filled with ``context`` when there is one,
    else ``build()`` (the one Word builder's page)."""
    own = school_path(name, db_path) if db_path else None
    if own is not None:
        return fill(own, name, context)
    return build()


def join_pages(parts: list[bytes]) -> bytes:
    """Word documents one after another, each from a new page; the first one's page setup,
    header and footer hold for all (docxcompose keeps each part's styles and pictures)."""
    import docx
    from docxcompose.composer import Composer

    composer = Composer(docx.Document(io.BytesIO(parts[0])))
    for part in parts[1:]:
        composer.doc.add_page_break()
        composer.append(docx.Document(io.BytesIO(part)))
    buffer = io.BytesIO()
    composer.save(buffer)
    return buffer.getvalue()


def with_cover(payload: bytes, context: Mapping[str, object], db_path: str | Path | None) -> bytes:
    """``payload`` (a .docx) with the cover form on a page of its own in front: the school's
    own 封面.docx when it put one in its templates folder, else the shipped default; filled
    with ``context`` (学校, 学期, 标题, 教研组, 日期). The document keeps its own page setup,
    header and footer (docxcompose joins the two, styles and pictures included)."""
    import docx
    from docxcompose.composer import Composer

    own = school_path("cover", db_path) if db_path else None
    cover = docx.Document(io.BytesIO(fill(own or default_path("cover"), "cover", context)))
    cover.add_page_break()
    composer = Composer(docx.Document(io.BytesIO(payload)))
    composer.insert(0, cover)
    buffer = io.BytesIO()
    composer.save(buffer)
    return buffer.getvalue()


# -- the shipped defaults ---------------------------------------------------------------------

def build_default(name: str) -> bytes:
    """The default form, made with the one Word builder, its fields as placeholders."""
    from models.exports.word import Cell, WordDocument

    def p(field: str) -> str:
        return "{{ " + field + " }}"

    form = FORMS[name]
    doc = WordDocument(t(form.title_key), school=p("学校"), term=p("学期"), show_title=name != "cover")
    label = {"bold": True, "align": "center"}
    if name == "observation":
        doc.table(None, [
            [Cell("日期", **label), p("日期"), Cell("节次", **label), p("节次")],
            [Cell("听课人", **label), p("听课人"), Cell("授课教师", **label), p("授课教师")],
            [Cell("学科", **label), p("学科"), Cell("班级", **label), p("班级")],
            [Cell("课题", **label), Cell(p("课题"), span=3)],
            [Cell("课型", **label), p("课型"), Cell("等级", **label),
             "{{ 等级 }}{% if 总分 %}（{{ 总分 }} 分）{% endif %}"],
            [Cell("教学过程", **label), Cell(p("教学过程"), span=3, height=9)],
            [Cell("优点", **label), Cell(p("优点"), span=3, height=2.5)],
            [Cell("不足", **label), Cell(p("不足"), span=3, height=2.5)],
            [Cell("建议", **label), Cell(p("建议"), span=3, height=2.5)],
        ], widths=[2, 4, 2, 4])
        doc.signatures(["听课人签名", "日期"])
    elif name == "activity":
        doc.table(None, [
            [Cell("教研组", **label), p("教研组"), Cell("日期", **label), "{{ 日期 }} {{ 节次 }}"],
            [Cell("地点", **label), p("地点"), Cell("主持人", **label), p("主持人")],
            [Cell("中心发言人", **label), p("中心发言人"), Cell("记录人", **label), p("记录人")],
            [Cell("主题", **label), Cell(p("主题"), span=3)],
            [Cell("内容", **label), Cell(p("内容"), span=3, height=2)],
            [Cell("出席", **label), Cell(p("出席"), span=3)],
            [Cell("请假", **label), p("请假"), Cell("缺席", **label), p("缺席")],
            [Cell("活动记录", **label), Cell(p("记录"), span=3, height=12)],
        ], widths=[2, 4, 2, 4])
        doc.signatures(["主持人签名", "记录人签名"])
    else:
        for _ in range(6):
            doc.paragraph("")
        doc.paragraph(p("学校"), align="center", size=22)
        doc.paragraph("")
        doc.paragraph(p("标题"), align="center", size=26)
        for _ in range(8):
            doc.paragraph("")
        for key in ("教研组", "学期", "日期"):
            doc.paragraph(f"{key}：{p(key)}", align="center", size=16)
    return doc.to_bytes()


def write_defaults(folder: Path = DEFAULTS) -> list[Path]:
    """Rebuild the shipped defaults (``python -m models.exports.templates``)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, form in FORMS.items():
        path = folder / form.file
        path.write_bytes(build_default(name))
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_defaults():
        print(written_path)
