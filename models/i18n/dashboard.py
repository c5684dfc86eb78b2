"""Messages of the 看板 area."""

MESSAGES = {
    "dashboard.top_line": ("{term} · 第{week}周 / 共{weeks}周 · 距学期结束 {days} 天", "{term} · week {week} of {weeks} · {days} days to the end"),
    "dashboard.counts": ("在职教师 {teachers} 人；教研活动已开展 {held} / 共 {activities} 项；听课记录 {observations} 条。", "{teachers} teachers; {held} of {activities} activities held; {observations} observations."),
}
