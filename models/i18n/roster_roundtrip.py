"""Messages of the roster's Excel round trip: 所在组, 状态 and 入职日期 read back on import."""

MESSAGES = {
    "roster.column.joined": ("入职日期", "Joined"),
    "roster.column.active": ("状态", "State"),
    "roster.import.bad_state": ("状态“{value}”应为 在职 或 停用", "state “{value}” should be 在职 (active) or 停用 (inactive)"),
    "roster.import.bad_joined": ("入职日期“{value}”看不懂：写成 2025-09-01", "joined date “{value}” not understood: write 2025-09-01"),
    "roster.import.unknown_group": ("没有叫“{value}”的组（所在组写组的全名，用、分隔）",
                                    "no group is called “{value}” (write full group names, separated by 、)"),
}
MESSAGES["roster.form.groups_hint"] = ("组的全名，用、分隔，如 语文教研组、语文4年级备课组", "full group names, separated by 、")
