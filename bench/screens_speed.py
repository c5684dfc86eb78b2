"""How quick each screen is on the large school, beside the demo school, in one run.

    .venv/bin/python bench/screens_speed.py [--only large] [--areas 1,2,3,4,6]

The real app runs headless at 80×24 as the admin (who lands on the dashboard). For each
step it prints the wall time from the key to the screen being idle again, the CPU the
process spent, and the longest the UI froze (an asyncio task that wakes every 5 ms notes
how late it was woken: a frozen event loop wakes it late). Steps:

- first visit to each area, then a return to it;
- the dashboard's ``h`` (one teacher's figures in each of the 11 terms): the first time, when
  the closed terms' figures are worked out from their archives (nothing kept: the bench school's
  terms were closed without keeping them, as after an upgrade of the program), and again as a
  new session (the figures kept beside the archives, nothing kept in memory); then in the same
  session after the edits a school makes: a teacher's login and note (no figure changes), a
  teacher added without a day of joining (in every term's figures) and a group renamed (each
  teacher's groups); then the policy's quota changed (every closed term's figures worked out
  again, from the cut of the archives' records the first ``h`` kept beside them);
- escape from the 听课 form back to the log after a save (this session's own);
- another process saves an observation: until the log in view shows it (the app polls).

``--only large`` (or ``demo``) runs one school: quicker, for comparing two versions of the
code in alternating runs; the ratio column is then left out. The time and the machine's
load average are printed before and after, since the figures move with the load.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.large_school import ADMIN_LOGIN, OPEN_TERM, SUMMARY, TODAY, large_school  # noqa: E402

AREA_KEYS = [("1", "calendar"), ("2", "rosters"), ("3", "observations"), ("4", "mentoring"), ("6", "documents")]
OTHER_SAVE = """
import sys
from models.records import Observation
from models.store.storage import Store
store = Store(sys.argv[1], actor="t001")
with store.transaction() as tx:
    tx.insert(Observation(term_id=sys.argv[2], date="2025-11-04", period=7, observer_id=2, teacher_id=3,
                          topic="另一会话的课", lesson_type="常态课"))
"""


class Freezes:
    """The longest time the event loop did not run a 5 ms timer, while ``watching``."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task | None = None

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(0.005)
            self.longest = max(self.longest, loop.time() - before - 0.005)

    def start(self) -> None:
        self.longest = 0.0
        self._task = asyncio.get_running_loop().create_task(self._watch())

    def stop(self) -> float:
        if self._task:
            self._task.cancel()
        return self.longest


async def settle(app, pilot, condition=lambda: True, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await pilot.pause(0.02)
        await app.workers.wait_for_complete()
        if condition() and not app.screen._layout_required:
            return
    raise TimeoutError("the screen did not settle")


WORKERS_CPU: list[tuple[str, float]] = []  # (step, CPU of the processes the app started: the history's workers)


def children_cpu() -> float:
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


async def step(app, pilot, results: dict, name: str, action, condition=lambda: True) -> None:
    freezes = Freezes()
    await pilot.pause(0.05)
    cpu, wall, children = time.process_time(), time.perf_counter(), children_cpu()
    freezes.start()
    await action()
    await settle(app, pilot, condition)
    results[name] = (time.perf_counter() - wall, time.process_time() - cpu, freezes.stop())
    if children_cpu() > children and name.startswith(("dashboard h", "h ")):
        WORKERS_CPU.append((name, children_cpu() - children))


async def run_school(db: Path, login: str) -> dict:
    from models.records import Observation
    from models.observations import save_observation
    from screens.observations.form import ObservationForm
    from tui.app import make_app

    results: dict = {}
    app = make_app(db, login=login, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for key, area in AREA_KEYS:
            await step(app, pilot, results, f"first visit: {area}", lambda k=key: pilot.press(k),
                       lambda a=area: getattr(app.screen, "AREA", "") == a)
        await step(app, pilot, results, "return: dashboard", lambda: pilot.press("5"),
                   lambda: getattr(app.screen, "AREA", "") == "dashboard")
        await step(app, pilot, results, "return: observations", lambda: pilot.press("3"),
                   lambda: getattr(app.screen, "AREA", "") == "observations")
        await pilot.press("n")
        await settle(app, pilot, lambda: isinstance(app.screen, ObservationForm))
        teacher = app.store.all(Observation)[-1]
        save_observation(app.store, teacher.copy(id=0, date="2025-11-03", period=7, topic="本会话的课", version=0))
        await step(app, pilot, results, "escape: form → log after a save", lambda: pilot.press("escape"),
                   lambda: getattr(app.screen, "AREA", "") == "observations")
        count = len(app.store.all(Observation))

        async def other_saves():
            subprocess.run([sys.executable, "-c", OTHER_SAVE, str(db), OPEN_TERM], cwd=ROOT, check=True,
                           env=dict(os.environ, PYTHONPATH=str(ROOT)))

        def shown():
            return len(app.store.all(Observation)) > count and any(
                o.topic == "另一会话的课" for o in getattr(app.screen, "records", []))

        await step(app, pilot, results, "another process's save shown", other_saves, shown)
        await pilot.press("5")
        await settle(app, pilot, lambda: getattr(app.screen, "AREA", "") == "dashboard")
        await step(app, pilot, results, "dashboard h: 11 terms of history", lambda: pilot.press("h"),
                   lambda: type(app.screen).__name__ == "TermOverTermScreen")
        # Another session (or this one tomorrow): the closed terms' figures kept beside their archives.
        await pilot.press("escape")
        await settle(app, pilot, lambda: getattr(app.screen, "AREA", "") == "dashboard")
        from models import dashboard_history
        dashboard_history._in_memory.clear()
        await step(app, pilot, results, "dashboard h, figures kept (new session)", lambda: pilot.press("h"),
                   lambda: type(app.screen).__name__ == "TermOverTermScreen")
        for name, edit in edits_a_school_makes(login):
            await pilot.press("escape")
            await settle(app, pilot, lambda: getattr(app.screen, "AREA", "") == "dashboard")
            with app.store.transaction() as tx:
                edit(app.store, tx)
            await settle(app, pilot)
            await step(app, pilot, results, name, lambda: pilot.press("h"),
                       lambda: type(app.screen).__name__ == "TermOverTermScreen")
    return results


def edits_a_school_makes(login: str) -> list:
    """(step name, edit) for the histories after an edit: what the kept figures are not made of,
    then what they are."""
    from models.records import Group, Teacher

    def someone_else(store):
        return next(x for x in store.all(Teacher) if x.active and x.login and x.login != login)

    def login_and_note(store, tx):
        teacher = someone_else(store)
        tx.update(teacher.copy(login=teacher.login + "x", note="换了手机号"))

    def teacher_added(store, tx):
        tx.insert(Teacher(name="新来的老师", login="xinlai", subjects=["语文"]))

    def group_renamed(store, tx):
        group = next(g for g in store.all(Group) if g.active and g.kind == "research" and g.member_ids)
        tx.update(group.copy(name=group.name + "（一）"))

    def quota_changed(store, tx):
        policy = store.policy()
        tx.save_policy(policy.copy(observation_quota=policy.observation_quota + 1))

    return [("h after a login/note edit", login_and_note), ("h after a teacher added (no join day)", teacher_added),
            ("h after a group renamed", group_renamed), ("h after the quota changed", quota_changed)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", default="1,2,3,4,6", help="the area keys to visit first (the log is 3)")
    parser.add_argument("--only", choices=("large", "demo"), help="run one school only")
    args = parser.parse_args()
    global AREA_KEYS
    AREA_KEYS = [(k, a) for k, a in AREA_KEYS if k in args.areas.split(",") or k == "3"]
    os.environ["JIAOYAN_TODAY"] = TODAY.isoformat()
    from models.demo import build_demo

    # An installed jiaoyan has its bytecode (as in bench/first_frame.py): a working copy run
    # with PYTHONDONTWRITEBYTECODE would compile each area's modules on its first visit, and
    # the history's workers models/ at each ``h``.
    for package in ("tui", "models", "screens"):
        compileall.compile_dir(ROOT / package, quiet=1)
    print(f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M:%S} UTC, load average "
          + " ".join(f"{x:.1f}" for x in os.getloadavg()) + f" ({ROOT})")
    large: dict = {}
    demo: dict = {}
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        if args.only != "demo":
            large = asyncio.run(run_school(large_school(folder / "large"), ADMIN_LOGIN))
        if args.only != "large":
            demo_db = folder / "demo" / "school.json"
            demo_db.parent.mkdir()
            build_demo(demo_db, "tester", TODAY)
            demo = asyncio.run(run_school(demo_db, "tester"))
    print(f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M:%S} UTC, load average "
          + " ".join(f"{x:.1f}" for x in os.getloadavg()))
    print(f"Large school: {SUMMARY}; baseline: the demo school (44 teachers). Headless, 80×24, as the admin.")
    print(f"{'step':<38}{'large: wall':>12}{'CPU':>8}{'freeze':>8}{'demo: wall':>12}{'freeze':>8}{'ratio':>7}")
    for name in large or demo:
        wall, cpu, freeze = large.get(name, (0, 0, 0))
        d_wall, _d_cpu, d_freeze = demo.get(name, (0, 0, 0))
        line = f"{name:<38}"
        line += f"{wall * 1000:>9.0f} ms{cpu * 1000:>5.0f} ms{freeze * 1000:>5.0f} ms" if large else f"{'—':>26}"
        line += f"{d_wall * 1000:>9.0f} ms{d_freeze * 1000:>5.0f} ms" if demo else f"{'—':>20}"
        line += f"{wall / d_wall:>6.1f}×" if large and demo else f"{'—':>7}"
        print(line)
    if WORKERS_CPU:  # the large school's and the demo's steps together (the large school's first)
        print("CPU of the history's workers (other processes), large school then demo: "
              + "; ".join(f"{name} {cpu * 1000:.0f} ms" for name, cpu in WORKERS_CPU))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
