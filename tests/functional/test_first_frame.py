"""Issue 13, the start: the first frame comes before the dashboard's figures, opening the app
reads no command's module, and the collector is off only while the app starts."""

from __future__ import annotations

import fcntl
import gc
import os
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from tests.functional.waiting import read_terminal_until, wait_for
from tui import cli

ROOT = Path(__file__).resolve().parents[2]
WAIT = 60.0


def test_the_admin_sees_the_dashboard_frame_first_then_its_figures(tmp_path):
    """Through a real pseudo-terminal of 80×24, as sshd gives one: the dashboard's frame
    (its footer's 历年 key, the line saying the figures are being worked out) reaches the
    terminal before the figures do, and the figures follow without a key."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, b"\x18\x00\x50\x00\x00\x00\x00\x00")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JIAOYAN_TODAY": "2025-11-05", "TERM": "xterm-256color",
           "LANG": "C.UTF-8"}
    process = subprocess.Popen([sys.executable, "-m", "tui", "--demo"], stdin=slave, stdout=slave, stderr=slave,
                               env=env, cwd=ROOT, start_new_session=True)
    os.close(slave)
    try:
        seen = read_terminal_until(master, "历年".encode(), WAIT)
        working = seen.find("正在统计本学期的数字".encode())
        assert working != -1, "the first frame says the figures are being worked out"
        assert "每周活动".encode() not in seen[:working]
        seen = read_terminal_until(master, "每周活动".encode(), WAIT, seen)  # the figures' top line, no key pressed
        assert seen.find("每周活动".encode()) > working
    finally:
        process.kill()
        process.wait()
        os.close(master)


async def test_the_figures_fill_the_dashboard_once_the_app_has_drawn(make_test_app, monkeypatch):
    from screens.dashboard.screen import DashboardScreen

    fills = []
    real = DashboardScreen.refresh_data

    def counting(self):
        fills.append(self.app.first_frame_drawn)
        return real(self)

    monkeypatch.setattr(DashboardScreen, "refresh_data", counting)
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert fills == [True], "filled once, after the first frame"
        assert not app.screen.first_fill_pending
        assert app.screen.dashboard is not None
        assert app.screen.query_one("#dash-teachers").row_count > 0
        await pilot.press("1", "5")  # away and back: a later visit fills at once, as before
        await pilot.pause()
        assert fills == [True]


@pytest.mark.parametrize("argv, opens", [
    ([], True), (["--db", "school.json"], True), (["--db", "check"], True), (["--lang", "en", "--area", "rosters"], True),
    (["--as", "zhangmin", "--no-mouse"], True), (["--demo"], True),
    (["check"], False), (["--db", "x.json", "check"], False), (["--help"], False), (["--version"], False),
    (["-h"], False), (["export", "observations"], False),
])
def test_what_only_opens_the_app(argv, opens):
    assert cli.opens_the_app(argv) is opens


def test_opening_the_app_imports_no_command_module_and_reads_the_same_options():
    code = ("import sys; from tui import cli; args = cli._parse(['--db', 'x.json', '--area', 'rosters', '--as', 'zhangmin']);"
            "print(sorted(m for m in sys.modules if m.startswith('tui.commands.')));"
            "print(args.command, args.db, args.area, args.as_login, args.demo, args.mouse)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=WAIT)
    modules, options = result.stdout.splitlines()
    assert "tui.commands.rosters" not in modules and "tui.commands.observations" not in modules
    assert options == "None x.json rosters zhangmin False None"


def test_a_mistyped_option_is_worded_by_the_whole_parser(capsys):
    with pytest.raises(SystemExit) as raised:
        cli.main(["--area", "nowhere"])
    assert raised.value.code == 2
    error = capsys.readouterr().err
    assert "COMMAND" in error  # the whole parser's usage line, with its commands
    assert "无效的选择：'nowhere'" in error


def test_the_caller_s_umask_is_back_after_a_help_text_or_a_wrong_option():
    """main sets the launcher's umask (issue 21) and gives the caller's back however it ends:
    a wrong option's exit once left 007 behind in the process, and files made after it
    (the README's set-up B in the same test process) unreadable to the group's others."""
    before = os.umask(0o022)
    try:
        for argv in (["--area", "nowhere"], ["--help"], ["--version"]):
            with pytest.raises(SystemExit):
                cli.main(argv)
            assert os.umask(0o022) == 0o022, argv
    finally:
        os.umask(before)


def test_the_collector_is_on_again_for_a_command_and_after_main(demo_db):
    assert gc.isenabled()
    gc.disable()
    try:
        cli._parse(["check", "--db", str(demo_db)])
        assert gc.isenabled(), "a command runs with the collector on"
    finally:
        gc.enable()
    assert cli.main(["check", "--db", str(demo_db)]) == 0
    assert gc.isenabled()


async def test_should_textual_never_say_it_is_ready_the_start_ends_all_the_same(make_test_app, monkeypatch):
    """The figures and the collector (off since tui/cli.py) wait for Textual's Ready; were it
    never to come, the start is over after START_UP_LIMIT seconds all the same."""
    from tui.app import JiaoyanApp

    monkeypatch.setattr(JiaoyanApp, "on_ready", lambda self: None)
    app = make_test_app()
    app.START_UP_LIMIT = 0.5
    gc.disable()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert app.screen.first_fill_pending and not gc.isenabled()
            # The figures first, then (after the frame that shows them) the collector.
            assert await wait_for(pilot, lambda: not app.screen.first_fill_pending and gc.isenabled(), seconds=5)
            assert app.screen.dashboard is not None
    finally:
        gc.enable()
