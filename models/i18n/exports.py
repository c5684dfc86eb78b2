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
