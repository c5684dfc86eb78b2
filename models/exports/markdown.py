"""A report as Markdown: for a cron mail, a wiki, or reading in the terminal."""

from __future__ import annotations

import datetime as dt

from models.exports.content import Fields, Percent, Report, Signatures, Table, Text
from models.i18n import t


def md_cell(value: object) -> str:
    """One table cell on one line: a pipe would end the cell, a line break the row."""
    if value is None:
        return " "
    if isinstance(value, (dt.date, dt.datetime)):
        value = value.isoformat()
    elif isinstance(value, Percent):
        value = str(value)
    elif isinstance(value, float):
        value = f"{value:g}"
    text = str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>") or " "


def md_table(headers: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(md_cell(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in rows]
    if not rows:
        lines.append("| " + t("exports.none") + " |" + " |" * (len(headers) - 1))
    return lines


def to_markdown(report: Report) -> str:
    lines = []
    if report.heading_title:
        lines += [f"# {report.title}", ""]
    if report.subtitle:
        lines += [report.subtitle, ""]
    for part in report.parts:
        lines += [f"## {part.title}", ""]
        if part.note:
            lines += [part.note, ""]
        tables = part.tables
        for block in part.blocks:
            if isinstance(block, Table):
                if len(tables) > 1 or block.title != part.title:
                    lines += [f"### {block.title}", ""]
                lines += md_table(block.headers, block.rows)
            elif isinstance(block, Fields):
                headers = list(block.headers or (t("exports.col.item"), t("exports.col.value")))
                lines += md_table(headers, [[label, value] for label, value in block.pairs])
            elif isinstance(block, Text):
                lines.append(f"**{block.text}**" if block.bold and block.text else block.text)
            elif isinstance(block, Signatures):
                lines.append("　　".join(f"{label}：________" for label in block.labels))
            lines.append("")
    return "\n".join(lines)
