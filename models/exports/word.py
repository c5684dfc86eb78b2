"""The one Word builder: every .docx jiaoyan writes is made here, in a Chinese school's layout.

Use it like this::

    from models.exports.word import Cell, WordDocument

    doc = WordDocument("教研活动记录表", school="育才实验小学", term="2025—2026学年第一学期")
    doc.heading("一、基本情况")                   # 黑体; level 1 (default), 2 or 3
    doc.paragraph("本学期共开展活动 12 次。")       # 宋体 body; "\\n" keeps line breaks
    doc.fields([("主持人", "张敏"), ("日期", dt.date(2025, 11, 5))])   # 项目 | 内容 table
    doc.table(["日期", "主题", "记录"], rows, widths=[2, 3, 7])       # relative widths
    doc.table(None, [[Cell("活动记录", bold=True), Cell(minutes, span=3, height=8)]],
              widths=[2, 2, 2, 2])                # a form: no header row, merged cells, a tall cell
    doc.signatures(["主持人签名", "记录人签名", "日期"])
    doc.cover("教研成果集", ["育才实验小学", "2026年1月"])  # a cover page (build with show_title=False)
    doc.contents("目　录", [("《识字教学反思》", "toc1")])   # a real TOC field whose written entries show as is
    doc.heading("《识字教学反思》", 1, bookmark="toc1")       # the entry's target; PAGEREF finds its page
    doc.page_break()
    doc.landscape()                                # following pages landscape (portrait() back)
    payload = doc.to_bytes()                       # or doc.save(path)

What every document gets, without asking:

- A4, margins 2.54 cm top/bottom and 3.18 cm left/right (Word's 普通), landscape sections
  on request; the title centred in 黑体 小二, headings in 黑体, body in 宋体 五号 (10.5 pt),
  Latin text in Times New Roman; black text, no theme colours.
- A page header with the school and the term, and "第 X 页 共 Y 页" in the footer as
  PAGE / NUMPAGES fields (English: "Page X of Y").
- Tables with fixed column widths written both to the table grid and to every cell (so
  Word, WPS and LibreOffice agree), single-line borders, header rows repeated on every
  page, rows that do not split across pages, 小五 (9 pt) text.
- Dates (``datetime.date`` values, in cells, fields or via :func:`cn_date`) written
  ``2025年11月5日``; numbers as typed.
- East Asian language zh-CN (so LibreOffice picks Chinese, not Japanese, glyph forms);
  author = the school, created = now, title = the document's title.

Tables are written as XML text in one pass (no python-docx row objects) and spliced into
``word/document.xml`` when the document is saved: a placeholder comment stands in the body
until then, because moving a parsed table of thousands of rows into python-docx's tree
(lxml re-homing every node) costs milliseconds a row. A table of thousands of rows costs
about what its text does (bench/report_speed.py).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from models.exports.content import Percent
from models.i18n import language, t

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TWIPS_PER_CM = 567  # 1440 twips per inch / 2.54

BODY_FONT = "宋体"  # SimSun
HEADING_FONT = "黑体"  # SimHei
LATIN_FONT = "Times New Roman"
BODY_SIZE = 10.5  # 五号
TABLE_SIZE = 9  # 小五
TITLE_SIZE = 18  # 小二
HEADING_SIZES = {1: 14, 2: 12, 3: 10.5}  # 四号, 小四, 五号

PAGE = (21.0, 29.7)  # A4, cm
MARGINS = {"top": 2.54, "bottom": 2.54, "left": 3.18, "right": 3.18}

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def cn_date(value: dt.date | str) -> str:
    """``2025年11月5日`` (English: ``5 November 2025``); an ISO string is read first."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = value.date()
    if language() == "en":
        return f"{value.day} {value.strftime('%B')} {value.year}"
    return f"{value.year}年{value.month}月{value.day}日"


def text_of(value: object) -> str:
    """A cell's value as it is printed: dates in Chinese, whole floats without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return cn_date(value)
    if isinstance(value, Percent):
        return str(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@dataclass
class Cell:
    """A table cell with more than text: ``span`` columns wide, bold, centred, or at least
    ``height`` cm tall (a blank place to write by hand)."""

    value: object = ""
    span: int = 1
    bold: bool = False
    align: str = ""  # "", "center" or "right"
    height: float = 0.0


def _xml_text(text: str) -> str:
    return escape(_CONTROL.sub("", text))


def _runs(text: str, bold: bool = False, size: float = 0) -> str:
    """Runs of one paragraph; a line break in the text becomes <w:br/>."""
    props = "<w:b/><w:bCs/>" if bold else ""
    if size:
        props += f'<w:sz w:val="{int(size * 2)}"/><w:szCs w:val="{int(size * 2)}"/>'
    props = f"<w:rPr>{props}</w:rPr>" if props else ""
    parts = _xml_text(text.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    inner = "<w:br/>".join(f'<w:t xml:space="preserve">{p}</w:t>' for p in parts)
    return f"<w:r>{props}{inner}</w:r>" if text else ""


class WordDocument:
    """A Word document in the school's layout; see the module docstring for the API."""

    def __init__(self, title: str, *, school: str = "", term: str = "", subtitle: str = "",
                 author: str = "", landscape: bool = False, show_title: bool = True,
                 created: dt.datetime | None = None) -> None:
        from docx import Document

        self.title = title
        self.school = school
        self.term = term
        self._doc = Document()
        self._body = self._doc.element.body
        self._landscape = landscape
        self._spliced: list[str] = []  # table XML, put in place of <!--jiaoyan-table-N--> on save
        self._bookmarks = 0
        self._setup_styles()
        self._setup_section(self._doc.sections[0], landscape)
        self._setup_header_footer(self._doc.sections[0])
        props = self._doc.core_properties
        props.author = author or school or "jiaoyan"
        props.last_modified_by = props.author
        props.title = title
        props.created = props.modified = created or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        props.revision = 1
        props.language = "zh-CN"
        if show_title:
            self._add_xml(f'<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr>{_runs(title)}</w:p>')
        if subtitle:
            self._add_xml(f'<w:p><w:pPr><w:jc w:val="center"/></w:pPr>{_runs(subtitle)}</w:p>')

    # -- the page ------------------------------------------------------------------------------

    def _setup_styles(self) -> None:
        from docx.oxml import parse_xml

        styles = self._doc.styles.element
        defaults = styles.find(f"{{{W_NS}}}docDefaults")
        defaults.getparent().replace(defaults, parse_xml(
            f'<w:docDefaults xmlns:w="{W_NS}"><w:rPrDefault><w:rPr>'
            f'<w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{BODY_FONT}" w:cs="{LATIN_FONT}"/>'
            f'<w:sz w:val="{int(BODY_SIZE * 2)}"/><w:szCs w:val="{int(BODY_SIZE * 2)}"/>'
            '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
            '</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>'
            '<w:spacing w:after="0" w:line="300" w:lineRule="auto"/>'
            '</w:pPr></w:pPrDefault></w:docDefaults>'))
        self._restyle("Title", HEADING_FONT, TITLE_SIZE, center=True, before=0, after=240, bold=False)
        for level, size in HEADING_SIZES.items():
            self._restyle(f"Heading {level}", HEADING_FONT, size, before=240 if level == 1 else 120,
                          after=120 if level == 1 else 60, bold=False)
        # Table text: 小五, tight lines, used by every cell paragraph.
        table_text = self._doc.styles.add_style("Table Text", 1)  # WD_STYLE_TYPE.PARAGRAPH
        table_text.base_style = self._doc.styles["Normal"]
        table_text.element.append(parse_xml(
            f'<w:pPr xmlns:w="{W_NS}"><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'))
        table_text.element.append(parse_xml(
            f'<w:rPr xmlns:w="{W_NS}"><w:sz w:val="{int(TABLE_SIZE * 2)}"/><w:szCs w:val="{int(TABLE_SIZE * 2)}"/></w:rPr>'))
        self._table_style_id = table_text.style_id

    def _restyle(self, name: str, font: str, size: float, *, center: bool = False, before: int = 0,
                 after: int = 0, bold: bool = False) -> None:
        from docx.oxml import parse_xml

        style = self._doc.styles[name].element
        for tag in ("pPr", "rPr"):
            old = style.find(f"{{{W_NS}}}{tag}")
            if old is not None:
                style.remove(old)
        outline = ""
        if name.startswith("Heading"):
            outline = f'<w:outlineLvl w:val="{int(name.split()[-1]) - 1}"/>'
        jc = '<w:jc w:val="center"/>' if center else ""
        style.append(parse_xml(
            f'<w:pPr xmlns:w="{W_NS}"><w:keepNext/><w:keepLines/>'
            f'<w:spacing w:before="{before}" w:after="{after}"/>{jc}{outline}</w:pPr>'))
        style.append(parse_xml(
            f'<w:rPr xmlns:w="{W_NS}"><w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" '
            f'w:eastAsia="{font}" w:cs="{LATIN_FONT}"/>{"<w:b/><w:bCs/>" if bold else ""}'
            f'<w:color w:val="000000"/><w:sz w:val="{int(size * 2)}"/><w:szCs w:val="{int(size * 2)}"/></w:rPr>'))

    def _setup_section(self, section, landscape: bool) -> None:
        from docx.enum.section import WD_ORIENT
        from docx.shared import Cm

        width, height = PAGE
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (Cm(height), Cm(width)) if landscape else (Cm(width), Cm(height))
        for side, value in MARGINS.items():
            setattr(section, f"{side}_margin", Cm(value))
        section.header_distance, section.footer_distance = Cm(1.5), Cm(1.75)

    def _setup_header_footer(self, section) -> None:
        from docx.oxml import parse_xml

        header = section.header
        line = "　".join(x for x in (self.school, self.term) if x)
        header.paragraphs[0]._p.getparent().replace(header.paragraphs[0]._p, parse_xml(
            f'<w:p xmlns:w="{W_NS}"><w:pPr><w:jc w:val="center"/>'
            '<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="1" w:color="000000"/></w:pBdr>'
            f'<w:rPr><w:sz w:val="18"/></w:rPr></w:pPr>{_small_runs(line)}</w:p>'))
        before, middle, after = _footer_words()
        footer = section.footer
        footer.paragraphs[0]._p.getparent().replace(footer.paragraphs[0]._p, parse_xml(
            f'<w:p xmlns:w="{W_NS}"><w:pPr><w:jc w:val="center"/></w:pPr>'
            f'{_small_runs(before)}{_field("PAGE")}{_small_runs(middle)}{_field("NUMPAGES")}{_small_runs(after)}</w:p>'))

    @property
    def usable_width(self) -> float:
        """The width between the margins, in cm, of the current section."""
        width, height = PAGE
        return (height if self._landscape else width) - MARGINS["left"] - MARGINS["right"]

    # -- content -------------------------------------------------------------------------------

    def _add_xml(self, xml: str) -> None:
        """Put body XML (in the w: namespace, one or more elements) before the final section."""
        from docx.oxml import parse_xml

        wrapper = parse_xml(f'<w:body xmlns:w="{W_NS}">{xml}</w:body>')
        anchor = self._body.sectPr
        for element in list(wrapper):
            if anchor is not None:
                anchor.addprevious(element)
            else:
                self._body.append(element)

    def _add_spliced(self, xml: str) -> None:
        """Body XML that is only spliced in as text when the document is saved (see the
        module docstring): a comment marks its place among the body's elements."""
        from lxml import etree

        comment = etree.Comment(f"jiaoyan-table-{len(self._spliced)}")
        self._spliced.append(xml)
        anchor = self._body.sectPr
        if anchor is not None:
            anchor.addprevious(comment)
        else:
            self._body.append(comment)

    def heading(self, text: str, level: int = 1, *, bookmark: str = "", center: bool = False) -> None:
        """A heading in 黑体 (level 1, 2 or 3), kept with what follows. ``bookmark`` names it
        for a table of contents' page reference (:meth:`contents`)."""
        level = min(3, max(1, level))
        runs = _runs(text)
        if bookmark:
            self._bookmarks += 1
            number = self._bookmarks
            runs = (f'<w:bookmarkStart w:id="{number}" w:name="{_xml_text(bookmark)}"/>{runs}'
                    f'<w:bookmarkEnd w:id="{number}"/>')
        jc = '<w:jc w:val="center"/>' if center else ""
        self._add_xml(f'<w:p><w:pPr><w:pStyle w:val="Heading{level}"/>{jc}</w:pPr>{runs}</w:p>')

    def _update_fields_on_open(self) -> None:
        """Word (and WPS) offer to update the document's fields when it is opened."""
        from docx.oxml import parse_xml

        settings = self._doc.settings.element
        if settings.find(f"{{{W_NS}}}updateFields") is not None:
            return
        element = parse_xml(f'<w:updateFields xmlns:w="{W_NS}" w:val="true"/>')
        # The schema's order: updateFields comes before these (Word is strict about it).
        later = ("hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr")
        anchor = next((c for c in settings if c.tag.rsplit("}", 1)[-1] in later), None)
        if anchor is not None:
            anchor.addprevious(element)
        else:
            settings.append(element)

    def cover(self, title: str, lines: Sequence[str] = ()) -> None:
        """A cover page: the title large in 黑体 a third down the page, ``lines`` (the school,
        the term, the date) centred below it, then a new page."""
        self._add_xml('<w:p><w:pPr><w:spacing w:before="4200" w:after="600"/><w:jc w:val="center"/></w:pPr>'
                      f'<w:r><w:rPr><w:rFonts w:eastAsia="{HEADING_FONT}"/><w:sz w:val="52"/><w:szCs w:val="52"/>'
                      f'</w:rPr><w:t xml:space="preserve">{_xml_text(title)}</w:t></w:r></w:p>')
        for line in lines:
            self._add_xml('<w:p><w:pPr><w:spacing w:before="240"/><w:jc w:val="center"/></w:pPr>'
                          f'{_runs(line, size=16)}</w:p>')
        self.page_break()

    def contents(self, heading: str, entries: Sequence[tuple[str, str]], pages: Sequence[int] = ()) -> None:
        """A table of contents: a real Word TOC field (Word and WPS refresh it with F9 or
        on printing) whose result is already the written list — each entry's text, a dotted
        tab and a PAGEREF field to its heading's ``bookmark`` — so it reads without updating
        the field. ``entries`` are (text, bookmark) in order; ``pages`` the page numbers to
        write (the caller's best reckoning: Word puts in the exact ones when it updates the
        field, which the document asks it to do on opening)."""
        self._update_fields_on_open()
        self._add_xml(f'<w:p><w:pPr><w:jc w:val="center"/><w:spacing w:after="240"/></w:pPr>'
                      f'<w:r><w:rPr><w:rFonts w:eastAsia="{HEADING_FONT}"/><w:sz w:val="32"/><w:szCs w:val="32"/>'
                      f'</w:rPr><w:t xml:space="preserve">{_xml_text(heading)}</w:t></w:r></w:p>')
        tab = int(self.usable_width * TWIPS_PER_CM)
        paragraphs = []
        for index, (text, bookmark) in enumerate(entries):
            begin = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                     '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-1" \\h \\z \\u </w:instrText></w:r>'
                     '<w:r><w:fldChar w:fldCharType="separate"/></w:r>') if index == 0 else ""
            end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>' if index == len(entries) - 1 else ""
            paragraphs.append(
                f'<w:p><w:pPr><w:pStyle w:val="TOC1"/><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{tab}"/>'
                f'</w:tabs><w:spacing w:after="60"/></w:pPr>{begin}'
                f'<w:hyperlink w:anchor="{_xml_text(bookmark)}" w:history="1">{_runs(text)}<w:r><w:tab/></w:r>'
                f'<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                f'<w:r><w:instrText xml:space="preserve"> PAGEREF {_xml_text(bookmark)} \\h </w:instrText></w:r>'
                f'<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                f'<w:r><w:t>{pages[index] if index < len(pages) else ""}</w:t></w:r>'
                f'<w:r><w:fldChar w:fldCharType="end"/></w:r></w:hyperlink>{end}</w:p>')
        if not entries:
            paragraphs.append(f"<w:p>{_runs(t('exports.none'))}</w:p>")
        self._add_xml("".join(paragraphs))
        self.page_break()

    def paragraph(self, text: str = "", *, bold: bool = False, align: str = "", indent: bool = False,
                  size: float = 0) -> None:
        """Body text in 宋体; ``align`` "center"/"right"; ``indent`` two characters (首行缩进)."""
        props = ""
        if align in ("center", "right"):
            props += f'<w:jc w:val="{align}"/>'
        if indent:
            props += '<w:ind w:firstLineChars="200" w:firstLine="420"/>'
        runs = _runs(text, bold, size)
        self._add_xml(f"<w:p>{'<w:pPr>' + props + '</w:pPr>' if props else ''}{runs}</w:p>")

    def fields(self, pairs: Sequence[tuple[str, object]], *, headers: Sequence[str] | None = None,
               widths: Sequence[float] = (1, 3)) -> None:
        """Label → value pairs as a two-column table; ``headers`` None: 项目 | 内容;
        ``headers=()``: no header row."""
        if headers is None:
            headers = (t("exports.col.item"), t("exports.col.value"))
        self.table(list(headers) or None, [[Cell(label, bold=True), value] for label, value in pairs],
                   widths=widths)

    def table(self, headers: Sequence[str] | None, rows: Sequence[Sequence[object]], *,
              widths: Sequence[float] | None = None, header_rows: int = 1,
              progress: Callable[[int], None] | None = None) -> None:
        """A table filling the width between the margins. ``widths`` are relative weights
        (e.g. ``[2, 3, 7]``). ``headers`` None: no header row. Values may be :class:`Cell`
        (spans, bold, height). The header row(s) repeat on every page; rows do not split.
        ``progress(n)`` is called every 200 rows with the rows done."""
        columns = len(headers) if headers else max((sum(c.span if isinstance(c, Cell) else 1 for c in r)
                                                    for r in rows), default=1)
        weights = list(widths or [1] * columns)[:columns]
        weights += [1] * (columns - len(weights))
        total_twips = int(self.usable_width * TWIPS_PER_CM)
        twips = fit_widths(weights, _least_widths(headers, rows, columns), total_twips)
        out = ['<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/>',
               f'<w:tblW w:w="{total_twips}" w:type="dxa"/><w:jc w:val="center"/>',
               '<w:tblBorders>', *(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                                   for side in ("top", "left", "bottom", "right", "insideH", "insideV")),
               '</w:tblBorders><w:tblLayout w:type="fixed"/>',
               '<w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>',
               '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
               'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>',
               *(f'<w:gridCol w:w="{w}"/>' for w in twips), '</w:tblGrid>']
        style = self._table_style_id
        if headers:
            out.append(self._row([Cell(h, bold=True, align="center") for h in headers], twips, style, header=True))
        for index, row in enumerate(rows, 1):
            out.append(self._row(row, twips, style, header=not headers and index <= 0))
            if progress and index % 200 == 0:
                progress(index)
        out.append("</w:tbl>")
        self._add_spliced("".join(out))
        # An empty paragraph after a table, or Word joins two tables that follow each other.
        self._add_xml('<w:p><w:pPr><w:spacing w:after="60"/></w:pPr></w:p>')

    @staticmethod
    def _row(row: Sequence[object], twips: list[int], style: str, header: bool = False) -> str:
        cells = []
        column = 0
        height = 0.0
        for value in row:
            cell = value if isinstance(value, Cell) else Cell(value)
            span = max(1, min(cell.span, len(twips) - column))
            if span <= 0:
                break
            width = sum(twips[column:column + span])
            column += span
            height = max(height, cell.height)
            props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
            if span > 1:
                props += f'<w:gridSpan w:val="{span}"/>'
            props += '<w:vAlign w:val="center"/>' if header or cell.align == "center" else ""
            align = f'<w:jc w:val="{cell.align}"/>' if cell.align in ("center", "right") else ""
            text = text_of(cell.value)
            cells.append(f'<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:pPr><w:pStyle w:val="{style}"/>{align}</w:pPr>'
                         f'{_runs(text, cell.bold)}</w:p></w:tc>')
            if column >= len(twips):
                break
        while column < len(twips):  # a short row is padded, so the grid stays whole
            cells.append(f'<w:tc><w:tcPr><w:tcW w:w="{twips[column]}" w:type="dxa"/></w:tcPr>'
                         f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr></w:p></w:tc>')
            column += 1
        props = "<w:cantSplit/>"
        if height:
            props += f'<w:trHeight w:val="{int(height * TWIPS_PER_CM)}" w:hRule="atLeast"/>'
        if header:
            props += "<w:tblHeader/>"
        return f"<w:tr><w:trPr>{props}</w:trPr>{''.join(cells)}</w:tr>"

    def signatures(self, labels: Sequence[str], blank: int = 18) -> None:
        """One line of places to sign, e.g. ``师傅签名：＿＿＿＿＿＿　　日期：＿＿＿＿＿＿``; each
        place ``blank`` underlined spaces long."""
        runs = []
        for index, label in enumerate(labels):
            gap = "　　" if index else ""
            runs.append(_runs(f"{gap}{label}："))
            runs.append('<w:r><w:rPr><w:u w:val="single"/></w:rPr>'
                        f'<w:t xml:space="preserve">{" " * blank}</w:t></w:r>')
        self._add_xml('<w:p><w:pPr><w:spacing w:before="360" w:after="120"/></w:pPr>' + "".join(runs) + "</w:p>")

    def page_break(self) -> None:
        self._add_xml('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')

    def landscape(self) -> None:
        """The following pages are landscape (a new section; header and footer carry on)."""
        self._new_section(True)

    def portrait(self) -> None:
        self._new_section(False)

    def _new_section(self, landscape: bool) -> None:
        from docx.enum.section import WD_SECTION

        if landscape == self._landscape:
            return
        section = self._doc.add_section(WD_SECTION.NEW_PAGE)
        self._landscape = landscape
        self._setup_section(section, landscape)

    # -- output --------------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self._doc.save(buffer)
        if not self._spliced:
            return buffer.getvalue()
        return _splice(buffer.getvalue(), self._spliced)

    def save(self, path: str | Path) -> None:
        """Write through a temporary file, so a half-written document never replaces a good one."""
        from models.exports.spreadsheets import save

        save(path, self.to_bytes())

    @property
    def document(self):
        """The python-docx Document underneath, for what this builder does not offer yet
        (its tables are not in it: they are spliced in by :meth:`to_bytes`)."""
        return self._doc


_PLACEHOLDER = re.compile(rb"<!--jiaoyan-table-(\d+)-->")


def _splice(package: bytes, tables: Sequence[str]) -> bytes:
    """The saved package with each placeholder comment of ``word/document.xml`` replaced by
    its table's XML text (in the document's own ``w:`` namespace); other parts copied as they are."""
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = _PLACEHOLDER.sub(lambda m: tables[int(m.group(1))].encode("utf-8"), data)
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _text_cm(text: str, size: float = TABLE_SIZE) -> float:
    """About how wide ``text`` prints on one line: Chinese one em, Latin half an em, plus
    the spacing LibreOffice and WPS put between the two scripts."""
    from models.exports.spreadsheets import cell_width

    em = size / 72 * 2.54
    cells = cell_width(text)
    switches = sum(1 for a, b in zip(text, text[1:]) if (ord(a) > 0x2e80) != (ord(b) > 0x2e80))
    return cells * em / 2 + switches * em / 4


def _least_widths(headers, rows, columns: int) -> list[float]:
    """The width (twips) each column needs so that dates, numbers and short words (a name,
    ``11/14``) do not break inside: measured on the first 200 rows."""
    least = [0.0] * columns
    padding = 0.6  # the cell's margins and borders, cm
    for row in rows[:200]:
        column = 0
        for value in row:
            cell = value if isinstance(value, Cell) else None
            span = cell.span if cell else 1
            raw = cell.value if cell else value
            if span == 1 and column < columns:
                text = text_of(raw)
                unbreakable = (isinstance(raw, (int, float, dt.date)) or
                               (text and "\n" not in text and len(text) <= 8 and " " not in text))
                if unbreakable:
                    least[column] = max(least[column], _text_cm(text, TABLE_SIZE) + padding)
            column += span
    return [int(cm * TWIPS_PER_CM) for cm in least]


TEXT_FLOOR_CM = 2.5


def fit_widths(weights: Sequence[float], least: Sequence[int], total: int) -> list[int]:
    """Share ``total`` twips by ``weights``, but give every column at least ``least`` (as far
    as the others can spare it), taking the difference from the columns with room to spare.

    A column of free text (no ``least``: a topic, the minutes) keeps its share up to
    ``TEXT_FLOOR_CM``: squeezed to nothing by the dates and names beside it, it printed as a
    line one character wide or not at all. When the floors do not all fit, the text columns
    share what the others leave (at least half their floor); when not even that fits (a
    list of 17 columns), every column gives up the same fraction of what it needs."""
    weight_sum = sum(weights) or 1
    text_floor = TEXT_FLOOR_CM * TWIPS_PER_CM
    floors = [0.0 if need else min(total * w / weight_sum, text_floor) for need, w in zip(least, weights)]
    needed, floored = sum(least), sum(floors)
    if needed + floored > total:
        text_weight = sum(w for need, w in zip(least, weights) if not need) or 1
        left = total - needed
        if needed + floored / 2 <= total and all(need or left * w / text_weight >= floor / 2
                                                 for need, w, floor in zip(least, weights, floors)):
            out = [int(need or left * w / text_weight) for need, w in zip(least, weights)]
        else:
            scale = total / (needed + floored)
            out = [int((need + floor) * scale) for need, floor in zip(least, floors)]
        out[-1] += total - sum(out)
        return out
    least = [max(need, floor) for need, floor in zip(least, floors)]
    widths = [total * w / weight_sum for w in weights]
    for _ in range(len(widths)):
        short = [i for i, w in enumerate(widths) if w + 1 < least[i]]
        if not short:
            break
        need = sum(least[i] - widths[i] for i in short)
        spare = {i: widths[i] - least[i] for i in range(len(widths)) if i not in short and widths[i] > least[i]}
        room = sum(spare.values())
        if room <= 0:
            break
        give = min(need, room)
        for i in short:
            widths[i] += (least[i] - widths[i]) * give / need
        for i, extra in spare.items():
            widths[i] -= extra * give / room
    out = [int(w) for w in widths]
    out[-1] += total - sum(out)
    return out


def _small_runs(text: str) -> str:
    if not text:
        return ""
    return (f'<w:r><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'
            f'<w:t xml:space="preserve">{_xml_text(text)}</w:t></w:r>')


def _field(code: str) -> str:
    """A field Word, WPS and LibreOffice all update when printing (PAGE, NUMPAGES)."""
    size = '<w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'
    return (f'<w:r>{size}<w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r>{size}<w:instrText xml:space="preserve"> {code} </w:instrText></w:r>'
            f'<w:r>{size}<w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r>{size}<w:t>1</w:t></w:r>'
            f'<w:r>{size}<w:fldChar w:fldCharType="end"/></w:r>')


def _footer_words() -> tuple[str, str, str]:
    """"第 ", " 页 共 ", " 页" around the two fields."""
    before, rest = t("exports.word.footer").split("{page}")
    middle, after = rest.split("{pages}")
    return before, middle, after


# -- a report as a document ------------------------------------------------------------------------

WIDE_TABLE = 6  # a part with a table of this many columns or more is printed landscape


def report_to_docx(report, progress: Callable[[int, int], None] | None = None) -> bytes:
    """A :class:`models.exports.content.Report` in the school's layout: the title, then per
    part a heading, its note and its blocks; parts with wide tables on landscape pages."""
    from models.exports.content import Fields, Signatures, Table, Text

    def is_wide(part) -> bool:
        return max((len(tb.headers) for tb in part.tables), default=0) >= WIDE_TABLE

    # A report whose first part is wide starts landscape: its title on the same page as the
    # table, not alone on a portrait page before it.
    doc = WordDocument(report.title, school=report.school, term=report.term, subtitle=report.subtitle,
                       show_title=report.heading_title, landscape=bool(report.parts) and is_wide(report.parts[0]))
    total = sum(len(tb.rows) for tb in report.tables) or 1
    done = 0

    def step(rows: int) -> None:
        if progress:
            progress(done + rows, total)

    for part in report.parts:
        doc.landscape() if is_wide(part) else doc.portrait()
        doc.heading(part.title, 1)
        if part.note:
            doc.paragraph(part.note)
        tables = part.tables
        for block in part.blocks:
            if isinstance(block, Table):
                if len(tables) > 1 or block.title != part.title:
                    doc.heading(block.title, 2)
                if not block.rows:
                    doc.paragraph(t("exports.none"))
                    continue
                doc.table(block.headers, block.rows, widths=block.widths, progress=step)
                done += len(block.rows)
                step(0)
            elif isinstance(block, Fields):
                doc.fields(block.pairs, headers=block.headers)
            elif isinstance(block, Text):
                doc.paragraph(block.text, bold=block.bold)
            elif isinstance(block, Signatures):
                doc.signatures(block.labels, block.blank)
    if progress:
        progress(total, total)
    return doc.to_bytes()
