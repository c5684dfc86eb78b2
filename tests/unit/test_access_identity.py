"""Who is who: the real uid's login, and --as only from the shared account's SSH forced command."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from models.identity import (IdentityRefused, ProcessInfo, check_forced_command, os_login, read_process,
                             resolve_login, shared_account, started_by_sshd)

ROOT = Path(__file__).resolve().parents[2]
ME = os_login()


@pytest.fixture
def shared_file(tmp_path):
    folder = tmp_path / "etc-jiaoyan"
    folder.mkdir(mode=0o755)
    path = folder / "shared-account"
    path.write_text(ME + "\n")
    path.chmod(0o644)
    return path


def table(*processes: ProcessInfo):
    by_pid = {p.pid: p for p in processes}
    return lambda pid: by_pid.get(pid)


SSHD = ProcessInfo(100, 1, "sshd", ("sshd: jiaoyan@pts/0",))
SSH_ENV = {"SSH_CONNECTION": "10.0.0.5 50000 10.0.0.1 22"}


def test_os_login_ignores_user_and_logname(monkeypatch):
    monkeypatch.setenv("USER", "tester")
    monkeypatch.setenv("LOGNAME", "tester")
    import pwd

    assert os_login() == pwd.getpwuid(os.getuid()).pw_name
    assert resolve_login(None) == os_login()


def test_forced_command_from_sshd_is_accepted(shared_file):
    check_forced_command("zhangmin", env=SSH_ENV, files=[shared_file], parent_pid=100, reader=table(SSHD))


def test_forced_command_through_the_accounts_shell_is_accepted(shared_file):
    shell = ProcessInfo(200, 100, "bash", ("bash", "-c", "jiaoyan --as zhangmin"))
    check_forced_command("zhangmin", env=SSH_ENV, files=[shared_file], parent_pid=200, reader=table(SSHD, shell))


def test_sshd_session_binary_of_newer_openssh_counts(shared_file):
    session = ProcessInfo(100, 1, "sshd-session", ())
    check_forced_command("zhangmin", env=SSH_ENV, files=[shared_file], parent_pid=100, reader=table(session))


def _refusal(**kwargs) -> str:
    with pytest.raises(IdentityRefused) as caught:
        check_forced_command("zhangmin", **kwargs)
    return str(caught.value)


def test_no_shared_account_configured_is_refused(tmp_path):
    message = _refusal(env=SSH_ENV, files=[tmp_path / "missing"], parent_pid=100, reader=table(SSHD))
    assert "共用账号" in message and "--as" in message


def test_a_setting_others_may_write_is_not_trusted(shared_file):
    shared_file.chmod(0o666)
    assert shared_account([shared_file])[0] is None
    assert "不可信" in _refusal(env=SSH_ENV, files=[shared_file], parent_pid=100, reader=table(SSHD))
    shared_file.chmod(0o644)
    shared_file.parent.chmod(0o777)
    assert shared_account([shared_file])[0] is None
    shared_file.parent.chmod(0o755)


def test_a_teacher_with_their_own_account_cannot_use_as(shared_file):
    # Even inside a real SSH session, exec'd straight from sshd: the account is theirs, not the shared one.
    message = _refusal(env=SSH_ENV, files=[shared_file], account="zhangmin", parent_pid=100, reader=table(SSHD))
    assert "zhangmin" in message and ME in message


def test_without_an_ssh_session_it_is_refused(shared_file):
    assert "SSH" in _refusal(env={}, files=[shared_file], parent_pid=100, reader=table(SSHD))


def test_an_interactive_shell_is_not_a_forced_command(shared_file):
    shell = ProcessInfo(200, 100, "bash", ("-bash",))
    message = _refusal(env=SSH_ENV, files=[shared_file], parent_pid=200, reader=table(SSHD, shell))
    assert "bash" in message


def test_a_shell_not_started_by_sshd_is_refused(shared_file):
    cron = ProcessInfo(50, 1, "cron", ())
    shell = ProcessInfo(200, 50, "sh", ("sh", "-c", "jiaoyan --as zhangmin"))
    _refusal(env=SSH_ENV, files=[shared_file], parent_pid=200, reader=table(cron, shell))


def test_a_login_that_is_not_a_login_is_refused(shared_file):
    with pytest.raises(IdentityRefused):
        check_forced_command("../root", env=SSH_ENV, files=[shared_file], parent_pid=100, reader=table(SSHD))


def test_read_process_sees_this_process():
    me = read_process(os.getpid())
    assert me is not None and me.ppid == os.getppid() and me.name.startswith("python")


def _check_in_child(parent_argv: list[str], shared_file: Path, env: dict) -> subprocess.CompletedProcess:
    code = textwrap.dedent(f"""
        from pathlib import Path
        from models.identity import check_forced_command, IdentityRefused
        try:
            check_forced_command("zhangmin", files=[Path({str(shared_file)!r})])
        except IdentityRefused as error:
            print("REFUSED", error)
        else:
            print("ACCEPTED")
    """)
    command = f"{shlex.quote(sys.executable)} -c {shlex.quote(code)}; true"  # `; true`: the shell stays as the parent
    return subprocess.run([*parent_argv, command], capture_output=True, text=True, cwd=ROOT, env=env, timeout=30)


def test_real_processes_a_program_named_sshd_as_parent_is_accepted(shared_file, tmp_path):
    """The check reads the real process table: a parent whose executable is sshd passes,
    the same command from an ordinary shell does not."""
    fake_sshd = tmp_path / "sshd"
    shutil.copy("/bin/bash", fake_sshd)
    env = {**os.environ, **SSH_ENV, "PYTHONPATH": str(ROOT)}
    assert "ACCEPTED" in _check_in_child([str(fake_sshd), "-c"], shared_file, env).stdout
    refused = _check_in_child(["/bin/bash", "-c"], shared_file, env).stdout
    assert "REFUSED" in refused and "bash" in refused


def _run_cli(args: list[str], env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=60, stdin=subprocess.DEVNULL)


def test_cli_as_from_a_normal_shell_is_refused_before_the_app_opens(demo_db):
    result = _run_cli(["--db", str(demo_db), "--as", "tester"], SSH_ENV)
    assert result.returncode == 1
    assert "--as" in result.stderr and "共用账号" in result.stderr


def test_cli_someone_not_set_up_gets_a_sentence_and_nothing_opens(demo_db):
    # The demo's admin is "tester"; whoever runs the tests is not on its roster.
    if ME == "tester":
        pytest.skip("the test runner's own login is on the demo roster")
    before = demo_db.read_bytes()
    result = _run_cli(["--db", str(demo_db)])
    assert result.returncode == 1
    assert f"“{ME}”" in result.stderr and "名册" in result.stderr and "登录名" in result.stderr
    assert demo_db.read_bytes() == before


def test_cli_commands_are_guarded_too(demo_db, monkeypatch):
    # A command opens its store through the session (tui/commands/common.py), which carries
    # the permission check: a stranger's change is refused. A bare Store checks nothing,
    # and no module-global guard changes that.
    import argparse

    from models.permissions import PermissionDenied
    from models.records import Policy
    from models.store import storage
    from tui.commands.common import open_store

    monkeypatch.setattr("models.identity.os_login", lambda: "stranger")
    store = open_store(argparse.Namespace(db=str(demo_db)))
    with pytest.raises(PermissionDenied):
        with store.transaction() as tx:
            tx.save_policy(Policy(school_name="x"))
    assert storage.Store(demo_db).guard is None
    assert not hasattr(storage, "install_default_guard")
