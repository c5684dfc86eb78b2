"""A real `jiaoyan serve` on 127.0.0.1 (a free port) over a copy of the demo school, with
passwords set for a few of its teachers, and a small HTTP client that signs in as a
browser does (the form's csrf_token, the cookies)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from models import passwords

ROOT = Path(__file__).resolve().parents[2]
WAIT = 40.0  # seconds any one step may take on a loaded machine
PASSWORDS = {"zhangmin": "zhangmin-pass-1", "chenying": "chenying-pass-1", "tester": "tester-pass-1"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Served:
    def __init__(self, db: Path, *extra: str):
        self.db, self.port = db, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "JIAOYAN_TODAY": "2025-11-05"}
        self.log = open(db.with_name("serve.log"), "w")
        self.process = subprocess.Popen([sys.executable, "-m", "tui", "serve", "--db", str(db), "--port",
                                         str(self.port), *extra], cwd=ROOT, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"serve ended: {db.with_name('serve.log').read_text()}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise AssertionError("serve did not listen in time")

    def children(self) -> list[list[str]]:
        """The command lines of the app processes the server started."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                argv = (entry / "cmdline").read_bytes().decode().split("\0")
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2:].split()[1]) == self.process.pid and "tui.serve.child" in argv:
                found.append([a for a in argv if a])
        return found

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self.log.close()


def set_passwords(db: Path, must_change: tuple[str, ...] = ()) -> None:
    for login, secret in PASSWORDS.items():
        passwords.set_password(db, login, secret, must_change=login in must_change, by="test")


@pytest.fixture
def served(demo_db):
    set_passwords(demo_db)
    passwords.set_password(demo_db, "liuxinyi", "one-time-1", must_change=True, by="test")
    server = Served(demo_db)
    yield server
    server.stop()


class Browser:
    """Cookies and the sign-in form, as a browser keeps them (aiohttp's client)."""

    def __init__(self, url: str):
        self.url = url
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                          timeout=aiohttp.ClientTimeout(total=WAIT * 2))

    async def form_token(self, path: str = "/login") -> str:
        async with self.http.get(self.url + path, allow_redirects=False) as response:
            text = await response.text()
        return re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)

    async def sign_in(self, login: str, password: str) -> aiohttp.ClientResponse:
        token = await self.form_token()
        response = await self.http.post(self.url + "/login", data={"login": login, "password": password,
                                                                   "csrf_token": token}, allow_redirects=False)
        await response.read()
        return response

    def cookie(self) -> str:
        return next((c.value for c in self.http.cookie_jar if c.key == "jiaoyan_session"), "")

    async def close(self) -> None:
        await self.http.close()
