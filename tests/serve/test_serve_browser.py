"""A real browser through the browser door: headless Chromium (driven by selenium) on a
phone-sized landscape screen signs in with a one-time password, sets her own, types an
observation with Chinese text into the app (the page's terminal is xterm.js: keys go to
its text area), saves it, and fetches the term report, which arrives as a file in the
browser's download folder.

Skipped only when Chromium and its driver are absent and cannot be installed (.ci/run
installs `chromium` and `chromium-driver` from Debian's packages; run as root with apt, the
test installs them itself). Every wait is bounded.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from models import passwords
from models.records import Observation, Teacher
from models.store.storage import Store
from tests.serve.conftest import Served

webdriver = pytest.importorskip("selenium.webdriver")
STEP = 30.0  # seconds any one step may take on a loaded machine
PHONE = {"width": 844, "height": 390, "pixelRatio": 3.0}  # a common phone, held in landscape


def find_chromium() -> tuple[str | None, str | None]:
    browser = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"),
                                shutil.which("google-chrome")) if p), None)
    return browser, shutil.which("chromedriver")


@pytest.fixture(scope="session")
def chromium() -> tuple[str, str]:
    """Chromium and its driver; installed from Debian's packages when missing and this runs
    as root with apt (as .ci/run does), one installer at a time across test workers.
    Skipped only when they are absent and cannot be installed."""
    browser, driver = find_chromium()
    if not (browser and driver) and os.geteuid() == 0 and shutil.which("apt-get"):
        with open("/tmp/jiaoyan-chromium-install.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            browser, driver = find_chromium()
            if not (browser and driver):
                env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
                for command in (["apt-get", "install", "-y", "-qq", "chromium", "chromium-driver"],
                                ["sh", "-c", "apt-get update -qq && apt-get install -y -qq chromium chromium-driver"]):
                    try:
                        subprocess.run(command, env=env, capture_output=True, timeout=900)
                    except subprocess.TimeoutExpired:
                        continue
                    browser, driver = find_chromium()
                    if browser and driver:
                        break
    if not (browser and driver):
        pytest.skip("needs chromium and chromium-driver, which are absent and could not be installed")
    return browser, driver


class Page:
    """The browser, and what the app drew so far (the websocket's frames, read from
    Chromium's own network log: the terminal draws on a canvas, not in the page's text)."""

    def __init__(self, downloads: Path, browser: str, driver: str):
        from selenium.webdriver import ChromeOptions, ChromeService

        options = ChromeOptions()
        options.binary_location = browser
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                         "--lang=zh-CN"):
            options.add_argument(argument)
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": PHONE})
        options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                                  "download.prompt_for_download": False})
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        self.driver = webdriver.Chrome(options=options, service=ChromeService(executable_path=driver))
        self.driver.set_page_load_timeout(STEP)
        self.driver.set_script_timeout(STEP)
        self.driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow",
                                                                    "downloadPath": str(downloads)})
        self.drawn = b""
        self.mark = 0  # how much was drawn when the last keys went out
        self.sent: list[str] = []

    def read_frames(self) -> None:
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.webSocketFrameReceived":
                response = message["params"]["response"]
                if response["opcode"] == 2:
                    self.drawn += base64.b64decode(response["payloadData"])
            elif message["method"] == "Network.webSocketFrameSent":
                self.sent.append(message["params"]["response"]["payloadData"])

    def wait_drawn(self, text: str, seconds: float = STEP) -> None:
        """Until the app draws ``text``, after what it had drawn before the last keys were sent."""
        start = self.mark
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.read_frames()
            if text.encode() in self.drawn[start:]:
                return
            time.sleep(0.2)
        raise AssertionError(f"{text!r} was not drawn within {seconds} s; last drawn: "
                             f"{self.drawn[-600:].decode('utf-8', 'replace')!r}")

    def wait_for(self, condition, what: str, seconds: float = STEP):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            time.sleep(0.2)
        raise AssertionError(f"{what} did not happen within {seconds} s")

    def keys(self, *sequence: str, pause: float = 0.25) -> None:
        """Type into the terminal (xterm.js's text area), as a person at the keyboard."""
        from selenium.webdriver.common.by import By

        area = self.driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")
        self.read_frames()
        self.mark = len(self.drawn)
        for item in sequence:
            area.send_keys(item)
            time.sleep(pause)

    def ctrl(self, letter: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys

        self.read_frames()
        self.mark = len(self.drawn)
        ActionChains(self.driver).key_down(Keys.CONTROL).send_keys(letter).key_up(Keys.CONTROL).perform()
        time.sleep(0.25)

    def quit(self) -> None:
        self.driver.quit()


@pytest.fixture
def page(tmp_path, chromium):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser = Page(downloads, *chromium)
    browser.downloads = downloads
    yield browser
    browser.quit()


def test_a_teacher_signs_in_types_an_observation_in_chinese_and_downloads_the_term_report(demo_db, page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    passwords.set_password(demo_db, "zhangmin", "one-time-zm", must_change=True, by="test")
    server = Served(demo_db)
    try:
        driver = page.driver
        driver.get(server.url + "/")  # no session: the sign-in page, with the school's name
        page.wait_for(lambda: driver.current_url.endswith("/login"), "the redirect to sign in")
        assert "育才实验小学" in driver.find_element(By.TAG_NAME, "h1").text
        driver.find_element(By.ID, "login").send_keys("zhangmin")
        driver.find_element(By.ID, "password").send_keys("one-time-zm")
        driver.find_element(By.ID, "signin").click()
        # The one-time password must be replaced before the app opens.
        page.wait_for(lambda: driver.current_url.endswith("/password"), "the change-password page")
        driver.find_element(By.ID, "new").send_keys("秋天的雨-2025")
        driver.find_element(By.ID, "confirm").send_keys("秋天的雨-2025")
        driver.find_element(By.ID, "save").click()
        page.wait_for(lambda: driver.current_url.rstrip("/") == server.url, "the app page")
        assert passwords.check_password(demo_db, "zhangmin", "秋天的雨-2025") is not None

        # The app opens as her (the header shows her name) at 80×24 or more on the phone.
        page.wait_drawn("张敏")
        size = page.wait_for(lambda: [json.loads(x)[1] for x in page.sent if x.startswith('["resize"')],
                             "the terminal's size")[-1]
        assert size["width"] >= 80 and size["height"] >= 24, size
        font = driver.execute_script("return document.getElementById('terminal').dataset.fontSize")
        assert int(font) >= 11, font  # readable on the phone, not the 8-px floor
        # …and every one of those rows and columns is on the screen (none below the window's edge).
        bottom, right, height, width = driver.execute_script(
            "var r = document.querySelector('.xterm-screen').getBoundingClientRect();"
            "return [r.bottom, r.right, window.innerHeight, window.innerWidth];")
        assert bottom <= height + 1 and right <= width + 1, (bottom, right, height, width)

        # 听课 (3), new (n): the quick-entry form, typed as the SSH test types it.
        page.keys("3")
        page.wait_drawn("共")
        page.keys("n")
        page.wait_drawn("授课教师")
        time.sleep(1.5)  # the form settles its focus before the first key
        page.keys("cy")
        page.wait_drawn("陈颖")
        page.keys(Keys.ENTER, Keys.ENTER, "3", Keys.ENTER)
        page.keys("浏览器里听的课《秋天的雨》", Keys.ENTER)
        page.keys("t", Keys.TAB, Keys.TAB)
        for comment in ("朗读指导到位", "提问偏多", "多留思考时间"):
            page.keys(comment, Keys.TAB)
        page.keys("l")
        page.ctrl("s")
        page.wait_drawn("本学期已听")

        stored = [o for o in Store(demo_db).all(Observation) if o.topic == "浏览器里听的课《秋天的雨》"]
        assert len(stored) == 1
        zhangmin = next(x for x in Store(demo_db).all(Teacher) if x.login == "zhangmin")
        chenying = next(x for x in Store(demo_db).all(Teacher) if x.login == "chenying")
        record = stored[0]
        assert (record.observer_id, record.teacher_id, record.created_by) == (zhangmin.id, chenying.id, "zhangmin")
        assert (record.strengths, record.shortcomings, record.suggestions, record.rating) == (
            "朗读指导到位", "提问偏多", "多留思考时间", "良")

        # The term report from 看板 (5, x): written, then delivered to this browser as a file.
        page.keys(Keys.ESCAPE)
        page.wait_drawn("共")  # back on the log: a key now is a key, not alt+key after a lone escape
        page.keys("5")
        page.wait_drawn("报告")  # the dashboard footer's x 报告 (the area keys show as one group)
        page.keys("x")
        page.wait_drawn(".docx")
        page.keys(Keys.ENTER)
        report = page.wait_for(lambda: [p for p in page.downloads.iterdir() if p.suffix == ".docx"],
                               "the report's download", seconds=120)[0]
        assert report.stat().st_size > 5000 and report.read_bytes()[:2] == b"PK"  # a whole Word file
        assert "期末" in report.name or "2025-2026-1" in report.name
    finally:
        server.stop()
