"""A realistic demo school, built the same way every time for the same "today".

It starts from the staff roster as schools export it (the same shape as
``shared/samples/roster.csv``), builds the 教导处 → 教研组 → 备课组 tree with
the weekly slots of DESIGN.md, the current term (containing today) and the one
before it, and some weeks of history: activities held with attendance and
minutes, observations with the "three ones", mentor pairings with meetings,
and outcomes. Two teachers have names that look like markup on purpose, to
show that names are data.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from models import clock
from models.activities import assign_speakers, generate_weekly
from models.pinyin import full_pinyin
from models.records import (
    LESSON_TYPES, Activity, Group, MentorMeeting, Observation, Outcome, Pairing, Policy, Teacher, Term,
    term_display_name,
)
from models.store.storage import Store
from models.terms import is_school_day, suggest_term_id, term_of

SCHOOL_NAME = "育才实验小学"
SEED = 20251016

# 序号,姓名,性别,任教学科,任教年级,职务 — as the school's roster export has it.
ROSTER = """\
1,郑娟,男,语文,4年级,教导主任;语文教研组长
2,陈思远,女,语文,1年级,备课组长
3,于玉兰,男,语文,5年级,
4,张敏,女,语文,4年级,骨干教师
5,陈颖,女,语文,1年级,
6,刘欣怡,男,语文,1年级,新教师
7,余梦瑶,男,语文,5年级,青年教师
8,潘一鸣,男,语文,4年级,
9,胡秀兰,男,语文,5年级,
10,林杰,男,语文,2年级,
11,潘春梅,男,语文,5年级,
12,黄一鸣,男,语文,5年级,
13,宋静,男,语文,5年级,
14,潘玉兰,男,语文,5年级,
15,曾思远,女,数学,4年级,数学教研组长;中层领导
16,曹一鸣,女,数学,4年级,
17,罗颖,男,数学,2年级,骨干教师
18,杨欣怡,女,数学,3年级,
19,陆建华,女,数学,6年级,
20,林浩然,男,数学,1年级,
21,肖杰,女,数学,2年级,新教师
22,周海峰,男,数学,4年级,青年教师
23,叶丽,女,数学,5年级,
24,梁伟,女,数学,5年级,
25,于超,男,数学,1年级,
26,高晓东,男,数学,6年级,
27,刘春梅,女,英语,6年级,英语教研组长
28,魏军,男,英语,5年级,
29,曹伟,男,英语,4年级,青年教师
30,曾玉兰,女,英语,4年级,
31,吴颖,女,英语,6年级,
32,范海峰,男,科学,1年级,科学教研组长
33,邓勇,女,科学,5年级,
34,陆艳,女,科学,4年级,
35,魏杰,女,音乐,3年级,
36,胡娟,男,音乐,1年级,
37,周洁,男,美术,6年级,
38,王海峰,男,美术,5年级,
39,何晓燕,男,体育,1年级,
40,韩思远,女,体育,3年级,
41,吴文博,男,体育,5年级,副校长;中层领导
42,曹雨萱,女,信息技术,6年级,
43,[bold]x[/bold],女,信息技术,3年级,
44,[@click=app.quit]y,男,信息技术,4年级,
"""

# subject → (weekday 1–7, period, place) of its 教研组's weekly meeting
RESEARCH_SLOTS = {
    "语文": (4, 6, "电教室"), "数学": (2, 6, "电教室"), "英语": (3, 6, "电教室"),
    "科学": (1, 6, "科学实验室"), "音乐": (5, 5, "音乐教室"), "美术": (5, 6, "美术教室"),
    "体育": (1, 7, "体育组办公室"), "信息技术": (3, 7, "计算机教室"),
}
PREP_SLOTS = {"语文": (3, 7), "数学": (4, 7)}  # 备课组 meet in their grade office

THEMES = {
    "语文": "大单元整体教学下的阅读策略研究", "数学": "小学数学“说理课堂”的实践研究",
    "英语": "绘本阅读提升低段学生英语表达能力", "科学": "探究式实验教学的有效组织",
    "音乐": "器乐进课堂", "体育": "大课间活动的科学设计",
}
TOPICS = {
    "语文": ["《秋天的雨》", "《坐井观天》", "《爬山虎的脚》", "《草船借箭》", "《观潮》", "《落花生》",
             "《狐假虎威》", "《小蝌蚪找妈妈》", "《桂花雨》", "《繁星》", "习作：我的心爱之物", "口语交际：讲故事"],
    "数学": ["两位数加两位数", "认识钟表", "分数的初步认识", "平行四边形的面积", "小数的意义",
             "圆的认识", "倍的认识", "三位数乘两位数", "鸡兔同笼", "可能性", "长方体的表面积"],
    "英语": ["Unit 3 My friends", "Unit 2 Colours", "Unit 4 At the farm", "Unit 5 Dinner's ready",
             "Unit 1 My classroom", "Unit 6 Shopping"],
    "科学": ["水的三态变化", "植物的一生", "声音的产生", "简单电路", "磁铁的性质"],
    "音乐": ["《小雨沙沙》", "《红蜻蜓》", "《彼得与狼》"],
    "美术": ["色彩的渐变", "有趣的线条", "剪纸中的花纹"],
    "体育": ["立定跳远", "前滚翻", "小篮球：运球", "跳短绳"],
    "信息技术": ["认识键盘", "Scratch：让角色动起来", "制作电子小报"],
}
STRENGTHS = [
    "教学目标明确，重难点突出", "课堂提问有层次，学生参与度高", "板书设计清晰，结构完整",
    "注重朗读指导，学生读得有感情", "小组合作分工明确，交流充分", "情境创设贴近生活，激发了兴趣",
    "教态亲切自然，评价语言丰富", "练习设计有梯度，反馈及时",
]
SHORTCOMINGS = [
    "学生自主思考的时间偏少", "个别环节拖沓，最后练习时间不足", "对学困生的关注不够",
    "课件信息量偏大，部分学生跟不上", "追问不够深入，停留在表面", "小组汇报流于形式",
]
SUGGESTIONS = [
    "给学生留出独立思考的时间再交流", "精简导入环节，保证当堂练习", "设计分层作业，关注不同学生",
    "多让学生说一说思考过程", "板书可与学生发言结合生成", "课后做一次教学反思，记录改进点",
]
MINUTES = [
    "本次活动围绕学期研究主题展开。中心发言人结合课例作了发言，组员逐一交流，形成共识：下周继续打磨课例。",
    "集体备课：统一了单元教学目标和作业设计，明确了下周的分工。",
    "理论学习：共读《义务教育课程标准（2022年版）》相关章节，组员交流心得。",
]
MEETING_CONTENT = {
    "分析教材": "一起分析了下一单元的教材编排和重难点，梳理了课时安排。",
    "指导备课": "指导徒弟修改教学设计，重点调整了导入和练习环节。",
    "说课": "徒弟说课，师傅就教学目标的表述和环节之间的过渡提出意见。",
    "听课指导": "听徒弟上课后当面反馈，指出提问要留足等待时间。",
    "评课": "一起评析了组内研讨课，徒弟谈了自己的收获。",
}


def demo_terms(today: dt.date) -> tuple[Term, Term]:
    """The term containing ``today`` and the one before it."""
    current_id = suggest_term_id(today)
    first, second, half = (int(x) for x in current_id.split("-"))

    def bounds(term_id: str) -> tuple[dt.date, dt.date]:
        a, b, h = (int(x) for x in term_id.split("-"))
        if h == 1:
            return dt.date(a, 9, 1), dt.date(b, 1, 22)
        return dt.date(b, 3, 2), dt.date(b, 7, 10)

    previous_id = f"{first}-{second}-1" if half == 2 else f"{first - 1}-{first}-2"
    start, end = bounds(current_id)
    start, end = min(start, today), max(end, today)
    p_start, p_end = bounds(previous_id)
    current = Term(term_id=current_id, name=term_display_name(current_id), start=start.isoformat(),
                   end=end.isoformat())
    previous = Term(term_id=previous_id, name=term_display_name(previous_id), start=p_start.isoformat(),
                    end=min(p_end, start - dt.timedelta(days=1)).isoformat())
    from models.terms import calendar_covers
    for term in (current, previous):
        # New Year's Day, entered by hand for a year chinese-calendar does not know yet.
        for year in {term.start_date.year, term.end_date.year}:
            new_year = dt.date(year, 1, 1)
            if not calendar_covers(year) and term.start_date <= new_year <= term.end_date:
                term.holidays.append(new_year.isoformat())
    return current, previous


def _roster_teachers(admin_login: str, current: Term) -> list[Teacher]:
    teachers, logins = [], set()
    for line in ROSTER.splitlines():
        _, name, gender, subject, grade, roles_text = line.split(",", 5)
        roles = []
        for role in roles_text.replace("；", ";").split(";"):
            role = role.strip()
            if role.endswith("教研组长"):
                role = "教研组长"
            if role:
                roles.append(role)
        login = full_pinyin(name) if name.isalnum() else "user" + _.strip()
        if not login.isascii() or not login.isalnum():
            login = "user" + _.strip()
        base, n = login, 1
        while login in logins:
            n += 1
            login = f"{base}{n}"
        logins.add(login)
        joined = "2012-08-28"
        if "新教师" in roles:
            joined = current.start
        elif "青年教师" in roles:
            joined = "2023-08-28"
        teachers.append(Teacher(name=name, gender=gender, subjects=[subject], grades=[grade], roles=roles,
                                login=login, joined=joined))
    teachers[0] = teachers[0].copy(login=admin_login, is_admin=True)
    return teachers


def _grade_office(grade: str) -> str:
    names = {"1": "一", "2": "二", "3": "三", "4": "四", "5": "五", "6": "六"}
    return f"{names.get(grade[0], grade[0])}年级办公室"


def build_demo(path: str | Path, admin_login: str, today: dt.date | None = None) -> Store:
    """Create the demo school at ``path`` (which must not exist yet)."""
    today = today or clock.today()
    rng = random.Random(SEED)
    store = Store(path, actor=admin_login, create=True)
    current, previous = demo_terms(today)
    with clock.as_of(today), store.transaction() as tx:
        tx.save_policy(Policy(school_name=SCHOOL_NAME))
        tx.set_meta(school_name=SCHOOL_NAME, demo=True)
        policy = store.policy()
        current, previous = tx.insert_many([current, previous])
        teachers = tx.insert_many(_roster_teachers(admin_login, current))
        groups = _build_groups(tx, teachers, current, previous)
        for term in (previous, current):
            _build_term_history(tx, rng, term, today, teachers, groups, policy)
        _build_mentoring(tx, rng, teachers, previous, current, today)
    return store


def _build_groups(tx, teachers: list[Teacher], current: Term, previous: Term) -> list[Group]:
    by_subject: dict[str, list[Teacher]] = {}
    for teacher in teachers:
        by_subject.setdefault(teacher.subjects[0], []).append(teacher)
    leaders = [t for t in teachers if set(t.roles) & {"校长", "副校长", "教导主任", "中层领导", "教研组长"}]
    office = tx.insert(Group(name="教导处", kind="office", leader_id=teachers[0].id,
                             member_ids=[t.id for t in leaders]))
    groups = [office]
    for subject, members in by_subject.items():
        leader = next((t for t in members if "教研组长" in t.roles), None) or \
            next((t for t in members if "骨干教师" in t.roles), members[0])
        weekday, period, place = RESEARCH_SLOTS[subject]
        themes = {previous.term_id: THEMES[subject]} if subject in THEMES else {}
        if subject in THEMES and subject != "体育":
            themes[current.term_id] = THEMES[subject]
        research = tx.insert(Group(
            name=f"{subject}教研组", kind="research", parent_id=office.id, subject=subject,
            grades=sorted({t.grades[0] for t in members}), leader_id=leader.id,
            member_ids=[t.id for t in members], slot_weekday=weekday, slot_period=period,
            slot_place=place, themes=themes))
        groups.append(research)
        if subject not in PREP_SLOTS:
            continue
        by_grade: dict[str, list[Teacher]] = {}
        for teacher in members:
            by_grade.setdefault(teacher.grades[0], []).append(teacher)
        for grade, grade_members in sorted(by_grade.items()):
            if len(grade_members) < 2:
                continue
            grade_leader = next((t for t in grade_members if "备课组长" in t.roles), grade_members[0])
            weekday, period = PREP_SLOTS[subject]
            # 备课组 set a theme too (issue 16); the 数学 6年级 group has not yet this term.
            prep_theme = f"{grade}{subject}单元作业设计"
            prep_themes = {previous.term_id: prep_theme}
            if (subject, grade) != ("数学", "6年级"):
                prep_themes[current.term_id] = prep_theme
            groups.append(tx.insert(Group(
                name=f"{subject}{grade}备课组", kind="prep", parent_id=research.id, subject=subject,
                grades=[grade], leader_id=grade_leader.id, member_ids=[t.id for t in grade_members],
                slot_weekday=weekday, slot_period=period, slot_place=_grade_office(grade), themes=prep_themes)))
    return groups


def _build_term_history(tx, rng: random.Random, term: Term, today: dt.date, teachers: list[Teacher],
                        groups: list[Group], policy: Policy) -> None:
    by_id = {t.id: t for t in teachers}
    activities: list[Activity] = []
    for group in groups:
        weeks: list[Activity] = []
        for activity in generate_weekly(term, group):
            if activity.status == "skipped":
                weeks.append(activity)
                continue
            subject_topics = TOPICS.get(group.subject, ["教学常规研讨"])
            activity = activity.copy(topic=f"{rng.choice(subject_topics)} 课例研讨" if group.kind == "research"
                                     else f"{rng.choice(subject_topics)} 集体备课")
            if dt.date.fromisoformat(activity.date) < today:
                if rng.random() < 0.06:
                    activity = activity.copy(status="cancelled", cancel_reason="与区教研活动冲突", touched=True)
                else:
                    attendance = {}
                    for member in activity.attendee_ids:
                        roll = rng.random()
                        attendance[str(member)] = "absent" if roll < 0.03 else "leave" if roll < 0.1 else "present"
                    activity = activity.copy(status="held", attendance=attendance, minutes=rng.choice(MINUTES),
                                             recorder_id=activity.host_id, touched=True)
            weeks.append(activity)
        # Speakers by the app's own rotation (models/activities.py), as a new term gets them:
        # everyone speaks before anyone twice; cancelled weeks take no turn; nobody on leave speaks.
        activities.extend(assign_speakers(weeks, group, teachers, grace_weeks=policy.new_teacher_speaker_weeks))
    # a school-wide event each term
    event_day = next(d for d in (term.start_date + dt.timedelta(days=n) for n in range(40, 80))
                     if d.weekday() == 2 and is_school_day(term, d))
    activities.append(Activity(
        term_id=term.term_id, group_id=0, date=event_day.isoformat(), period=7, place="学校报告厅",
        kind="专家讲座", event="专家讲座", topic="新课标下的作业设计", host_id=teachers[0].id,
        attendee_ids=[t.id for t in teachers], status="held" if event_day < today else "planned",
        attendance={str(t.id): "present" for t in teachers} if event_day < today else {},
        minutes="专家结合新课标解读作业设计的原则，各组交流了本学期的作业案例。" if event_day < today else "",
        recorder_id=teachers[0].id if event_day < today else 0, touched=True))
    tx.insert_many(activities)

    # observations: each teacher at their own pace, so the dashboard has people ahead and behind
    last_day = min(today - dt.timedelta(days=1), term.end_date)
    days = [d for d in (term.start_date + dt.timedelta(days=n) for n in range((last_day - term.start_date).days + 1))
            if is_school_day(term, d)]
    observations: list[Observation] = []
    if days:
        for observer in teachers:
            quota = policy.quota_for(observer.roles)
            share = (len(days) / max(1, len(days) + 40)) if term_of([term], today) else 1.0
            pace = rng.choice([0.4, 0.7, 0.9, 1.0, 1.1, 1.3])
            count = int(round(quota * share * pace))
            peers = [t for t in teachers if t.id != observer.id and
                     (t.subjects[0] == observer.subjects[0] or rng.random() < 0.15)]
            for _ in range(count):
                teacher = rng.choice(peers)
                day = rng.choice(days)
                subject = teacher.subjects[0]
                leader = bool(set(observer.roles) & {"教导主任", "中层领导", "副校长", "校长"})
                lesson_type = "推门课" if leader and rng.random() < 0.5 else rng.choice(
                    ["常态课", "常态课", "研讨课", "公开课", "观摩课", "汇报课"])
                observations.append(Observation(
                    term_id=term.term_id, date=day.isoformat(), period=rng.randint(1, 7),
                    observer_id=observer.id, teacher_id=teacher.id, subject=subject,
                    grade_class=f"{teacher.grades[0]}（{rng.randint(1, 4)}）班",
                    topic=rng.choice(TOPICS.get(subject, ["常规课"])), lesson_type=lesson_type,
                    strengths=rng.choice(STRENGTHS), shortcomings=rng.choice(SHORTCOMINGS),
                    suggestions=rng.choice(SUGGESTIONS), rating=rng.choice(["优", "良", "良", "中"])))
        # most teachers have taught their group research lesson already; new teachers their demo lesson
        for teacher in teachers:
            if rng.random() < 0.3 and term_of([term], today):
                continue
            observer = by_id[next(g.leader_id for g in groups if g.kind == "research"
                                  and teacher.id in g.member_ids)]
            if observer.id == teacher.id:
                observer = teachers[0] if teacher.id != teachers[0].id else teachers[1]
            lesson_type = "展示课" if "新教师" in teacher.roles else "研讨课"
            observations.append(Observation(
                term_id=term.term_id, date=rng.choice(days).isoformat(), period=rng.randint(1, 7),
                observer_id=observer.id, teacher_id=teacher.id, subject=teacher.subjects[0],
                grade_class=f"{teacher.grades[0]}（2）班",
                topic=rng.choice(TOPICS.get(teacher.subjects[0], ["常规课"])), lesson_type=lesson_type,
                strengths=rng.choice(STRENGTHS), shortcomings=rng.choice(SHORTCOMINGS),
                suggestions=rng.choice(SUGGESTIONS), rating=rng.choice(["优", "良"])))
    observations.sort(key=lambda o: (o.date, o.period))
    assert all(o.lesson_type in LESSON_TYPES for o in observations)
    tx.insert_many(observations)

    outcomes = []
    for teacher in rng.sample(teachers, k=min(18, len(teachers))):
        if not days:
            break
        kind = rng.choice(["教学反思", "教学随笔", "教学案例", "教学论文", "获奖", "读书笔记", "教学设计"])
        award = rng.choice(["一等奖", "二等奖", "三等奖"]) if kind == "获奖" else ""
        level = rng.choice(["校级", "区/县级", "市级"])
        title = {"获奖": "区优质课评比", "教学论文": "浅谈低段识字教学的趣味性"}.get(
            kind, f"{rng.choice(TOPICS.get(teacher.subjects[0], ['常规课']))}{kind}")
        outcomes.append(Outcome(teacher_id=teacher.id, term_id=term.term_id, kind=kind, title=title,
                                level=level, award=award, date=rng.choice(days).isoformat(),
                                points=policy.points_for(kind, award, level), text=_demo_text(kind, title)))
    tx.insert_many(outcomes)


def _demo_text(kind: str, title: str) -> str:
    """A few paragraphs for the booklet (issue 18): reflections, cases and essays carry their text."""
    if kind not in ("教学反思", "教学案例", "教学随笔", "教学论文"):
        return ""
    return "\n".join((
        f"一、{title}的缘起",
        "本学期教研组围绕“让学生真正参与课堂”开展研讨，我把这节课作为实践的一个切入点。"
        "课前我反复研读教材，对照课程标准确定了教学目标，并在组内说课，听取同伴的建议。",
        "二、课堂上的得与失",
        "导入环节从学生熟悉的生活情境出发，学生兴趣很高；小组合作时分工明确，多数学生能说出自己的想法。"
        "不足的是，个别学困生参与不够，我的追问也还不够有层次，课堂生成没有充分利用。",
        "三、改进的打算",
        "下一步我将在备课时为不同层次的学生设计问题链，课后及时与师傅交流，把反思落实到下一节课中。",
    ))


def _weekly_meeting_days(term: Term, before: dt.date) -> list[dt.date]:
    """One day in each school week of ``term`` before ``before``: the Tuesday, or the week's
    next school day when Tuesday is a holiday (a week with any school day counts as a week
    of the pairing's progress, so it needs its meeting)."""
    days = []
    monday = term.start_date - dt.timedelta(days=term.start_date.weekday())
    while monday < before:
        week = [monday + dt.timedelta(days=n) for n in (1, 2, 3, 4, 5, 6, 0)]
        day = next((d for d in week if term.start_date <= d <= term.end_date and is_school_day(term, d)), None)
        if day is not None and day < before:
            days.append(day)
        monday += dt.timedelta(days=7)
    return days


def _build_mentoring(tx, rng: random.Random, teachers: list[Teacher], previous: Term, current: Term,
                     today: dt.date) -> None:
    by_name = {t.name: t for t in teachers}
    pairs = [("张敏", "刘欣怡", current), ("张敏", "余梦瑶", previous), ("罗颖", "肖杰", current),
             ("罗颖", "周海峰", previous), ("刘春梅", "曹伟", previous)]
    for mentor_name, mentee_name, since in pairs:
        mentor, mentee = by_name[mentor_name], by_name[mentee_name]
        evaluations = {}
        if since is previous:
            evaluations[previous.term_id] = {"summary": "徒弟进步明显，能独立完成单元备课。",
                                             "grade": "合格", "comment": "继续加强课堂调控。"}
        pairing = tx.insert(Pairing(
            mentor_id=mentor.id, mentee_id=mentee.id, subject=mentor.subjects[0], from_term=since.term_id,
            goals="一学期内能独立设计并上好一节组内研讨课；每周至少听师傅一节课。", evaluations=evaluations))
        meetings = []
        for term in (previous, current):
            if term is previous and since is current:
                continue
            # Only this pair falls behind (it meets one school week in three), so the list and the
            # dashboard show one pair to chase; the others meet every school week, as the policy asks.
            lagging = mentee_name == "周海峰"
            for week, day in enumerate(_weekly_meeting_days(term, min(today, term.end_date))):
                if lagging and week % 3:
                    continue
                kind = rng.choice(list(MEETING_CONTENT))
                meetings.append(MentorMeeting(pairing_id=pairing.id, term_id=term.term_id,
                                              date=day.isoformat(), kind=kind, content=MEETING_CONTENT[kind],
                                              duration_minutes=rng.choice([30, 40, 45, 60])))
        tx.insert_many(meetings)
        for term in (previous, current):
            if term is previous and since is current:
                continue
            for observer, teacher in ((mentor, mentee), (mentee, mentor)):
                day = next((d for d in (term.start_date + dt.timedelta(days=n) for n in range(10, 120))
                            if d < today and is_school_day(term, d)), None)
                if day is None:
                    continue
                tx.insert(Observation(
                    term_id=term.term_id, date=day.isoformat(), period=3, observer_id=observer.id,
                    teacher_id=teacher.id, subject=teacher.subjects[0], grade_class=f"{teacher.grades[0]}（1）班",
                    topic=rng.choice(TOPICS.get(teacher.subjects[0], ["常规课"])), lesson_type="常态课",
                    strengths=rng.choice(STRENGTHS), shortcomings=rng.choice(SHORTCOMINGS),
                    suggestions=rng.choice(SUGGESTIONS), rating="良"))
