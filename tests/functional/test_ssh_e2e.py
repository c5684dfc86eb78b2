"""End to end over real SSH: OpenSSH's sshd on 127.0.0.1 (its own config, host key and
authorized_keys in tmp_path), the shared-account set-up with a forced `--as` command per
key, two people in tmux at 80×24, live refresh between them, and a refused evaluation edit.

Skipped only when sshd, ssh, ssh-keygen or tmux are not installed (.ci/run installs them).
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import sys
import sysconfig
import textwrap
import time
from pathlib import Path

import pytest

from models.identity import os_login
from models.records import Observation, Teacher
from models.store.storage import Store

ROOT = Path(__file__).resolve().parents[2]
SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if Path("/usr/sbin/sshd").exists() else None)
TOOLS = {"sshd": SSHD, "ssh": shutil.which("ssh"), "ssh-keygen": shutil.which("ssh-keygen"),
         "tmux": shutil.which("tmux")}
pytestmark = pytest.mark.skipif(not all(TOOLS.values()) or sys.platform != "linux",
                                reason=f"needs OpenSSH server and client and tmux: missing "
                                       f"{[k for k, v in TOOLS.items() if not v]}")
WAIT = 20.0  # seconds any one step may take on a loaded machine


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_install(prefix: Path) -> Path:
    """A venv standing for the server's install of jiaoyan: it uses this checkout's code and
    dependencies, and its own etc/jiaoyan/shared-account names the shared account."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(prefix)], check=True, timeout=120)
    python = prefix / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True, timeout=60).stdout.strip()
    Path(site, "jiaoyan-checkout.pth").write_text(f"{ROOT}\n{sysconfig.get_paths()['purelib']}\n")
    setting = prefix / "etc" / "jiaoyan"
    setting.mkdir(parents=True)
    setting.chmod(0o755)
    (setting / "shared-account").write_text(os_login() + "\n")
    (setting / "shared-account").chmod(0o644)
    return python


def keygen(path: Path) -> str:
    subprocess.run([TOOLS["ssh-keygen"], "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True, timeout=30)
    return path.with_suffix(".pub").read_text().strip()


class Server:
    def __init__(self, base: Path, keys: dict[str, str]):
        self.base, self.port = base, free_port()
        keygen(base / "host_key")
        lines = [f'restrict,pty,command="{command}" {public}' for public, command in keys.values()]
        (base / "authorized_keys").write_text("\n".join(lines) + "\n")
        (base / "authorized_keys").chmod(0o600)
        (base / "sshd_config").write_text(textwrap.dedent(f"""\
            Port {self.port}
            ListenAddress 127.0.0.1
            HostKey {base / "host_key"}
            PidFile {base / "sshd.pid"}
            AuthorizedKeysFile {base / "authorized_keys"}
            StrictModes no
            UsePAM no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            PermitRootLogin prohibit-password
            AllowUsers {os_login()}
            LogLevel VERBOSE
            """))
        if os.geteuid() == 0:
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege-separation dir
        self.log = open(base / "sshd.log", "w")
        self.process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(base / "sshd_config")],
                                        stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.skip(f"sshd would not start here: {(base / 'sshd.log').read_text()[-500:]}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        pytest.fail("sshd did not listen in time")

    def ssh_argv(self, key: Path, *extra: str) -> list[str]:
        return [TOOLS["ssh"], "-F", "/dev/null", "-i", str(key), "-p", str(self.port),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
                *extra, f"{os_login()}@127.0.0.1"]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


class Tmux:
    """A private tmux server (its own socket), so nothing else on the machine is touched."""

    def __init__(self, base: Path):
        self.socket = base / "tmux.sock"

    def run(self, *args: str, check: bool = True) -> str:
        return subprocess.run([TOOLS["tmux"], "-S", str(self.socket), *args], check=check, capture_output=True,
                              text=True, timeout=30).stdout

    def start(self, name: str, argv: list[str]) -> None:
        self.run("new-session", "-d", "-s", name, "-x", "80", "-y", "24", shlex.join(argv))

    def screen(self, name: str) -> str:
        return self.run("capture-pane", "-p", "-t", name, check=False)

    def wait_for(self, name: str, text: str, seconds: float = WAIT) -> str:
        deadline = time.monotonic() + seconds
        shown = ""
        while time.monotonic() < deadline:
            shown = self.screen(name)
            if text in shown:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{text!r} did not appear on {name} within {seconds} s; it shows:\n{shown}")

    def kill(self) -> None:
        self.run("kill-server", check=False)


WRITER = """
import sys
from models.identity import resolve_login, IdentityRefused
from models.permissions import PermissionDenied, check_change, teacher_by_login
from models.records import Pairing
from models.store.storage import Store
login = resolve_login(sys.argv[2])  # the same --as check the app makes: from sshd's forced command only
store = Store(sys.argv[1], actor=login, guard=check_change)
me = teacher_by_login(store, login)
print("LOGGED IN as", login, flush=True)
theirs = next(p for p in store.all(Pairing) if p.evaluations and p.mentor_id != me.id)
term = next(iter(theirs.evaluations))
try:
    with store.transaction() as tx:
        tx.update(theirs.copy(evaluations={term: {**theirs.evaluations[term], "summary": "我改了"}}))
    print("EDITED someone else's evaluation", flush=True)
except PermissionDenied as error:
    print("REFUSED", error, flush=True)
"""


@pytest.fixture
def ssh_world(tmp_path, demo_db):
    base = tmp_path / "ssh"
    base.mkdir()
    python = make_install(tmp_path / "install")
    (base / "writer.py").write_text(WRITER, encoding="utf-8")
    app = f"env JIAOYAN_TODAY=2025-11-05 {python} -m tui.launcher --db {demo_db}"
    keys = {}
    for name, command in (("zhangmin", f"{app} --as zhangmin --area observations"),
                          ("tester", f"{app} --as tester --area observations"),
                          ("writer", f"env JIAOYAN_TODAY=2025-11-05 {python} {base / 'writer.py'} {demo_db} zhangmin")):
        keys[name] = (keygen(base / f"key_{name}"), command)
    server = Server(base, keys)
    tmux = Tmux(base)
    yield {"server": server, "tmux": tmux, "base": base, "db": demo_db}
    tmux.kill()
    server.stop()


def test_two_people_over_ssh_see_each_others_changes_and_evaluations_are_guarded(ssh_world):
    server, tmux, base, db = ssh_world["server"], ssh_world["tmux"], ssh_world["base"], ssh_world["db"]
    term_total = sum(1 for o in Store(db).all(Observation) if o.term_id == "2025-2026-1")

    # 张敏 logs in with her key: the forced command opens the app as her, in 80×24, on the 听课 log.
    tmux.start("zhangmin", server.ssh_argv(base / "key_zhangmin", "-tt"))
    screen = tmux.wait_for("zhangmin", "张敏")
    assert "管理员" not in screen.splitlines()[0]
    tmux.wait_for("zhangmin", f"共 {term_total} 条")
    # 郑娟 (the admin) logs in with hers and sees the same log.
    tmux.start("tester", server.ssh_argv(base / "key_tester", "-tt"))
    tmux.wait_for("tester", "郑娟（管理员）")
    tmux.wait_for("tester", f"共 {term_total} 条")

    # 张敏 types an observation of 陈颖 as a teacher would: n, initials, the fields, ctrl+s.
    def keys(*sequence: str, literal: bool = False) -> None:
        tmux.run("send-keys", "-t", "zhangmin", *(["-l"] if literal else []), *sequence)
        time.sleep(0.4)

    keys("n")
    tmux.wait_for("zhangmin", "授课教师")
    time.sleep(1.5)  # the form (now with 教学过程 and scoring) settles its focus before the first key
    keys("cy", literal=True)
    tmux.wait_for("zhangmin", "陈颖")
    keys("Enter")
    keys("Enter")  # the date stays today
    keys("3", literal=True)
    keys("Enter")
    keys("SSH 听课", literal=True)
    keys("Enter")
    keys("t", literal=True)
    keys("Tab")
    keys("Tab")  # past 教学过程 (the running notes), which a quick record leaves empty
    for comment in ("朗读指导到位", "提问偏多", "多留思考时间"):
        keys(comment, literal=True)
        keys("Tab")
    keys("l", literal=True)
    keys("C-s")
    tmux.wait_for("zhangmin", "本学期已听")

    # The admin's open session shows it within seconds, without a key pressed.
    # (The 2-second refresh is measured in test_access_app.py; SSH and tmux add their own delay.)
    tmux.wait_for("tester", f"共 {term_total + 1} 条", seconds=8)
    tmux.wait_for("tester", "SSH 听课", seconds=8)

    # 张敏 (over SSH, with a third key) tries to rewrite an evaluation that is not hers: refused, told who may.
    result = subprocess.run(server.ssh_argv(base / "key_writer", "-T") + ["bash -i"], capture_output=True,
                            text=True, timeout=60)
    assert "LOGGED IN as zhangmin" in result.stdout, result.stdout + result.stderr
    assert "REFUSED" in result.stdout and "师傅" in result.stdout

    # The admin reads who did it in the change log (F2).
    tmux.run("send-keys", "-t", "tester", "F2")
    screen = tmux.wait_for("tester", "zhangmin")
    assert "听课记录" in screen

    stored = [o for o in Store(db).all(Observation) if o.topic == "SSH 听课"]
    assert len(stored) == 1 and stored[0].created_by == "zhangmin"
    typed = stored[0]
    chenying = next(x for x in Store(db).all(Teacher) if x.login == "chenying")
    assert (typed.teacher_id, typed.period, typed.lesson_type) == (chenying.id, 3, "推门课")
    assert (typed.strengths, typed.shortcomings, typed.suggestions, typed.rating) == (
        "朗读指导到位", "提问偏多", "多留思考时间", "良")
    tmux.run("send-keys", "-t", "zhangmin", "q")
    tmux.run("send-keys", "-t", "tester", "Escape", "q")
