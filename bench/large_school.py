"""A large school for the benchmarks: 300 teachers, a current term with 6,000
observations, 1,500 activities and 120 pairings (seeded, so every run is the same)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.records import Activity, Group, Observation, Pairing, Teacher, Term  # noqa: E402
from models.store.storage import Store  # noqa: E402

SUBJECTS = ["语文", "数学", "英语", "科学", "音乐", "美术", "体育", "信息技术"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰梅鑫波斌宇浩凯健俊帆帅旭宁"


def build_large_school(path: Path, terms: list[Term] | None = None, seed: int = 7) -> Store:
    rng = random.Random(seed)
    store = Store(path, actor="bench", create=True)
    term = Term(term_id="2025-2026-1", name="2025—2026学年第一学期", start="2025-09-01", end="2026-01-23")
    with store.transaction() as tx:
        tx.insert_many([term, *(terms or [])])
        teachers = tx.insert_many([
            Teacher(name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN), login=f"t{n:03d}",
                    subjects=[SUBJECTS[n % len(SUBJECTS)]], grades=[f"{n % 6 + 1}年级"])
            for n in range(300)])
        ids = [t.id for t in teachers]
        groups = tx.insert_many([
            Group(name=f"{s}教研组", kind="research", subject=s, leader_id=ids[i],
                  member_ids=ids[i::len(SUBJECTS)], slot_weekday=i % 5 + 1, slot_period=6, slot_place="电教室")
            for i, s in enumerate(SUBJECTS)])
        add_term_records(tx, term.term_id, ids, [g.id for g in groups], rng)
    return store


def add_term_records(tx, term_id: str, ids: list[int], group_ids: list[int], rng: random.Random) -> None:
    year = int(term_id[:4])
    tx.insert_many([
        Activity(term_id=term_id, group_id=rng.choice(group_ids), date=f"{year}-{rng.randint(9, 12):02d}-{rng.randint(1, 28):02d}",
                 period=6, place="电教室", topic="课例研讨", attendee_ids=rng.sample(ids, 30),
                 attendance={str(i): "present" for i in rng.sample(ids, 30)}, minutes="记录" * 40, status="held")
        for _ in range(1500)])
    pairs = [rng.sample(ids, 2) for _ in range(6000)]
    tx.insert_many([
        Observation(term_id=term_id, date=f"{year}-{rng.randint(9, 12):02d}-{rng.randint(1, 28):02d}",
                    period=rng.randint(1, 7), observer_id=observer, teacher_id=teacher,
                    subject="语文", grade_class="四年级（2）班", topic="《秋天的雨》", lesson_type="常态课",
                    strengths="教学目标明确，重难点突出", shortcomings="学生自主思考的时间偏少",
                    suggestions="给学生留出独立思考的时间再交流", rating="良")
        for observer, teacher in pairs])
    tx.insert_many([
        Pairing(mentor_id=ids[n], mentee_id=ids[-1 - n], subject="语文", from_term=term_id, goals="带教目标" * 10)
        for n in range(120)])
