"""Messages of the export formats (models/exports/): writers, the registry, templates."""

MESSAGES = {
    "exports.csv_one_table": ("CSV 只能保存一张表；请选择 .xlsx 或 .docx。",
                              "A CSV file holds one table only; choose .xlsx or .docx."),
    "exports.col.section": ("组别", "Group"),
    "exports.col.item": ("项目", "Item"),
    "exports.col.value": ("内容", "Value"),
    "exports.xlsx.footer": ("第 &P 页 共 &N 页", "Page &P of &N"),
    "exports.word.footer": ("第 {page} 页 共 {pages} 页", "Page {page} of {pages}"),
    "exports.none": ("（无）", "(none)"),
    "exports.unknown_format": ("不认识的格式“{fmt}”；可用的格式：{known}。",
                               "Unknown format “{fmt}”; available: {known}."),
    "exports.bad_suffix": ("文件名“{name}”要以 {known} 结尾，据此决定格式。",
                           "The file name “{name}” must end in {known}; it decides the format."),
}
MESSAGES.update({
    "exports.form.observation": ("听课记录表", "Lesson observation form"),
    "exports.form.activity": ("教研活动记录表", "Research activity record"),
    "exports.form.cover": ("封面", "Cover page"),
    "exports.cli.format": ("格式：{formats}", "format: {formats}"),
    "exports.cli.format_default": ("{name}（默认）", "{name} (default)"),
    "exports.cli.format_sep": ("、", ", "),
    "exports.templates.unknown": ("没有名为“{name}”的表格模板；可用的有：{known}。",
                                  "There is no form template “{name}”; available: {known}."),
    "exports.templates.exists": ("{path} 已存在，没有覆盖；请换一个文件名或先删除它。",
                                 "{path} exists and was left alone; choose another name or remove it first."),
    "exports.templates.unreadable": ("模板 {path} 不是能打开的 Word 文件（{reason}）。",
                                     "The template {path} is not a Word file that opens ({reason})."),
    "exports.templates.unknown_placeholder": (
        "模板 {path} 里的占位符“{placeholder}”不认识{hint}；请改成这个表格的占位符之一：{known}。",
        "The template {path} uses the placeholder “{placeholder}”, which jiaoyan does not know{hint}; "
        "change it to one of this form's placeholders: {known}."),
    "exports.templates.did_you_mean": ("（是不是“{name}”？）", " (did you mean “{name}”?)"),
    "exports.templates.syntax": (
        "模板 {path} 里的占位符“{placeholder}”写法有误：请改成 {{{{ 名称 }}}} 的样子（两个左花括号、名称、两个右花括号），"
        "名称是这个表格的占位符之一：{known}。",
        "The template {path} has a malformed placeholder “{placeholder}”: write it as {{{{ name }}}} (two opening "
        "braces, the name, two closing braces), the name one of this form's placeholders: {known}."),
    "exports.templates.syntax_block": (
        "模板 {path} 在“{near}”处的 {{% … %}} 写法有误：每个 {{% if 名称 %}} 都要有它的 {{% endif %}}。",
        "The template {path} has a malformed {{% … %}} at “{near}”: every {{% if name %}} needs its {{% endif %}}."),
    "exports.templates.cannot_fill": (
        "模板 {path} 里的占位符“{placeholder}”无法填写：占位符里只写名称，如 {{{{ 建议 }}}}；这个表格的占位符有：{known}。",
        "The template {path} has a placeholder “{placeholder}” that cannot be filled: write only the name in it, "
        "e.g. {{{{ 建议 }}}}; this form's placeholders are: {known}."),
    "exports.templates.broken": ("模板 {path} 无法填写：{reason}", "The template {path} cannot be filled: {reason}"),
    "exports.templates.help": ("学校自己的 Word 表格模板：列出，或复制一份默认模板出来修改",
                               "The school's own Word form templates: list them, or copy a default out to edit"),
    "exports.templates.copy_help": ("把一个默认模板复制出来修改（放回数据文件旁的 templates 文件夹即生效）",
                                    "Copy a default template out to edit (put it into the templates folder "
                                    "beside the data file to use it)"),
    "exports.templates.name": ("表格：observation（听课记录表）、activity（教研活动记录表）或 cover（封面）",
                               "the form: observation, activity or cover"),
    "exports.templates.output": ("复制到哪个文件或文件夹（默认：当前文件夹）",
                                 "file or folder to copy to (default: this folder)"),
    "exports.templates.folder": ("学校模板文件夹：{path}", "The school's templates folder: {path}"),
    "exports.templates.own": ("学校自己的", "the school's own"),
    "exports.templates.default": ("默认", "default"),
    "exports.templates.line": ("{name:<12} {file:<16} {source}：{path}", "{name:<12} {file:<16} {source}: {path}"),
    "exports.templates.placeholders": ("  占位符：{fields}", "  placeholders: {fields}"),
    "exports.templates.copied": ("已复制到 {path}；改好后放进 {folder} 即生效。",
                                 "Copied to {path}; put it into {folder} when it is ready."),
})
MESSAGES.update({
    "exports.progress.line": ("{label}：{done}/{total} 行（{percent}%）", "{label}: {done}/{total} rows ({percent}%)"),
    "exports.progress.report": ("正在生成学期资料", "Writing the term report"),
    "exports.progress.export": ("正在导出", "Exporting"),
    "exports.progress.writing": ("正在写入 {path}", "Writing {path}"),
})
