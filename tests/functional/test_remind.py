"""`jiaoyan remind` against a local HTTP server standing in for the 企业微信, 钉钉 and 飞书
group robots, and a local SMTP server: what arrived, in each one's format and signing;
what a failure does (stderr, exit 1, tried again next run); what never goes out."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socketserver
import threading
import urllib.parse
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from models.records import Observation, Pairing
from models.remind import Target, save_targets, split_message, state_path
from models.store.storage import Store
from tui import cli


class Robot:
    """A group robot on 127.0.0.1: keeps every request and answers with ``reply``."""

    def __init__(self):
        self.requests: list[dict] = []
        self.reply: dict = {"errcode": 0, "errmsg": "ok"}
        self.status = 200
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server name
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                parts = urllib.parse.urlsplit(self.path)
                robot.requests.append({"path": parts.path, "query": urllib.parse.parse_qs(parts.query),
                                       "body": json.loads(body.decode("utf-8")),
                                       "type": self.headers.get("Content-Type", "")})
                payload = json.dumps(robot.reply).encode()
                self.send_response(robot.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class MailServer:
    """Just enough SMTP (RFC 5321) on 127.0.0.1 to take a message and keep it."""

    def __init__(self):
        self.messages: list[dict] = []
        mail = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                self.wfile.write(b"220 localhost test\r\n")
                envelope = {"from": "", "to": [], "data": b""}
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    command = line.decode("ascii", "replace").strip()
                    verb = command[:4].upper()
                    if verb == "EHLO":
                        self.wfile.write(b"250-localhost\r\n250 8BITMIME\r\n")
                    elif verb == "HELO":
                        self.wfile.write(b"250 localhost\r\n")
                    elif verb == "MAIL":
                        envelope["from"] = command.split(":", 1)[1].split()[0].strip("<>")
                        self.wfile.write(b"250 OK\r\n")
                    elif verb == "RCPT":
                        envelope["to"].append(command.split(":", 1)[1].strip().strip("<>"))
                        self.wfile.write(b"250 OK\r\n")
                    elif verb == "DATA":
                        self.wfile.write(b"354 go on\r\n")
                        data = []
                        while True:
                            chunk = self.rfile.readline()
                            if chunk in (b".\r\n", b".\n", b""):
                                break
                            data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                        envelope["data"] = b"".join(data)
                        mail.messages.append(dict(envelope))
                        self.wfile.write(b"250 queued\r\n")
                    elif verb == "QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    else:
                        self.wfile.write(b"250 OK\r\n")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def robot():
    server = Robot()
    yield server
    server.close()


@pytest.fixture
def mail():
    server = MailServer()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def as_admin(monkeypatch):
    monkeypatch.setattr("models.identity.os_login", lambda: "tester")


def run(demo_db, *args) -> int:
    return cli.main(["remind", *args, "--db", str(demo_db)])


def test_dry_run_prints_the_digest_and_sends_nothing(demo_db, robot, capsys):
    save_targets(demo_db, [Target(kind="wecom", url=robot.url("/cgi-bin/webhook/send?key=k"))])
    assert run(demo_db, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "教研提醒" in out and "第10周（11-03 至 11-09）" in out
    assert "语文教研组：" in out and "11-06 周四 下午第2节（14:50） · 电教室 · 中心发言：林杰" in out
    assert "【听课进度落后】" in out and "【带教记录待补】" in out and "罗颖 → 周海峰" in out
    assert "将发送到" in out
    assert robot.requests == []
    assert not state_path(demo_db).exists()


def test_wecom_gets_markdown_once_a_week_and_force_sends_again(demo_db, robot, capsys):
    save_targets(demo_db, [Target(kind="wecom", name="语文组群", url=robot.url("/cgi-bin/webhook/send?key=abc"))])
    assert run(demo_db) == 0
    sent = len(robot.requests)
    assert sent >= 1  # a long week goes in parts of at most 4096 bytes
    request = robot.requests[0]
    assert request["path"] == "/cgi-bin/webhook/send" and request["query"]["key"] == ["abc"]
    assert request["type"].startswith("application/json")
    body = request["body"]
    assert body["msgtype"] == "markdown"
    content = body["markdown"]["content"]
    assert content.startswith("### 育才实验小学 教研提醒")
    assert "**本周教研活动**" in content and "中心发言：林杰" in content
    assert all(len(r["body"]["markdown"]["content"].encode("utf-8")) <= 4096 for r in robot.requests)
    assert f"已发送：语文组群（{sent} 条消息）" in capsys.readouterr().out
    # cron runs again the same week: nothing more
    assert run(demo_db) == 0
    assert len(robot.requests) == sent
    assert "本周已发过" in capsys.readouterr().out
    assert run(demo_db, "--force") == 0
    assert len(robot.requests) == 2 * sent


def test_dingtalk_is_signed_with_hmac(demo_db, robot):
    secret = "SECabc123"
    save_targets(demo_db, [Target(kind="dingtalk", url=robot.url("/robot/send?access_token=tok"), secret=secret)])
    assert run(demo_db) == 0
    request = robot.requests[0]
    query = request["query"]
    assert query["access_token"] == ["tok"]
    stamp = query["timestamp"][0]
    expected = base64.b64encode(hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest())
    assert query["sign"] == [expected.decode()]  # parse_qs undid the URL encoding
    body = request["body"]
    assert body["msgtype"] == "markdown" and "教研提醒" in body["markdown"]["title"]
    assert "中心发言" in body["markdown"]["text"]


def test_feishu_is_signed_in_the_body(demo_db, robot):
    robot.reply = {"code": 0, "msg": "success"}
    secret = "feishu-secret"
    save_targets(demo_db, [Target(kind="feishu", url=robot.url("/open-apis/bot/v2/hook/xyz"), secret=secret)])
    assert run(demo_db) == 0
    body = robot.requests[0]["body"]
    assert body["msg_type"] == "text" and "【本周教研活动】" in body["content"]["text"]
    stamp = body["timestamp"]
    expected = base64.b64encode(hmac.new(f"{stamp}\n{secret}".encode(), b"", hashlib.sha256).digest()).decode()
    assert body["sign"] == expected


def test_a_refused_send_goes_to_stderr_exits_1_and_is_tried_next_run(demo_db, robot, capsys):
    good = Robot()
    try:
        save_targets(demo_db, [Target(kind="dingtalk", name="坏", url=robot.url("/robot/send?access_token=x")),
                               Target(kind="wecom", name="好", url=good.url("/send?key=y"))])
        robot.reply = {"errcode": 310000, "errmsg": "sign not match"}
        assert run(demo_db) == 1
        captured = capsys.readouterr()
        assert "发送失败：坏" in captured.err and "310000" in captured.err and "下次运行会再试" in captured.err
        assert "Traceback" not in captured.err
        parts = len(good.requests)
        assert parts >= 1  # the other target still went
        tried = len(robot.requests)  # the first refused part stopped that target
        # next run: only the failed one is tried, and now it works
        robot.reply = {"errcode": 0, "errmsg": "ok"}
        assert run(demo_db) == 0
        assert len(robot.requests) > tried and len(good.requests) == parts
    finally:
        good.close()


def test_an_unreachable_robot_and_an_http_error_are_sentences(demo_db, robot, capsys):
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    closed_port = sock.getsockname()[1]
    sock.close()
    save_targets(demo_db, [Target(kind="wecom", name="关着", url=f"http://127.0.0.1:{closed_port}/send")])
    assert run(demo_db) == 1
    err = capsys.readouterr().err
    assert "连不上机器人服务器" in err and "Traceback" not in err
    robot.status = 500
    save_targets(demo_db, [Target(kind="wecom", name="五百", url=robot.url("/send"))])
    assert run(demo_db) == 1
    assert "HTTP 500" in capsys.readouterr().err


def test_webhook_option_sends_once_without_settings(demo_db, robot, capsys):
    assert run(demo_db, "--webhook", robot.url("/send?key=try"), "--kind", "wecom") == 0
    assert len(robot.requests) >= 1
    assert not state_path(demo_db).exists()  # a try is not this week's send
    assert run(demo_db, "--webhook", robot.url("/send?key=try")) == 1
    assert "--kind" in capsys.readouterr().err


def test_mail_arrives_through_smtp(demo_db, mail):
    save_targets(demo_db, [Target(kind="smtp", host="127.0.0.1", port=mail.port, security="none",
                                  sender="jiaoyan@school.example", to=["office@school.example", "zm@school.example"])])
    assert run(demo_db) == 0
    assert len(mail.messages) == 1
    envelope = mail.messages[0]
    assert envelope["from"] == "jiaoyan@school.example"
    assert envelope["to"] == ["office@school.example", "zm@school.example"]
    message = message_from_bytes(envelope["data"], policy=policy.default)
    assert "教研提醒" in message["Subject"]
    text = message.get_content()
    assert "【本周教研活动】" in text and "中心发言：林杰" in text


def test_never_sends_evaluation_comments_or_ratings(demo_db, robot):
    store = Store(demo_db, actor="tester")
    with store.transaction() as tx:
        for o in tx.all(Observation)[:50]:
            tx.update(o.copy(strengths="优点MARK1", shortcomings="不足MARK2", suggestions="建议MARK3"))
        for p in tx.all(Pairing):
            tx.update(p.copy(evaluations={"2025-2026-1": {"summary": "总结MARK4", "grade": "待改进",
                                                           "comment": "评语MARK5"}}))
    save_targets(demo_db, [Target(kind="wecom", url=robot.url("/send"))])
    assert run(demo_db) == 0
    sent = json.dumps([r["body"] for r in robot.requests], ensure_ascii=False)
    for marker in ("MARK1", "MARK2", "MARK3", "MARK4", "MARK5", "待改进", "等级", "评语"):
        assert marker not in sent


def test_a_target_for_some_groups_gets_only_theirs(demo_db, robot):
    save_targets(demo_db, [Target(kind="feishu", url=robot.url("/hook"), groups=["语文教研组"])])
    robot.reply = {"code": 0}
    assert run(demo_db) == 0
    text = robot.requests[0]["body"]["content"]["text"]
    assert "语文教研组：" in text and "语文4年级备课组：" in text  # and the prep groups under it
    assert "数学教研组" not in text and "英语教研组" not in text


def test_names_are_not_markdown(demo_db, robot):
    save_targets(demo_db, [Target(kind="wecom", url=robot.url("/send"))])
    assert run(demo_db) == 0
    content = robot.requests[0]["body"]["markdown"]["content"]
    assert "\\[@click=app.quit\\]y" in content  # the demo's speaker with a markup name
    assert "[@click" not in content.replace("\\[@click", "")


def test_a_long_digest_goes_in_parts_under_the_limit():
    text = "".join(f"第{n}行：语文教研组 · 电教室 · 中心发言：某某某\n" for n in range(400))
    parts = split_message(text, 4000)
    assert len(parts) > 1 and "".join(parts) == text
    assert all(len(p.encode("utf-8")) <= 4000 for p in parts)


def test_setup_is_the_admins_and_writes_the_settings(demo_db, monkeypatch, capsys):
    from models.remind import load_targets

    answers = iter(["a", "wecom", "语文组群", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1", "",
                    "语文教研组", "a", "dingtalk", "", "not a url", "", "", "q"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    assert run(demo_db, "--setup") == 0
    targets = load_targets(demo_db)
    assert [(x.kind, x.name, x.groups) for x in targets] == [("wecom", "语文组群", ["语文教研组"])]
    assert "没有添加" in capsys.readouterr().err
    monkeypatch.setattr("models.identity.os_login", lambda: "zhangmin")
    assert run(demo_db, "--setup") == 1
    assert "只有管理员" in capsys.readouterr().err


async def test_the_admin_sets_a_robot_up_in_the_app_and_tries_it(make_test_app, demo_db, robot):
    from textual.widgets import Input

    from models.remind import load_targets
    from screens.dashboard.remind_settings import RemindSettingsScreen

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.action_remind_settings()
        await pilot.pause()
        assert isinstance(app.screen, RemindSettingsScreen)
        app.screen.query_one("#f-name", Input).value = "语文组群"
        app.screen.query_one("#f-url", Input).focus()
        await pilot.press(*"not-a-url")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert load_targets(demo_db) == []  # refused, with the reason on screen
        assert "机器人地址" in str(app.screen.query_one("#remind-message").render())
        app.screen.query_one("#f-url", Input).value = robot.url("/send?key=k")
        app.screen.query_one("#f-groups", Input).value = "语文教研组"
        await pilot.press("ctrl+s")
        await pilot.pause()
        targets = load_targets(demo_db)
        assert [(x.kind, x.name, x.groups) for x in targets] == [("wecom", "语文组群", ["语文教研组"])]
        await pilot.press("ctrl+t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(robot.requests) >= 1
        assert "语文教研组" in robot.requests[0]["body"]["markdown"]["content"]


async def test_a_teacher_is_not_offered_the_reminder_settings(make_test_app):
    from screens.dashboard.remind_settings import RemindSettingsScreen

    app = make_test_app(login="zhangmin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "提醒设置" not in titles
        app.action_remind_settings()
        await pilot.pause()
        assert not isinstance(app.screen, RemindSettingsScreen)
