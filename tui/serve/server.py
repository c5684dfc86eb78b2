"""`jiaoyan serve`: the sign-in layer in front of textual-serve (see the package docstring).

What textual-serve gives: ``AppService`` (one app process per websocket, its packet
protocol, the delivery of files) and ``DownloadManager``; its static files (xterm.js in
``textual.js``). What is ours: every route, so that nothing is reached without a
session; the app process started with ``exec`` (no shell) and the signed-in login on its
command line; downloads handed only to the session whose app made them.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import hmac
import ipaddress
import logging
import os
import re
import secrets
import ssl
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from models import passwords
from models.i18n import set_language, t

log = logging.getLogger("jiaoyan.serve")

SESSION_COOKIE = "jiaoyan_session"
CSRF_COOKIE = "jiaoyan_csrf"
MAX_WINDOWS = 3  # app processes one session may hold open at once
MAX_FIELD = 256
STATIC_TEXTUAL = Path(__import__("textual_serve").__file__).parent / "static"
STATIC_OURS = Path(__file__).parent / "static"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")


@dataclass
class ServeConfig:
    db: Path
    host: str = "127.0.0.1"
    port: int = 8080
    cert: str | None = None
    key: str | None = None
    idle_seconds: float = 30 * 60
    proxy: bool = False
    language: str = "zh"
    guard: passwords.SignInGuard = field(default_factory=passwords.SignInGuard)
    python: str = sys.executable  # the interpreter that runs each app process

    @property
    def tls(self) -> bool:
        return bool(self.cert and self.key)


@dataclass
class WebSession:
    token_hash: str
    login: str
    csrf: str
    address: str
    must_change: bool
    last_seen: float
    password_hash: str = ""  # the password it signed in with: set anew elsewhere, the session ends
    ended: bool = False
    apps: set = field(default_factory=set)
    sockets: set = field(default_factory=set)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


class ServedApp(AppService):
    """textual-serve's AppService, started without a shell: ``argv`` is built by the server
    from the session. It overrides two private methods of textual-serve (``_build_environment``,
    ``_open_app_process``); tests/serve/test_serve_http.py pins them and pyproject bounds
    textual-serve below 2."""

    def __init__(self, argv: list[str], session: WebSession, **kwargs):
        super().__init__(" ".join(argv), **kwargs)
        self.argv = argv
        self.session = session

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        from models.doctor import launch_environment

        env = super()._build_environment(width=width, height=height)
        for name in [name for name in env if name.startswith("SSH_")]:
            del env[name]  # the browser's app is not an SSH session: no scp hints
        env, _restart = launch_environment(env)  # a UTF-8 locale, as jiaoyan-ssh gives
        return env

    async def _open_app_process(self, width: int = 80, height: int = 24):
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=self._build_environment(width=width, height=height))
        self._stdin = process.stdin
        return process

    async def close(self, wait: float = 5.0) -> None:
        """Ask the app to quit; end it when it does not within ``wait`` seconds."""
        process = self._process
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.stop(), wait)
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(process.wait(), wait)


class Door:
    """The routes and the sessions of one server."""

    def __init__(self, config: ServeConfig):
        self.config = config
        self.sessions: dict[str, WebSession] = {}
        self.downloads = DownloadManager()
        self._store = None
        self._entries: tuple[tuple, dict] = ((), {})

    def entries(self) -> dict:
        """The password file's entries, read again only when the file changed."""
        path = passwords.passwords_path(self.config.db)
        try:
            st = os.stat(path)
            key = (st.st_ino, st.st_size, st.st_mtime_ns)
        except OSError:
            key = ()
        if key != self._entries[0] or not key:
            self._entries = (key, passwords.read_entries(self.config.db))
        return self._entries[1]

    def outdated(self, session: WebSession) -> bool:
        """Was the password this session signed in with set anew since (`passwd --reset`,
        a change in another window), or removed?"""
        try:
            entry = self.entries().get(session.login)
        except Exception:
            return True
        return entry is None or not hmac.compare_digest(entry.hash, session.password_hash)

    # -- the data file (read only: who is on the roster, the school's name) -----------------

    def store(self):
        from models.store.storage import Store

        if self._store is None:
            self._store = Store(self.config.db, actor="jiaoyan-serve")
        else:
            self._store.refresh()
        return self._store

    def school(self) -> str:
        try:
            store = self.store()
            return store.policy().school_name or store.meta().get("school_name", "")
        except Exception:  # the sign-in page still shows when the file cannot be read
            return ""

    def teacher_name(self, login: str) -> str:
        from models.people import teacher_by_login

        teacher = teacher_by_login(self.store(), login)
        if teacher is None:
            return login
        return teacher.name + (t("header.admin") if teacher.is_admin else "")

    # -- requests ---------------------------------------------------------------------------

    def address(self, request: web.Request) -> str:
        remote = request.remote or "?"
        if self.config.proxy and _is_loopback(remote):
            return request.headers.get("X-Real-IP", remote).strip()[:64] or remote
        return remote

    def secure(self, request: web.Request) -> bool:
        if self.config.tls:
            return True
        return self.config.proxy and _is_loopback(request.remote or "") and \
            request.headers.get("X-Forwarded-Proto", "").lower() == "https"

    def same_origin(self, request: web.Request) -> bool:
        """A form post or websocket from another site is refused: its Origin (when the
        browser sends one) must be this server as the browser reached it."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True
        if origin == "null":
            return False
        return urlsplit(origin).netloc.lower() == request.host.lower()

    def session_of(self, request: web.Request) -> WebSession | None:
        token = request.cookies.get(SESSION_COOKIE, "")
        if not token or len(token) > 128:
            return None
        session = self.sessions.get(_hash(token))
        if session is None:
            return None
        if time.monotonic() - session.last_seen > self.config.idle_seconds:
            return None  # the watchdog ends it; until then it opens nothing
        if self.outdated(session):
            asyncio.get_running_loop().create_task(self.end_session(session, reason="password_reset"))
            return None
        session.last_seen = time.monotonic()
        return session

    def _cookie(self, response: web.StreamResponse, request: web.Request, name: str, value: str) -> None:
        response.set_cookie(name, value, path="/", httponly=True, samesite="Strict", secure=self.secure(request))

    def _form_csrf(self, request: web.Request, response: web.StreamResponse) -> str:
        """The sign-in form's token: a random value in an HttpOnly cookie and in the form
        (a page of another site can set neither)."""
        token = request.cookies.get(CSRF_COOKIE, "")
        if not re.fullmatch(r"[A-Za-z0-9_-]{32,64}", token):
            token = secrets.token_urlsafe(32)
        self._cookie(response, request, CSRF_COOKIE, token)
        return token

    async def _log(self, action: str, login: str, **details: str) -> None:
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, lambda: passwords.log_event(self.config.db, action, login, **details))
        except Exception as error:  # a sign-in must not fail because the log could not be written
            log.error("change log: %s", error)

    # -- sign in ----------------------------------------------------------------------------

    def _html(self, text: str, status: int = 200) -> web.Response:
        return web.Response(text=text, status=status, content_type="text/html", charset="utf-8")

    def _login_response(self, request: web.Request, *, status: int = 200, message: str = "", note: str = "",
                        login: str = "") -> web.Response:
        from tui.serve.pages import login_page

        response = self._html("", status)
        csrf = self._form_csrf(request, response)
        response.text = login_page(self.school(), csrf, message=message, note=note, login=login)
        return response

    async def get_login(self, request: web.Request) -> web.StreamResponse:
        if self.session_of(request) is not None:
            raise web.HTTPSeeOther("/")
        note = {"idle": t("serve.page.idle"), "out": t("serve.page.signed_out"),
                "changed": t("serve.page.changed")}.get(request.query.get("m", ""), "")
        return self._login_response(request, note=note)

    async def post_login(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        login = str(form.get("login", "")).strip()[:MAX_FIELD]
        password = str(form.get("password", ""))[:1024]
        sent = str(form.get("csrf_token", ""))
        cookie = request.cookies.get(CSRF_COOKIE, "")
        if not self.same_origin(request) or not cookie or not hmac.compare_digest(sent.encode(), cookie.encode()):
            return self._login_response(request, status=403, message=t("serve.page.expired"))
        address = self.address(request)
        guard = self.config.guard
        entries = await asyncio.get_running_loop().run_in_executor(None, passwords.read_entries, self.config.db)
        entry = entries.get(login)
        set_at = _wall(entry.set_at) if entry is not None else None
        locked = guard.locked(login, address, set_at_wall=set_at)
        if locked is not None:
            kind, left = locked
            await self._log("signin_failed", login, address=address, reason=f"locked:{kind}")
            key = "serve.page.locked_login" if kind == "login" else "serve.page.locked_address"
            return self._login_response(request, status=429, message=t(key, minutes=passwords.minutes(left)),
                                        login=login)
        ok = await asyncio.get_running_loop().run_in_executor(None, _check, entry, password)
        if not ok:
            delay, newly_locked = guard.failed(login, address)
            await self._log("signin_failed", login, address=address, reason="password")
            if newly_locked:
                await self._log("signin_locked", login, address=address, lock=newly_locked,
                                minutes=str(passwords.minutes(guard.lock_seconds)))
            await asyncio.sleep(delay)
            if newly_locked:
                key = "serve.page.locked_login" if newly_locked == "login" else "serve.page.locked_address"
                message = t(key, minutes=passwords.minutes(guard.lock_seconds))
                return self._login_response(request, status=429, message=message, login=login)
            return self._login_response(request, status=401, message=t("serve.page.wrong"), login=login)
        problem = self.roster_problem(login)
        if problem is not None:
            await self._log("signin_failed", login, address=address, reason="roster")
            return self._login_response(request, status=403, message=t("serve.page.not_teacher", reason=problem))
        guard.succeeded(login)
        token = secrets.token_urlsafe(32)
        session = WebSession(_hash(token), login, secrets.token_urlsafe(32), address, entry.must_change,
                             time.monotonic(), password_hash=entry.hash)
        self.sessions[session.token_hash] = session
        await self._log("signin", login, address=address)
        response = web.HTTPSeeOther("/password" if session.must_change else "/")
        self._cookie(response, request, SESSION_COOKIE, token)
        response.del_cookie(CSRF_COOKIE, path="/")
        return response

    # -- password ---------------------------------------------------------------------------

    def _session_or_login(self, request: web.Request) -> WebSession:
        session = self.session_of(request)
        if session is None:
            raise web.HTTPSeeOther("/login")
        return session

    async def get_password(self, request: web.Request) -> web.StreamResponse:
        from tui.serve.pages import password_page

        session = self._session_or_login(request)
        return self._html(password_page(self.school(), session.csrf, must_change=session.must_change))

    async def post_password(self, request: web.Request) -> web.StreamResponse:
        from tui.serve.pages import password_page

        session = self._session_or_login(request)
        form = await request.post()
        if not self.same_origin(request) or not hmac.compare_digest(str(form.get("csrf_token", "")).encode(),
                                                                      session.csrf.encode()):
            raise web.HTTPForbidden(text=t("serve.page.expired"))
        new, confirm = str(form.get("password", ""))[:1024], str(form.get("confirm", ""))[:1024]
        loop = asyncio.get_running_loop()
        entry = (await loop.run_in_executor(None, passwords.read_entries, self.config.db)).get(session.login)
        problem = passwords.password_problem(new, confirm, login=session.login)
        if problem is None and not session.must_change:
            current = str(form.get("current", ""))[:1024]
            if not await loop.run_in_executor(None, _check, entry, current):
                problem = t("serve.password.wrong_current")
        if problem is None and await loop.run_in_executor(None, _check, entry, new):
            problem = t("serve.password.same_as_old")
        if problem is not None:
            return self._html(password_page(self.school(), session.csrf, must_change=session.must_change,
                                            message=problem), 400)
        digest = await loop.run_in_executor(None, passwords.hash_password, new)
        session.password_hash = digest  # before the file changes: this session signed in with it now
        await loop.run_in_executor(None, lambda: passwords.store_hash(
            self.config.db, session.login, digest, must_change=False, by=session.login))
        session.must_change = False
        await self._log("password_changed", session.login, address=self.address(request))
        for other in [x for x in self.sessions.values() if x.login == session.login and x is not session]:
            await self.end_session(other, reason="password_changed")  # other windows signed in with the old one
        raise web.HTTPSeeOther("/")

    # -- sign out and idle ------------------------------------------------------------------

    async def post_logout(self, request: web.Request) -> web.StreamResponse:
        session = self.session_of(request)
        if session is not None:
            form = await request.post()
            if not self.same_origin(request) or not hmac.compare_digest(str(form.get("csrf_token", "")).encode(),
                                                                          session.csrf.encode()):
                raise web.HTTPForbidden(text=t("serve.page.expired"))
            await self.end_session(session, reason="signout")
        response = web.HTTPSeeOther("/login?m=out")
        response.del_cookie(SESSION_COOKIE, path="/")
        return response

    async def end_session(self, session: WebSession, *, reason: str) -> None:
        if session.ended:
            return
        session.ended = True
        self.sessions.pop(session.token_hash, None)
        await self._log("signout", session.login, address=session.address, reason=reason)
        for socket in list(session.sockets):
            with contextlib.suppress(Exception):
                await socket.close()
        for app in list(session.apps):
            await app.close()

    async def watch_idle(self) -> None:
        every = max(0.2, min(30.0, self.config.idle_seconds / 4))
        while True:
            await asyncio.sleep(every)
            now = time.monotonic()
            for session in [s for s in self.sessions.values() if now - s.last_seen > self.config.idle_seconds]:
                await self.end_session(session, reason="idle")
            for session in [s for s in self.sessions.values() if self.outdated(s)]:
                await self.end_session(session, reason="password_reset")

    # -- the app ----------------------------------------------------------------------------

    async def get_app(self, request: web.Request) -> web.StreamResponse:
        from tui.serve.pages import app_page

        from tui.serve.pages import message_page

        session = self._session_or_login(request)
        if session.must_change:
            raise web.HTTPSeeOther("/password")
        problem = self.roster_problem(session.login)
        if problem is not None:  # deactivated (or taken off the roster) since signing in
            await self.end_session(session, reason="roster")
            response = self._html(message_page(problem, link="/login"), 403)
            response.del_cookie(SESSION_COOKIE, path="/")
            return response
        return self._html(app_page(self.school(), self.teacher_name(session.login), session.csrf))

    def roster_problem(self, login: str) -> str | None:
        """Why ``login`` may not open the app now (models/identity.py), None when it may."""
        from models.identity import sign_in_problem

        return sign_in_problem(self.store(), login, by_key=True)

    def app_argv(self, session: WebSession) -> list[str]:
        """The app process's command line: the login comes from the session, never the request."""
        return [self.config.python, "-m", "tui.serve.child", "--db", str(self.config.db), "--login", session.login,
                "--lang", self.config.language]

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        session = self.session_of(request)
        if session is None or session.must_change:
            raise web.HTTPUnauthorized(text="sign in first")
        if not self.same_origin(request):
            raise web.HTTPForbidden(text="cross-site")
        if self.roster_problem(session.login) is not None:
            await self.end_session(session, reason="roster")
            raise web.HTTPForbidden(text="not on the roster")
        if len(session.apps) >= MAX_WINDOWS:
            raise web.HTTPTooManyRequests(text=t("serve.page.too_many", count=MAX_WINDOWS))
        width = _clamp(request.query.get("width", "80"), 80)
        height = _clamp(request.query.get("height", "24"), 24)
        socket = web.WebSocketResponse(heartbeat=15, max_msg_size=1024 * 1024)
        await socket.prepare(request)
        app = ServedApp(self.app_argv(session), session, write_bytes=socket.send_bytes, write_str=socket.send_str,
                        close=socket.close, download_manager=self.downloads)
        session.apps.add(app)
        session.sockets.add(socket)
        try:
            await app.start(width, height)
            ended = asyncio.ensure_future(app._task)
            reading = asyncio.ensure_future(self._read(socket, app, session))
            await asyncio.wait({ended, reading}, return_when=asyncio.FIRST_COMPLETED)
            reading.cancel()
        except asyncio.CancelledError:
            pass
        except Exception as error:
            log.exception(error)
        finally:
            session.apps.discard(app)
            session.sockets.discard(socket)
            await app.close()
            with contextlib.suppress(Exception):
                await socket.close()
        return socket

    async def _read(self, socket: web.WebSocketResponse, app: ServedApp, session: WebSession) -> None:
        """The browser's messages, as textual-serve reads them; input keeps the session alive."""
        async for message in socket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = message.json()
                kind = envelope[0]
            except (ValueError, IndexError, KeyError, TypeError):
                continue
            if kind == "stdin" and len(envelope) > 1 and isinstance(envelope[1], str):
                session.last_seen = time.monotonic()
                await app.send_bytes(envelope[1].encode("utf-8"))
            elif kind == "resize" and len(envelope) > 1 and isinstance(envelope[1], dict):
                session.last_seen = time.monotonic()
                await app.set_terminal_size(_clamp(envelope[1].get("width"), 80), _clamp(envelope[1].get("height"), 24))
            elif kind == "ping" and len(envelope) > 1:
                await socket.send_json(["pong", str(envelope[1])[:32]])
            elif kind == "blur":
                await app.blur()
            elif kind == "focus":
                await app.focus()

    async def download(self, request: web.Request) -> web.StreamResponse:
        """A file the app delivered (App.deliver_binary): only to the session whose app made it."""
        session = self.session_of(request)
        key = request.match_info["key"]
        try:
            meta = await self.downloads.get_download_metadata(key)
        except KeyError:
            raise web.HTTPNotFound() from None
        owner = getattr(meta.app_service, "session", None)
        if session is None or owner is None or owner.token_hash != session.token_hash:
            raise web.HTTPNotFound()
        name = meta.file_name or "download"
        fallback = re.sub(r"[^A-Za-z0-9._-]", "_", name) or "download"
        content_type = meta.mime_type + (f"; charset={meta.encoding}" if meta.encoding else "")
        response = web.StreamResponse(headers={
            "Content-Type": content_type,
            "Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"})
        await response.prepare(request)
        async for chunk in self.downloads.download(key):
            await response.write(chunk)
        await response.write_eof()
        return response


def _check(entry, password: str) -> bool:
    if entry is None:
        passwords.dummy_check(password)
        return False
    return passwords.verify_password(password, entry.hash)


def _wall(stamp: str) -> float | None:
    try:
        return dt.datetime.fromisoformat(stamp).timestamp()
    except ValueError:
        return None


def _clamp(value, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return max(10, min(number, 500))


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


@web.middleware
async def security_headers(request: web.Request, handler):
    try:
        response = await handler(request)
    except web.HTTPException as error:
        response = error
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")  # no-referrer would make Chrome send `Origin: null` on our own forms
    if not request.path.startswith(("/static/", "/assets/")):
        headers.setdefault("Cache-Control", "no-store")
    if request.app.get("tls"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if isinstance(response, web.HTTPException):
        raise response
    return response


def make_app(config: ServeConfig) -> tuple[web.Application, Door]:
    """The aiohttp application (for serve_forever and the tests) and its Door."""
    door = Door(config)
    app = web.Application(middlewares=[security_headers], client_max_size=64 * 1024)
    app["tls"] = config.tls
    app.add_routes([
        web.get("/", door.get_app),
        web.get("/login", door.get_login),
        web.post("/login", door.post_login),
        web.get("/password", door.get_password),
        web.post("/password", door.post_password),
        web.post("/logout", door.post_logout),
        web.get("/ws", door.websocket),
        web.get("/download/{key}", door.download),
        web.static("/static", STATIC_TEXTUAL),
        web.static("/assets", STATIC_OURS),
    ])

    async def start_watch(app: web.Application) -> None:
        app["idle"] = asyncio.create_task(door.watch_idle())

    async def stop_all(app: web.Application) -> None:
        app["idle"].cancel()
        for session in list(door.sessions.values()):
            await door.end_session(session, reason="shutdown")

    app.on_startup.append(start_watch)
    app.on_shutdown.append(stop_all)
    return app, door


def ssl_context(config: ServeConfig) -> ssl.SSLContext | None:
    if not config.tls:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(config.cert, config.key)
    return context


def serve_forever(config: ServeConfig) -> int:
    """Run until Ctrl+C or SIGTERM (systemd). Refuses to start with a password file others can read."""
    set_language(config.language)
    path = passwords.passwords_path(config.db)
    problem = passwords.file_problem(config.db)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    if not passwords.read_entries(config.db):
        print(t("serve.no_passwords", path=path), file=sys.stderr)
    try:
        context = ssl_context(config)
    except (OSError, ssl.SSLError) as error:
        print(t("serve.tls_unreadable", reason=error), file=sys.stderr)
        return 1
    if os.geteuid() == 0:
        print(t("serve.as_root"), file=sys.stderr)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app, _door = make_app(config)
    scheme = "https" if context else "http"
    print(t("serve.listening", url=f"{scheme}://{config.host}:{config.port}/"), flush=True)
    if context is None and not config.proxy:
        print(t("serve.cleartext"), flush=True)
    try:
        web.run_app(app, host=config.host, port=config.port, ssl_context=context, print=None,
                    access_log=None)
    except OSError as error:
        print(t("serve.port_busy", port=config.port, reason=error.strerror or error), file=sys.stderr)
        return 1
    return 0
