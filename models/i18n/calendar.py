"""Messages of the 日历 area."""

MESSAGES = {
    "calendar.no_term": ("还没有学期。管理员可运行 jiaoyan init --demo 查看演示，或在日历中新建学期。", "No term yet."),
    "calendar.this_week": ("本周（第{week}周）的教研活动：", "This week's (week {week}) activities:"),
    "calendar.none_this_week": ("本周没有教研活动。", "No activities this week."),
    "calendar.school_wide": ("全校活动", "School-wide"),
    "status.planned": ("计划", "planned"),
    "status.held": ("已开展", "held"),
    "status.cancelled": ("已取消", "cancelled"),
    "status.skipped": ("停课跳过", "skipped"),
}
