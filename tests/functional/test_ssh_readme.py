"""The README's set-up B, run as written (issue 21).

As root, the test takes the commands from the README's deployment section and runs them
line by line, with the names made unique for this run (group and account `jiaoyan` →
`jytNNNNNN`, `/srv/jiaoyan` → a throwaway data folder, `/etc/jiaoyan` and `jiaoyan-ssh`
→ a throwaway install of this checkout). It starts OpenSSH's sshd on 127.0.0.1 with
Debian's defaults, adds two people's keys with the README's key line, and checks:
identity is right for both keys; `ssh -T`, `sftp` and `scp` end within seconds and leave
no process behind; a person downloads their own export with sftp and scp (both
protocols) and nothing else. Everything it made is removed at the end.

Skipped unless root on Linux with sshd, ssh, sftp, scp, ssh-keygen, tmux and adduser.
"""

from __future__ import annotations

import os
import random
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from models.records import Teacher
from models.store.storage import Store

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if Path("/usr/sbin/sshd").exists() else None)
TOOLS = {name: shutil.which(name) for name in ("ssh", "sftp", "scp", "ssh-keygen", "tmux", "adduser", "groupadd",
                                                "userdel", "groupdel", "install")}
TOOLS["sshd"] = SSHD
pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or os.geteuid() != 0 or not all(TOOLS.values()),
    reason=f"needs root and {[k for k, v in TOOLS.items() if not v] or 'root'}")
WAIT = 20.0
SFTP_SERVER = next((p for p in ("/usr/lib/openssh/sftp-server", "/usr/libexec/openssh/sftp-server",
                                "/usr/lib/ssh/sftp-server") if Path(p).exists()), "internal-sftp")


# -- the README ----------------------------------------------------------------------------


def readme_block(marker: str) -> list[str]:
    """The lines of the first ```sh block after the line holding ``marker``."""
    text = README.read_text(encoding="utf-8")
    at = text.index(marker)
    block = re.search(r"```sh\n(.*?)```", text[at:], re.S)
    assert block, f"no sh block after {marker!r}"
    return [line for line in block.group(1).splitlines() if line.strip()]


def common_lines() -> list[str]:
    """The group and data-folder lines of the README's first deployment block."""
    lines = readme_block("### Deployment on a Debian/Ubuntu server")
    return [line for line in lines if line.startswith(("groupadd ", "install -d -m 2770"))]


class Names:
    def __init__(self, base: Path):
        self.account = f"jyt{random.randrange(10**5, 10**6)}"
        self.base = base
        self.prefix = base / "opt"
        self.data = base / "srv"

    def apply(self, line: str) -> str:
        """The README's line with this run's names: paths first, then the word `jiaoyan`."""
        swaps = [("/etc/jiaoyan", f"{self.prefix}/etc/jiaoyan"), ("/srv/jiaoyan", str(self.data)),
                 ("jiaoyan-ssh", str(self.prefix / "bin" / "jiaoyan-ssh"))]
        for number, (old, _new) in enumerate(swaps):
            line = line.replace(old, f"\0{number}\0")
        line = re.sub(r"\bjiaoyan\b", self.account, line)
        for number, (_old, new) in enumerate(swaps):
            line = line.replace(f"\0{number}\0", new)
        return line


def reachable_by_everyone(path: Path) -> bool:
    """Every folder above ``path`` lets others through, and ``path`` lets them read (or run) it."""
    path = Path(os.path.realpath(path))
    if not os.stat(path).st_mode & 0o005:
        return False
    return all(os.stat(parent).st_mode & 0o001 for parent in path.parents)


def python_for_everyone() -> str | None:
    """An interpreter of this Python version that another account may run (this one may
    live in root's home, as pyenv's does)."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (sys.executable, f"/usr/bin/python{version}", f"/usr/local/bin/python{version}"):
        if Path(candidate).exists() and reachable_by_everyone(Path(candidate)):
            return candidate
    return None


def install(prefix: Path) -> None:
    """A venv standing for /opt/jiaoyan: this checkout's code, and `jiaoyan-ssh` in its bin."""
    python = python_for_everyone()
    site_packages = Path(sysconfig.get_paths()["purelib"])
    if python is None or not reachable_by_everyone(ROOT / "tui" / "launcher.py") \
            or not reachable_by_everyone(site_packages / "textual" / "__init__.py"):
        pytest.skip("no Python, checkout or packages that a new account may read")
    subprocess.run([python, "-m", "venv", "--without-pip", str(prefix)], check=True, timeout=120)
    python = prefix / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True, timeout=60).stdout.strip()
    Path(site, "jiaoyan-checkout.pth").write_text(f"{ROOT}\n{site_packages}\n")
    launcher = prefix / "bin" / "jiaoyan-ssh"
    launcher.write_text(f"#!{python}\nimport sys\nfrom tui.launcher import main\nsys.exit(main())\n")
    launcher.chmod(0o755)


def run_as_root(line: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIAOYAN_", "PYTEST"))}
    result = subprocess.run(["bash", "-c", line], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, f"README line failed: {line}\n{result.stdout}\n{result.stderr}"
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def keygen(path: Path) -> str:
    subprocess.run([TOOLS["ssh-keygen"], "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True, timeout=30)
    return path.with_suffix(".pub").read_text().strip()


def processes_of(account: str) -> list[int]:
    uid = int(subprocess.run(["id", "-u", account], capture_output=True, text=True).stdout.strip() or -1)
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid and (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def wait_until_no_process(account: str, seconds: float = WAIT) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not processes_of(account):
            return
        time.sleep(0.2)
    left = {pid: Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ") for pid in processes_of(account)}
    raise AssertionError(f"processes left behind after {seconds} s: {left}")


class Server:
    def __init__(self, base: Path, account: str):
        self.base, self.port, self.account = base, free_port(), account
        keygen(base / "host_key")
        (base / "sshd_config").write_text(textwrap.dedent(f"""\
            Port {self.port}
            ListenAddress 127.0.0.1
            HostKey {base / "host_key"}
            PidFile {base / "sshd.pid"}
            UsePAM yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            AllowUsers {account}
            Subsystem sftp {SFTP_SERVER}
            LogLevel VERBOSE
            """))
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
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

    def options(self, key: Path) -> list[str]:
        return ["-F", "/dev/null", "-i", str(key), "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                "-o", "LogLevel=ERROR"]

    def ssh(self, key: Path, *extra: str) -> list[str]:
        return [TOOLS["ssh"], *self.options(key), "-p", str(self.port), *extra, f"{self.account}@127.0.0.1"]

    def sftp(self, key: Path, batch: str, cwd: Path) -> subprocess.CompletedProcess:
        return subprocess.run([TOOLS["sftp"], *self.options(key), "-P", str(self.port), "-b", "-",
                               f"{self.account}@127.0.0.1"], input=batch, capture_output=True, text=True,
                              timeout=WAIT, cwd=cwd)

    def scp(self, key: Path, remote: str, local: Path, *extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([TOOLS["scp"], *self.options(key), "-P", str(self.port), *extra,
                               f"{self.account}@127.0.0.1:{remote}", str(local)], capture_output=True, text=True,
                              timeout=WAIT)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


class Tmux:
    def __init__(self, base: Path):
        self.socket = base / "tmux.sock"

    def run(self, *args: str, check: bool = True) -> str:
        return subprocess.run([TOOLS["tmux"], "-S", str(self.socket), *args], check=check, capture_output=True,
                              text=True, timeout=30).stdout

    def start(self, name: str, argv: list[str]) -> None:
        self.run("new-session", "-d", "-s", name, "-x", "80", "-y", "24", shlex.join(argv))

    def wait_for(self, name: str, text: str, seconds: float = WAIT) -> str:
        deadline = time.monotonic() + seconds
        shown = ""
        while time.monotonic() < deadline:
            shown = self.run("capture-pane", "-p", "-t", name, check=False)
            if text in shown:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{text!r} did not appear on {name} within {seconds} s; it shows:\n{shown}")

    def kill(self) -> None:
        self.run("kill-server", check=False)


@pytest.fixture
def world():
    # Not pytest's tmp_path: the new account must be able to reach the install and the data.
    base = Path(tempfile.mkdtemp(prefix="jiaoyan-readme-", dir="/tmp"))
    base.chmod(0o755)
    names = Names(base)
    state = {"names": names, "base": base}
    try:
        yield state
    finally:
        log = base / "sshd.log"
        if log.exists():  # shown by pytest when the test failed
            print(log.read_text(errors="replace")[-3000:])
        for closer in ("tmux", "server"):
            if closer in state:
                state[closer].kill() if closer == "tmux" else state[closer].stop()
        for pid in processes_of(names.account):  # only what this test's logins started
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        subprocess.run([TOOLS["userdel"], "-r", names.account], capture_output=True, timeout=60)
        subprocess.run([TOOLS["groupdel"], names.account], capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)


def test_readme_setup_b_as_written(world):
    names, base = world["names"], world["base"]
    install(names.prefix)

    # The README's lines, as root, in order: the group and data folder, then set-up B.
    for line in common_lines() + readme_block("runs this block as written"):
        run_as_root(names.apply(line))
    home = Path(os.path.expanduser(f"~{names.account}"))
    ssh_dir = home / ".ssh"
    assert oct(ssh_dir.stat().st_mode & 0o777) == "0o700" and ssh_dir.stat().st_uid != 0
    db = names.data / "school.json"
    [admin] = Store(db).all(Teacher)
    assert (admin.login, admin.name, admin.is_admin) == ("zhengjuan", "郑娟", True)
    assert list((names.data / "school.json.backups").glob("school-*-init.json"))  # the first backup

    # Two people's keys, each added with the README's key line.
    [key_line] = readme_block("adds keys with this line")
    keys = {}
    for login in ("zhengjuan", "zhangmin"):
        public = keygen(base / f"key_{login}")
        keys[login] = base / f"key_{login}"
        line = key_line.replace("zhengjuan", login)
        line = re.sub(r"ssh-ed25519 \S+ \S+'", public + "'", line)
        run_as_root(names.apply(line))
    # 郑娟 adds 张敏 to the roster (as she would in 名册), with the login her key line names.
    with Store(db, actor="zhengjuan").transaction() as tx:
        tx.insert(Teacher(name="张敏", login="zhangmin", subjects=["语文"]))

    server = world["server"] = Server(base, names.account)
    tmux = world["tmux"] = Tmux(base)

    # Identity: each key opens the app as its person.
    tmux.start("admin", server.ssh(keys["zhengjuan"], "-tt"))
    tmux.wait_for("admin", "郑娟（管理员）")
    tmux.start("teacher", server.ssh(keys["zhangmin"], "-tt"))
    screen = tmux.wait_for("teacher", "张敏")
    assert "管理员" not in screen.splitlines()[0]

    # No terminal: one sentence, and it ends at once.
    started = time.monotonic()
    result = subprocess.run(server.ssh(keys["zhangmin"], "-T"), stdin=subprocess.DEVNULL, capture_output=True,
                            text=True, timeout=WAIT)
    assert time.monotonic() - started < 10
    assert result.returncode == 1 and "需要一个终端" in result.stderr and "ssh -t" in result.stderr
    result = subprocess.run(server.ssh(keys["zhangmin"]) + ["bash -i"], stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=WAIT)
    assert result.returncode == 1 and "需要一个终端" in result.stderr

    # Downloads: 张敏's own export folder, and nothing else.
    exports = names.data / "school.json.exports"
    mine, hers = exports / "zhangmin", exports / "zhengjuan"
    for folder in (exports, mine, hers):
        folder.mkdir(mode=0o2770, exist_ok=True)
        shutil.chown(folder, group=names.account)
    (mine / "教师名册.xlsx").write_bytes(b"mine " * 5000)
    (hers / "秘密.docx").write_bytes(b"secret")
    fetched = base / "pc"
    fetched.mkdir()

    started = time.monotonic()
    result = server.sftp(keys["zhangmin"], "ls\nget 教师名册.xlsx a.xlsx\n", fetched)
    assert result.returncode == 0, result.stderr
    assert (fetched / "a.xlsx").read_bytes() == b"mine " * 5000 and "教师名册.xlsx" in result.stdout
    assert time.monotonic() - started < 10
    for path in (f"{db}", "../zhengjuan/秘密.docx", f"{hers}/秘密.docx", "/etc/passwd", "../../school.json"):
        result = server.sftp(keys["zhangmin"], f"get {path} x\n", fetched)
        assert result.returncode != 0 and not (fetched / "x").exists(), path
        result = server.sftp(keys["zhangmin"], f"put {fetched / 'a.xlsx'} up.xlsx\n", fetched)
        assert result.returncode != 0 and not (mine / "up.xlsx").exists()
    # scp: OpenSSH 9's (over SFTP) and the classic protocol (-O), by the path the app shows.
    for extra in ((), ("-O",)):
        target = fetched / f"scp{len(extra)}.xlsx"
        result = server.scp(keys["zhangmin"], str(mine / "教师名册.xlsx"), target, *extra)
        assert result.returncode == 0, result.stderr
        assert target.read_bytes() == b"mine " * 5000
        result = server.scp(keys["zhangmin"], str(db), fetched / "db.json", *extra)
        assert result.returncode != 0 and not (fetched / "db.json").exists()
        result = server.scp(keys["zhangmin"], f"{hers}/秘密.docx", fetched / "s.docx", *extra)
        assert result.returncode != 0 and not (fetched / "s.docx").exists()

    # The two app sessions end when their connections drop; nothing of the account is left.
    tmux.run("send-keys", "-t", "admin", "q")
    tmux.kill()
    wait_until_no_process(names.account)
