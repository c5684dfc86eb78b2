"""The one Word builder: a Chinese school's layout in every document."""

from __future__ import annotations

import datetime as dt
import io

import docx
from docx.oxml.ns import qn

from models.exports.word import Cell, WordDocument, cn_date, fit_widths

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def build() -> docx.document.Document:
    doc = WordDocument("教研活动记录表", school="育才实验小学", term="2025—2026学年第一学期", subtitle="副标题")
    doc.heading("一、基本情况")
    doc.paragraph("第一行\n第二行", indent=True)
    doc.fields([("主持人", "张敏"), ("日期", dt.date(2025, 11, 5))])
    doc.table(["日期", "主题", "记录"], [[dt.date(2025, 9, 11), "=1+1", "记录\x01两行"]] * 40, widths=[2, 3, 7])
    doc.table(None, [[Cell("活动记录", bold=True), Cell("很长", span=3, height=8)]], widths=[2, 2, 2, 2])
    doc.signatures(["主持人签名", "日期"])
    doc.landscape()
    doc.table([f"列{i}" for i in range(9)], [[i] * 9 for i in range(5)])
    return docx.Document(io.BytesIO(doc.to_bytes()))


def test_page_header_footer_fonts_and_language():
    document = build()
    first, landscape = document.sections
    assert round(first.page_width.cm, 1) == 21.0 and round(first.page_height.cm, 1) == 29.7
    assert round(landscape.page_width.cm, 1) == 29.7
    assert "育才实验小学" in first.header.paragraphs[0].text and "2025—2026学年第一学期" in first.header.paragraphs[0].text
    footer = first.footer.paragraphs[0]._p
    codes = [x.text.strip() for x in footer.iter(f"{W}instrText")]
    assert codes == ["PAGE", "NUMPAGES"]
    assert "第" in first.footer.paragraphs[0].text and "共" in first.footer.paragraphs[0].text
    styles = document.styles.element
    lang = styles.find(f"{W}docDefaults").find(f".//{W}lang")
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    fonts = styles.find(f"{W}docDefaults").find(f".//{W}rFonts")
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    for name in ("Title", "Heading 1", "Heading 2"):
        rpr = document.styles[name].element.find(f"{W}rPr")
        assert rpr.find(f"{W}rFonts").get(qn("w:eastAsia")) == "黑体"
        assert rpr.find(f"{W}color").get(qn("w:val")) == "000000"
    title = document.paragraphs[0]
    assert title.style.name == "Title" and title.text == "教研活动记录表"
    props = document.core_properties
    assert props.author == "育才实验小学" and props.title == "教研活动记录表"
    assert abs((props.created.replace(tzinfo=None) - dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)).total_seconds()) < 120


def test_tables_grid_equals_cells_header_repeats_rows_do_not_split():
    document = build()
    fields, records, form, wide = document.tables
    for table in (fields, records, form, wide):
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.iter(f"{W}gridCol")]
        for row in table._tbl.iter(f"{W}tr"):
            cells = row.findall(f"{W}tc")
            widths = [int(c.find(f"{W}tcPr/{W}tcW").get(qn("w:w"))) for c in cells]
            spans = [int(s.get(qn("w:val"))) if (s := c.find(f"{W}tcPr/{W}gridSpan")) is not None else 1
                     for c in cells]
            position, expected = 0, []
            for span in spans:
                expected.append(sum(grid[position:position + span]))
                position += span
            assert widths == expected and position == len(grid)
            assert row.find(f"{W}trPr/{W}cantSplit") is not None
        assert table._tbl.tblPr.find(f"{W}tblLayout").get(qn("w:type")) == "fixed"
    header = records._tbl.findall(f"{W}tr")[0]
    assert header.find(f"{W}trPr/{W}tblHeader") is not None
    assert [c.text for c in records.rows[0].cells] == ["日期", "主题", "记录"]
    assert records.rows[1].cells[0].text == "2025年9月11日"
    assert records.rows[1].cells[1].text == "=1+1"  # Word does not calculate; kept as typed
    assert records.rows[1].cells[2].text == "记录两行"  # a control character cannot be in a .docx
    grid = [int(c.get(qn("w:w"))) for c in records._tbl.tblGrid.iter(f"{W}gridCol")]
    assert grid[2] > grid[1] > grid[0] * 0.8  # relative widths hold, the date keeps room to print
    assert form.rows[0]._tr.find(f"{W}trPr/{W}trHeight") is not None
    assert [c.text for c in fields.rows[2].cells] == ["日期", "2025年11月5日"]


def test_dates_in_chinese_and_widths_shared_fairly():
    assert cn_date(dt.date(2025, 11, 5)) == "2025年11月5日" and cn_date("2025-01-09") == "2025年1月9日"
    assert fit_widths([1, 1], [0, 0], 1000) == [500, 500]
    widths = fit_widths([1, 10], [400, 0], 1100)
    assert widths[0] >= 399 and sum(widths) == 1100


def test_tables_are_spliced_in_their_place_and_no_placeholder_is_left():
    """Tables are written as XML text into word/document.xml on save (fast for thousands of
    rows): each lands where it was added, between the headings around it."""
    import zipfile

    doc = WordDocument("学期教研资料", school="育才实验小学", term="2025—2026学年第一学期")
    doc.heading("一、活动")
    doc.table(["日期", "主题"], [[dt.date(2025, 9, 4), f"主题{n}"] for n in range(3000)])
    doc.heading("二、听课")
    doc.landscape()
    doc.table([f"列{i}" for i in range(7)], [["<&>"] * 7])
    payload = doc.to_bytes()
    xml = zipfile.ZipFile(io.BytesIO(payload)).read("word/document.xml").decode("utf-8")
    assert "jiaoyan-table" not in xml
    document = docx.Document(io.BytesIO(payload))
    body = [child.tag.split("}")[1] for child in document.element.body]
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["一、活动", "二、听课"]
    first, second = document.tables
    assert len(first.rows) == 3001 and first.cell(3000, 1).text == "主题2999"
    assert second.cell(1, 0).text == "<&>"
    # heading, table, (spacer), heading, section break, table: the order they were added in
    tables = [i for i, tag in enumerate(body) if tag == "tbl"]
    texts = [(docx.text.paragraph.Paragraph(el, None).text, i) for i, el in enumerate(document.element.body)
             if el.tag.endswith("}p")]
    at = {text: i for text, i in texts if text in ("一、活动", "二、听课")}
    assert at["一、活动"] < tables[0] < at["二、听课"] < tables[1]
    assert len(document.sections) == 2


def test_no_column_of_a_wide_list_is_squeezed_to_nothing(demo_db, tmp_path):
    """export activities --format docx: 17 columns on a landscape page. The topic and the
    minutes printed nowhere when the dates and names beside them took every twip."""
    from tui.cli import main

    out = tmp_path / "activities.docx"
    assert main(["export", "activities", "--db", str(demo_db), "--term", "2025-2026-1", "--format", "docx",
                 "-o", str(out)]) == 0
    document = docx.Document(str(out))
    table = document.tables[0]
    grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.iter(f"{W}gridCol")]
    headers = [cell.text for cell in table.rows[0].cells]
    assert len(grid) == 17 and min(grid) >= 250
    assert grid[headers.index("主题")] >= 800 and grid[headers.index("活动记录")] >= 800
    assert document.paragraphs[0].text == "教研活动记录"
    # On landscape A4 from its first page, with the school's header and the page numbers kept.
    assert [round(x.page_width.cm, 1) for x in document.sections] == [29.7]
    section = document.sections[0]
    assert "育才实验小学" in section.header.paragraphs[0].text
    assert "PAGE" in section.footer._element.xml and "NUMPAGES" in section.footer._element.xml


def test_fit_widths_keeps_a_text_column_its_share_up_to_a_floor():
    # Room to spare: the text column keeps its full share.
    assert fit_widths([1, 1, 5], [1000, 1000, 0], 9000)[2] >= 6000
    # Two date-like columns needing most of the page: the text column keeps what they leave.
    widths = fit_widths([1, 1, 5], [4000, 4000, 0], 9000)
    assert widths == [4000, 4000, 1000]
    # Floors that cannot all fit: every column gives up the same fraction, none is zero.
    widths = fit_widths([1] * 6, [2000] * 5 + [0], 9000)
    assert sum(widths) == 9000 and min(widths) > 0
