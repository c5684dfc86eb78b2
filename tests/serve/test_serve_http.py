"""`jiaoyan serve` over real HTTP on 127.0.0.1: nothing opens without a session, a wrong
password is refused and slowed, repeated failures lock the login, a one-time password must
be changed first, one teacher's cookie never opens another's app, sessions end on sign-out
and when idle, every step is in the change log, and the password file stays 0600."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import subprocess
import sys
import time

import aiohttp
import pytest

from models import passwords
from models.store.changelog import ChangeLog
from tests.serve.conftest import PASSWORDS, ROOT, WAIT, Browser, Served, set_passwords


def test_the_textual_serve_parts_the_door_overrides_are_still_there():
    """ServedApp overrides these private methods of textual-serve's AppService and reads
    these attributes: a release that renames them must fail here, not in a school."""
    import inspect

    from textual_serve.app_service import AppService

    assert list(inspect.signature(AppService._build_environment).parameters) == ["self", "width", "height"]
    assert list(inspect.signature(AppService._open_app_process).parameters) == ["self", "width", "height"]
    source = inspect.getsource(AppService)
    assert "self._stdin" in source and "self._process" in source and "self._task" in source
    assert "TEXTUAL_DRIVER" in inspect.getsource(AppService._build_environment)


async def closed(socket, seconds: float = WAIT) -> bool:
    """Does the server close ``socket`` within ``seconds`` (frames still on their way are read past)?"""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if socket.closed:
            return True
        try:
            message = await socket.receive(timeout=max(0.1, deadline - time.monotonic()))
        except asyncio.TimeoutError:
            return False
        if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
            return True
    return False


async def delivery_key(socket, seconds: float = 90) -> str:
    """The key of the file the app delivers (textual-serve's ``deliver_file_start``)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        message = await socket.receive(timeout=max(0.1, deadline - time.monotonic()))
        if message.type == aiohttp.WSMsgType.TEXT and message.data.startswith('["deliver_file_start"'):
            return json.loads(message.data)[1]
        if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
            break
    raise AssertionError("no file was delivered")


def actions(db, login=None) -> list[str]:
    return [e["action"] for e in ChangeLog(db).entries()
            if e.get("action", "").startswith(("signin", "signout", "password")) and (login is None or e["who"] == login)]


async def screen_text(socket, wanted: str, seconds: float = WAIT) -> str:
    """What the app draws (the terminal's bytes), until ``wanted`` is among it."""
    seen = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            message = await socket.receive(timeout=max(0.1, deadline - time.monotonic()))
        except asyncio.TimeoutError:
            break
        if message.type == aiohttp.WSMsgType.BINARY:
            seen += message.data
            if wanted.encode() in seen:
                return seen.decode("utf-8", "replace")
        elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
            break
    raise AssertionError(f"{wanted!r} never drawn; got {seen[-400:]!r}")


async def test_without_a_session_nothing_opens(served):
    browser = Browser(served.url)
    try:
        async with browser.http.get(served.url + "/", allow_redirects=False) as response:
            assert response.status == 303 and response.headers["Location"] == "/login"
            assert "textual-terminal" not in await response.text()
        for path in ("/password",):
            async with browser.http.get(served.url + path, allow_redirects=False) as response:
                assert response.status == 303
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await browser.http.ws_connect(served.url + "/ws?width=80&height=24")
        assert refused.value.status == 401
        # A cookie made up by hand is no session either.
        browser.http.cookie_jar.update_cookies({"jiaoyan_session": "made-up"})
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await browser.http.ws_connect(served.url + "/ws")
        async with browser.http.get(served.url + "/download/anything", allow_redirects=False) as response:
            assert response.status == 404
        assert served.children() == []  # no app process was started for anyone

        # The sign-in page: Chinese, the school's name, the form's fields, the headers.
        async with browser.http.get(served.url + "/login") as response:
            page = await response.text()
            headers = response.headers
            cookie = response.headers.get("Set-Cookie", "")
        assert "育才实验小学" in page and "登录名" in page and 'name="csrf_token"' in page
        assert 'name="login"' in page and 'name="password"' in page and 'action="/login"' in page
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie  # no TLS here

        # A post without the form's token (another site's page) is refused.
        async with browser.http.post(served.url + "/login", data={"login": "zhangmin", "password":
                                                                   PASSWORDS["zhangmin"]},
                                     allow_redirects=False) as response:
            assert response.status == 403
        assert browser.cookie() in ("", "made-up")
    finally:
        await browser.close()


async def test_a_wrong_password_is_refused_and_repeated_failures_lock_the_login(served):
    browser = Browser(served.url)
    try:
        started = time.monotonic()
        response = await browser.sign_in("zhangmin", "not-her-password")
        assert response.status == 401 and "登录名或密码不对" in await response.text()
        assert browser.cookie() == ""
        for _ in range(passwords.SignInGuard().max_failures - 2):
            assert (await browser.sign_in("zhangmin", "still-wrong")).status == 401
        slowed = time.monotonic() - started
        response = await browser.sign_in("zhangmin", "wrong-again")
        assert response.status == 429 and "已锁定" in await response.text()
        assert slowed >= 0.5 + 1.0 + 1.5  # each failure answered later than the one before
        # Locked: even her right password does not open it now, and the page says so.
        response = await browser.sign_in("zhangmin", PASSWORDS["zhangmin"])
        assert response.status == 429 and "分钟后再试" in await response.text() and browser.cookie() == ""
        # Another teacher is not locked out by her lock.
        assert (await browser.sign_in("chenying", PASSWORDS["chenying"])).status == 303
        log = actions(served.db, "zhangmin")
        assert log.count("signin_failed") == 6 and log.count("signin_locked") == 1 and "signin" not in log

        # The admin's reset lifts the lock: the new one-time password opens it.
        secret = "reset-one-1"
        passwords.set_password(served.db, "zhangmin", secret, must_change=True, by="test")
        other = Browser(served.url)
        try:
            response = await other.sign_in("zhangmin", secret)
            assert response.status == 303 and response.headers["Location"] == "/password"
        finally:
            await other.close()
    finally:
        await browser.close()


async def test_a_one_time_password_must_be_changed_before_the_app_opens(served):
    browser = Browser(served.url)
    try:
        response = await browser.sign_in("liuxinyi", "one-time-1")
        assert response.status == 303 and response.headers["Location"] == "/password"
        async with browser.http.get(served.url + "/", allow_redirects=False) as response:
            assert response.status == 303 and response.headers["Location"] == "/password"
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await browser.http.ws_connect(served.url + "/ws")
        token = await browser.form_token("/password")
        for new, confirm, wanted in (("short", "short", "至少"), ("new-pass-123", "new-pass-124", "不一样"),
                                     ("one-time-1", "one-time-1", "原来的")):
            async with browser.http.post(served.url + "/password", allow_redirects=False, data={
                    "csrf_token": token, "password": new, "confirm": confirm}) as response:
                assert response.status == 400 and wanted in await response.text()
        async with browser.http.post(served.url + "/password", allow_redirects=False, data={
                "password": "new-pass-123", "confirm": "new-pass-123"}) as response:
            assert response.status == 403  # without the page's token
        async with browser.http.post(served.url + "/password", allow_redirects=False, data={
                "csrf_token": token, "password": "new-pass-123", "confirm": "new-pass-123"}) as response:
            assert response.status == 303 and response.headers["Location"] == "/"
        async with browser.http.get(served.url + "/") as response:
            assert response.status == 200 and "textual-terminal" in await response.text()
        entry = passwords.check_password(served.db, "liuxinyi", "new-pass-123")
        assert entry is not None and not entry.must_change
        assert passwords.check_password(served.db, "liuxinyi", "one-time-1") is None
        assert actions(served.db, "liuxinyi") == ["signin", "password_changed"]
        assert stat.S_IMODE(os.stat(passwords.passwords_path(served.db)).st_mode) == 0o600
    finally:
        await browser.close()


async def test_each_teacher_gets_an_app_as_themself_and_a_cookie_opens_only_its_own(served):
    zhang, chen = Browser(served.url), Browser(served.url)
    try:
        assert (await zhang.sign_in("zhangmin", PASSWORDS["zhangmin"])).status == 303
        assert (await chen.sign_in("chenying", PASSWORDS["chenying"])).status == 303
        assert zhang.cookie() and chen.cookie() and zhang.cookie() != chen.cookie()
        # The browser cannot choose who it is: a login in the address is ignored.
        socket = await zhang.http.ws_connect(served.url + "/ws?width=80&height=24&login=chenying")
        try:
            drawn = await screen_text(socket, "张敏")
            assert "陈颖" not in drawn.split("张敏")[0][-200:]
            children = served.children()
            assert len(children) == 1
            argv = children[0]
            assert argv[argv.index("--login") + 1] == "zhangmin"
            # 陈颖's cookie reaches her own app, never 张敏's process.
            socket2 = await chen.http.ws_connect(served.url + "/ws?width=80&height=24")
            try:
                await screen_text(socket2, "陈颖")
                logins = sorted(a[a.index("--login") + 1] for a in served.children())
                assert logins == ["chenying", "zhangmin"]
            finally:
                await socket2.close()

            # 张敏 writes the term report (看板, x, enter): it is delivered to her session only.
            for keys, drawn in (("5", "报告"), ("x", ".docx")):  # 报告: the dashboard footer's x key
                await socket.send_json(["stdin", keys])
                await screen_text(socket, drawn)
            await socket.send_json(["stdin", "\r"])
            key = await delivery_key(socket)
            stranger = Browser(served.url)
            try:
                for other in (chen, stranger):  # her colleague's cookie, and none at all
                    async with other.http.get(f"{served.url}/download/{key}", allow_redirects=False) as response:
                        assert response.status == 404
            finally:
                await stranger.close()
            async with zhang.http.get(f"{served.url}/download/{key}") as response:
                assert response.status == 200
                assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
                body = await response.read()
            assert body[:2] == b"PK" and len(body) > 5000  # the whole Word file
        finally:
            await socket.close()
        deadline = time.monotonic() + WAIT
        while served.children() and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert served.children() == []  # a closed window ends its app
        assert actions(served.db) == ["signin", "signin"]
    finally:
        await zhang.close()
        await chen.close()


async def test_sign_out_ends_the_session_and_its_app(served):
    browser = Browser(served.url)
    try:
        await browser.sign_in("chenying", PASSWORDS["chenying"])
        cookie = browser.cookie()
        socket = await browser.http.ws_connect(served.url + "/ws")
        await screen_text(socket, "陈颖")
        async with browser.http.get(served.url + "/") as response:
            token = (await response.text()).split('name="csrf_token" value="')[1].split('"')[0]
        async with browser.http.post(served.url + "/logout", data={"csrf_token": token},
                                     allow_redirects=False) as response:
            assert response.status == 303 and response.headers["Location"] == "/login?m=out"
        assert await closed(socket)  # after what it had drawn still on its way
        # The old cookie, kept by hand, opens nothing any more.
        again = Browser(served.url)
        again.http.cookie_jar.update_cookies({"jiaoyan_session": cookie})
        try:
            async with again.http.get(served.url + "/", allow_redirects=False) as response:
                assert response.status == 303
        finally:
            await again.close()
        assert actions(served.db, "chenying") == ["signin", "signout"]
    finally:
        await browser.close()


async def test_an_idle_session_ends(demo_db):
    set_passwords(demo_db)
    server = Served(demo_db, "--idle-minutes", "0.02")  # 1.2 seconds
    browser = Browser(server.url)
    try:
        await browser.sign_in("zhangmin", PASSWORDS["zhangmin"])
        socket = await browser.http.ws_connect(server.url + "/ws")
        assert await closed(socket)  # nothing typed: the server closes it
        async with browser.http.get(server.url + "/", allow_redirects=False) as response:
            assert response.status == 303
        entry = [e for e in ChangeLog(demo_db).entries() if e.get("action") == "signout"][-1]
        assert entry["reason"] == "idle" and entry["who"] == "zhangmin"
    finally:
        await browser.close()
        server.stop()


def test_the_server_refuses_a_password_file_others_can_read(demo_db):
    set_passwords(demo_db)
    path = passwords.passwords_path(demo_db)
    os.chmod(path, 0o640)
    result = subprocess.run([sys.executable, "-m", "tui", "serve", "--db", str(demo_db), "--port", "1"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "chmod 600" in result.stderr


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to become another account")
def test_the_app_process_refuses_a_login_handed_to_it_by_anyone_but_the_servers_account(demo_db):
    """A teacher with a shell of their own who starts the app process by hand, naming the
    admin's login, is refused: the process must run as the password file's owner."""
    set_passwords(demo_db)
    for folder in (demo_db.parent, *demo_db.parents):
        if str(folder) in ("/", "/tmp"):
            break
        os.chmod(folder, os.stat(folder).st_mode | 0o005)  # the other account may reach the file
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child becomes `nobody` and asks as the app process does
        os.close(read)
        code = 0
        try:
            os.setgid(65534)
            os.setuid(65534)
            passwords.check_served_identity(demo_db, "tester")
            os.write(write, "ACCEPTED".encode())
        except passwords.PasswordFileRefused as error:
            os.write(write, str(error).encode())
            code = 1
        except BaseException as error:  # noqa: BLE001 - reported to the parent
            os.write(write, repr(error).encode())
            code = 2
        os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        said = pipe.read().decode()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 1, said
    assert "不能以浏览器登录的身份打开教研系统" in said and "root" in said
    # The server's own account (root here, the file's owner) is accepted.
    passwords.check_served_identity(demo_db, "tester")
    with pytest.raises(passwords.PasswordFileRefused):
        passwords.check_served_identity(demo_db, "liuxinyi")  # no password of her own: no app as her


async def test_a_password_set_anew_ends_the_sessions_that_signed_in_with_the_old_one(served):
    first, second = Browser(served.url), Browser(served.url)
    try:
        await first.sign_in("chenying", PASSWORDS["chenying"])
        await second.sign_in("chenying", PASSWORDS["chenying"])
        # She changes it in one window: the other window, signed in with the old one, is out.
        token = await second.form_token("/password")
        async with second.http.post(served.url + "/password", allow_redirects=False, data={
                "csrf_token": token, "current": PASSWORDS["chenying"], "password": "chenying-new-2",
                "confirm": "chenying-new-2"}) as response:
            assert response.status == 303
        async with second.http.get(served.url + "/", allow_redirects=False) as response:
            assert response.status == 200
        async with first.http.get(served.url + "/", allow_redirects=False) as response:
            assert response.status == 303

        # The admin resets 张敏's (someone saw it): her open window closes, her cookie is void.
        await first.sign_in("zhangmin", PASSWORDS["zhangmin"])
        socket = await first.http.ws_connect(served.url + "/ws")
        await screen_text(socket, "张敏")
        result = subprocess.run([sys.executable, "-m", "tui", "passwd", "zhangmin", "--reset", "--db", str(served.db)],
                                cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert await closed(socket)
        async with first.http.get(served.url + "/", allow_redirects=False) as response:
            assert response.status == 303
        reasons = [e.get("reason") for e in ChangeLog(served.db).entries() if e.get("action") == "signout"]
        assert "password_changed" in reasons and "password_reset" in reasons
    finally:
        await first.close()
        await second.close()


def test_the_sign_in_page_in_english(demo_db):
    import urllib.request

    set_passwords(demo_db)
    server = Served(demo_db, "--lang", "en")
    try:
        with urllib.request.urlopen(server.url + "/login", timeout=WAIT) as response:
            page = response.read().decode()
        assert "Sign in" in page and "Login" in page and "育才实验小学" in page and 'lang="en"' in page
    finally:
        server.stop()


@pytest.mark.skipif(not __import__("shutil").which("openssl"), reason="needs openssl to make a test certificate")
async def test_under_tls_cookies_are_secure(demo_db, tmp_path):
    import ssl

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=60)
    set_passwords(demo_db)
    server = Served(demo_db, "--cert", str(cert), "--key", str(key))
    context = ssl.create_default_context(cafile=str(cert))
    context.check_hostname = False
    browser = Browser(server.url.replace("http:", "https:"))
    try:
        async with browser.http.get(browser.url + "/login", ssl=context) as response:
            assert "Secure" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
            assert "max-age" in response.headers["Strict-Transport-Security"]
            text = await response.text()
        token = text.split('name="csrf_token" value="')[1].split('"')[0]
        async with browser.http.post(browser.url + "/login", ssl=context, allow_redirects=False, data={
                "login": "zhangmin", "password": PASSWORDS["zhangmin"], "csrf_token": token}) as response:
            assert response.status == 303
            cookie = response.headers["Set-Cookie"]
        assert "jiaoyan_session=" in cookie and "Secure" in cookie and "SameSite=Strict" in cookie
    finally:
        await browser.close()
        server.stop()


async def test_a_teacher_deactivated_while_signed_in_is_let_out(served):
    from models.records import Teacher
    from models.store.storage import Store

    browser = Browser(served.url)
    try:
        assert (await browser.sign_in("chenying", PASSWORDS["chenying"])).status == 303
        store = Store(served.db, actor="tester")
        chenying = next(x for x in store.all(Teacher) if x.login == "chenying")
        with store.transaction() as tx:
            tx.update(chenying.copy(active=False))
        async with browser.http.get(served.url + "/", allow_redirects=False) as response:
            assert response.status == 403 and "停用" in await response.text()
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await browser.http.ws_connect(served.url + "/ws")
        assert served.children() == []
        # Nor can she sign in again, with the right password.
        response = await browser.sign_in("chenying", PASSWORDS["chenying"])
        assert response.status == 403 and "停用" in await response.text()
    finally:
        await browser.close()


async def test_stopping_the_server_ends_every_app_it_started(demo_db):
    set_passwords(demo_db)
    server = Served(demo_db)
    browser = Browser(server.url)
    try:
        await browser.sign_in("zhangmin", PASSWORDS["zhangmin"])
        socket = await browser.http.ws_connect(server.url + "/ws")
        await screen_text(socket, "张敏")
        children = [int(p) for p in os.listdir("/proc") if p.isdigit() and _is_child_of(int(p), server.process.pid)]
        assert children
        server.stop()  # SIGTERM, as systemd stops it
        assert server.process.returncode == 0
        deadline = time.monotonic() + WAIT
        while any(os.path.exists(f"/proc/{pid}") for pid in children) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert not any(os.path.exists(f"/proc/{pid}") for pid in children)
        assert [e.get("reason") for e in ChangeLog(demo_db).entries() if e.get("action") == "signout"] == ["shutdown"]
    finally:
        await browser.close()
        if server.process.returncode is None:
            server.stop()


def _is_child_of(pid: int, parent: int) -> bool:
    try:
        stat = open(f"/proc/{pid}/stat").read()
        argv = open(f"/proc/{pid}/cmdline", "rb").read()
    except OSError:
        return False
    return int(stat[stat.rindex(")") + 2:].split()[1]) == parent and b"tui.serve.child" in argv
