"""Messages of the 名册 area."""

MESSAGES = {
    "roster.subjects": ("学科", "Subjects"),
    "roster.grades": ("年级", "Grades"),
    "roster.login": ("登录名", "Login"),
    "teacher_page.inactive": ("（已停用）", "(inactive)"),
}
