"""Messages of the 成果与评比 area: points by level, outcome texts, the booklet, 评比."""

MESSAGES = {
    # -- 积分 (models/points.py) --
    "points.label.outcome": ("{kind}《{title}》", "{kind} “{title}”"),
    "points.label.absent": ("未请假缺席 {where}·{what}", "absent without leave: {where} · {what}"),
    "points.detail.award": ("{level}{award} {points}", "{level} {award} {points}"),
    "points.detail.absent": ("扣 {points}", "minus {points}"),
    "points.school_wide": ("全校活动", "school-wide"),
    "points.heading": ("积分 {total}（加 {earned}，扣 {deducted}）", "Points {total} (earned {earned}, deducted {deducted})"),
    "points.heading_plain": ("积分 {total}", "Points {total}"),
    "points.none": ("本学期还没有积分。", "No points this term yet."),
    "points.how": ("积分明细", "How the points were earned"),
}
MESSAGES.update({
    # -- the policy's point table by level (screens/dashboard/policy.py) --
    "policy.levels.heading": ("级别：左为该级别加分，右为该级别获奖加分", "Level: what the level adds · what an award at it adds"),
    "policy.level_points": ("{level} 加分", "{level} adds"),
    "policy.award_points": ("{level} 获奖加分", "{level} award adds"),
    "policy.absence_deduction": ("缺席扣分/次（0 不扣）", "Absence deducts (0 off)"),
})
