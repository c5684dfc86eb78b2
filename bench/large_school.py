"""The large school of issue 13, for the benchmarks: 300 teachers (one of them the admin,
login ``bench``), an open term with 4,500 observations, 600 activities, 600 mentor
meetings and 300 outcomes, and ten archived terms of the same size before it (seeded, so
every run builds the same school).

    from bench.large_school import large_school
    db = large_school(folder)          # a fresh copy in ``folder``; built once, then cached
    db = large_school(folder, teachers=1200)   # the same proportions at 1,200 teachers

``teachers`` scales every count with it (observations, activities, meetings, outcomes,
pairings: 4× at 1,200); the groups and terms stay as they are.

Building it (with the ten closes) takes a while on a loaded machine, so the first build
is kept in the temporary folder (``jiaoyan-bench-<version>``) and copied for each run.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.records import (  # noqa: E402
    Activity, Group, MentorMeeting, Observation, Outcome, Pairing, Policy, Teacher, Term,
)
from models.clock import Clock  # noqa: E402
from models.store.storage import Store  # noqa: E402

SUBJECTS = ["语文", "数学", "英语", "科学", "音乐", "美术", "体育", "信息技术"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰梅鑫波斌宇浩凯健俊帆帅旭宁"

TEACHERS = 300
OBSERVATIONS = 4500
ACTIVITIES = 600
MEETINGS = 600
OUTCOMES = 300
PAIRINGS = 60
ARCHIVED_TERMS = 10
OPEN_TERM = "2025-2026-1"
TODAY = dt.date(2025, 11, 5)
ADMIN_LOGIN = "bench"
VERSION = 1  # bump when the school changes, so an old cached copy is not reused


def summary(teachers: int = TEACHERS) -> str:
    """The school in words, as the benchmarks print it."""
    n = Counts(teachers)
    return (f"{teachers:,} teachers, an open term of {n.observations:,} observations, {n.activities:,} activities, "
            f"{n.meetings:,} mentor meetings, {n.outcomes:,} outcomes, {ARCHIVED_TERMS} archived terms")


class Counts:
    """How many of each record a school of ``teachers`` has: the 300-teacher school's
    proportions."""

    def __init__(self, teachers: int = TEACHERS):
        self.teachers = teachers
        scale = teachers / TEACHERS
        self.observations = round(OBSERVATIONS * scale)
        self.activities = round(ACTIVITIES * scale)
        self.meetings = round(MEETINGS * scale)
        self.outcomes = round(OUTCOMES * scale)
        self.pairings = round(PAIRINGS * scale)


SUMMARY = summary()


def term_bounds(term_id: str) -> tuple[dt.date, dt.date]:
    first, second, half = (int(x) for x in term_id.split("-"))
    if half == 1:
        return dt.date(first, 9, 1), dt.date(second, 1, 20)
    return dt.date(second, 3, 1), dt.date(second, 7, 10)


def past_term_ids() -> list[str]:
    ids = []
    for year in range(2020, 2025):
        ids += [f"{year}-{year + 1}-1", f"{year}-{year + 1}-2"]
    return ids[-ARCHIVED_TERMS:]


def build_large_school(path: Path, *, archived: bool = True, seed: int = 7, teachers: int = TEACHERS) -> Store:
    """Build the school at ``path`` (which must not exist); with ``archived`` the ten past
    terms are closed into their archives, as a school that has used jiaoyan for five years."""
    rng = random.Random(seed)
    counts = Counts(teachers)
    store = Store(path, actor=ADMIN_LOGIN, create=True, clock=Clock(fixed=TODAY))  # the day, handed down
    term_ids = past_term_ids() + [OPEN_TERM]
    with store.transaction() as tx:
        tx.save_policy(Policy(school_name="基准实验小学"))
        terms = tx.insert_many([Term(term_id=x, name=x, start=term_bounds(x)[0].isoformat(),
                                     end=term_bounds(x)[1].isoformat()) for x in term_ids])
        teachers = tx.insert_many([
            Teacher(name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    login=ADMIN_LOGIN if n == 0 else f"t{n:03d}", is_admin=n == 0, joined="2015-09-01",
                    subjects=[SUBJECTS[n % len(SUBJECTS)]], grades=[f"{n % 6 + 1}年级"])
            for n in range(counts.teachers)])
        ids = [t.id for t in teachers]
        groups = tx.insert_many([
            Group(name=f"{s}教研组", kind="research", subject=s, leader_id=ids[i + 1],
                  member_ids=ids[i::len(SUBJECTS)], slot_weekday=i % 5 + 1, slot_period=6, slot_place="电教室",
                  themes={x: "课堂提问的有效性" for x in term_ids})
            for i, s in enumerate(SUBJECTS)])
        pairings = tx.insert_many([
            Pairing(mentor_id=ids[n + 1], mentee_id=ids[-1 - n], subject=SUBJECTS[n % len(SUBJECTS)],
                    from_term=term_ids[0], goals="带教目标" * 10)
            for n in range(counts.pairings)])
    for term in terms:
        with store.transaction() as tx:
            add_term_records(tx, term, ids, [g.id for g in groups], [p.id for p in pairings], rng, counts)
    if archived:
        from models.store.archive import close_term

        for term_id in past_term_ids():
            close_term(store, term_id, today=TODAY)
    return store


def add_term_records(tx, term: Term, ids: list[int], group_ids: list[int], pairing_ids: list[int],
                     rng: random.Random, counts: Counts | None = None) -> None:
    n = counts or Counts()
    start, end = term.start_date, min(term.end_date, TODAY - dt.timedelta(days=1))
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    days = [d for d in days if d.weekday() < 5]

    def day() -> str:
        return rng.choice(days).isoformat()

    tx.insert_many([
        Activity(term_id=term.term_id, group_id=rng.choice(group_ids), date=day(), period=6, place="电教室",
                 topic="课例研讨", speaker_id=rng.choice(ids), host_id=rng.choice(ids),
                 attendee_ids=rng.sample(ids, 30), attendance={str(i): "present" for i in rng.sample(ids, 30)},
                 minutes="记录" * 40, status="held")
        for _ in range(n.activities)])
    seen = set()
    observations = []
    while len(observations) < n.observations:
        observer, teacher = rng.sample(ids, 2)
        when, period = day(), rng.randint(1, 7)
        if (observer, teacher, when, period) in seen:
            continue
        seen.add((observer, teacher, when, period))
        observations.append(Observation(
            term_id=term.term_id, date=when, period=period, observer_id=observer, teacher_id=teacher,
            subject="语文", grade_class="四年级（2）班", topic="《秋天的雨》",
            lesson_type=rng.choice(["常态课", "常态课", "研讨课", "推门课"]),
            strengths="教学目标明确，重难点突出", shortcomings="学生自主思考的时间偏少",
            suggestions="给学生留出独立思考的时间再交流", rating="良"))
    tx.insert_many(observations)
    tx.insert_many([MentorMeeting(pairing_id=rng.choice(pairing_ids), term_id=term.term_id, date=day(),
                                  content="指导徒弟修改教学设计。") for _ in range(n.meetings)])
    tx.insert_many([Outcome(teacher_id=rng.choice(ids), term_id=term.term_id, kind="教学反思", title="教学反思",
                            date=day(), points=0.5) for _ in range(n.outcomes)])


def _cached(archived: bool, teachers: int = TEACHERS) -> Path:
    """The folder holding a built copy (data file, archives, change log), built if missing."""
    size = "" if teachers == TEACHERS else f"-{teachers}"
    cache = Path(tempfile.gettempdir()) / f"jiaoyan-bench-v{VERSION}{size}-{'archived' if archived else 'flat'}"
    if not (cache / "done").exists():
        shutil.rmtree(cache, ignore_errors=True)
        building = Path(tempfile.mkdtemp(prefix="jiaoyan-bench-building-"))
        build_large_school(building / "school.json", archived=archived, teachers=teachers)
        (building / "done").write_text("ok\n")
        try:
            building.rename(cache)
        except OSError:  # another run built it at the same time
            shutil.rmtree(building, ignore_errors=True)
    return cache


def large_school(folder: Path, *, archived: bool = True, teachers: int = TEACHERS) -> Path:
    """A fresh copy of the large school in ``folder`` (``teachers`` of them, the counts in
    proportion); returns its data file. The first build of each size is slow (minutes at
    1,200 teachers); it is kept in the temporary folder."""
    source = _cached(archived, teachers)
    folder.mkdir(parents=True, exist_ok=True)
    for entry in source.iterdir():
        if entry.name == "done" or entry.name.endswith(".lock"):
            continue
        if entry.is_dir():
            shutil.copytree(entry, folder / entry.name)
        else:
            shutil.copy2(entry, folder / entry.name)
    return folder / "school.json"
