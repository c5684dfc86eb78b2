"""Messages about files reaching the person: where exports go, how to fetch them over SSH."""

MESSAGES = {
    # screens/dialogs/save_path.py: where to write a file
    "save.hint": ("写到哪个文件（{suffix}）？回车写入，Esc 返回。", "Write to which file ({suffix})? Enter writes it, escape goes back."),
    "save.no_path": ("请填写文件名（以 {suffix} 结尾）。", "Type a file name (ending in {suffix})."),
    "save.no_folder": ("没有文件夹 {folder}，请先建好或换一个路径。", "There is no folder {folder}: make it or choose another path."),
    "save.exists": ("{path} 已存在：再按一次回车替换它，或改个文件名。", "{path} exists: press enter again to replace it, or change the name."),
    "save.failed": ("无法写入 {path}：{reason}", "Cannot write {path}: {reason}"),
    "save.written": ("已写入 {path}", "Written: {path}"),
    "delivery.ics.title": ("导出日历（.ics，可导入手机、Outlook 日历）", "Export the calendar (.ics for phone or Outlook)"),
    "delivery.ics.which": ("哪些活动", "Which"),
    "delivery.ics.mine": ("我的（我参加、主持或发言的）", "Mine (attending, hosting or speaking)"),
    "delivery.ics.all": ("全校", "The whole school"),
    "delivery.ics.path": ("保存到", "Save to"),
    "delivery.ics.key": ("导出", "Export"),
    "delivery.ics.palette": ("导出日历 .ics", "Export the calendar (.ics)"),
    "delivery.ics.palette_help": ("我的、全校或一个组的活动，导入手机日历", "Mine, the school's or a group's activities"),
    "delivery.ics.no_term": ("还没有学期，没有可导出的活动。", "No term: nothing to export."),
    "delivery.ics.bad_path": ("文件名应以 .ics 结尾，文件夹要已存在：{path}", "The file must end in .ics, in a folder that exists: {path}"),
    "delivery.ics.failed": ("写不了 {path}：{reason}", "Cannot write {path}: {reason}"),
    "delivery.ics.done": ("已导出 {count} 项活动：{path}", "{count} activities exported: {path}"),
    "delivery.ics.file_name": ("教研日历", "calendar"),
}
