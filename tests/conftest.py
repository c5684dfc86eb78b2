"""Fixtures every test shares: a fixed clock, Chinese by default, no cursor blink,
and a demo school copied into a temporary data file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

# A Wednesday in week 10 of the 2025—2026 first term; 国庆 and its make-up days lie behind it.
FIXED_TODAY = "2025-11-05"
TEST_LOGIN = "tester"  # the demo's admin (郑娟) in every test


@pytest.fixture(autouse=True)
def fixed_world(monkeypatch, tmp_path):
    monkeypatch.setenv("JIAOYAN_TODAY", FIXED_TODAY)
    monkeypatch.delenv("JIAOYAN_LANG", raising=False)
    monkeypatch.delenv("JIAOYAN_DB", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / ".local" / "share"))
    from models.i18n import set_language

    set_language("zh")
    # A blinking cursor would make snapshots differ from run to run.
    from textual.widgets import Input, TextArea

    monkeypatch.setattr(Input, "cursor_blink", False, raising=False)
    monkeypatch.setattr(TextArea, "cursor_blink", False, raising=False)
    yield
    set_language("zh")
    # The app freezes what it built (tui/app.py, gc.freeze): in a session it lives as long as
    # the process; here the next test's app must not keep this one's objects forever.
    import gc

    gc.unfreeze()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo school, built once per test session for FIXED_TODAY."""
    import datetime as dt

    from models.demo import build_demo

    path = tmp_path_factory.mktemp("demo-template") / "school.json"
    build_demo(path, TEST_LOGIN, dt.date.fromisoformat(FIXED_TODAY))
    return path


@pytest.fixture
def demo_db(demo_template, tmp_path) -> Path:
    """A fresh copy of the demo school for one test."""
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "school.json"
    shutil.copy(demo_template, path)
    log = demo_template.with_name(demo_template.name + ".changes")  # the change log beside it
    if log.exists():
        shutil.copy(log, path.with_name(path.name + ".changes"))
    return path


@pytest.fixture
def demo_store(demo_db):
    from models.store.storage import Store

    return Store(demo_db, actor=TEST_LOGIN)


@pytest.fixture
def make_test_app(demo_db):
    """Build the real app on the demo school, as the CLI does, for a given login: the
    session (its store guarded, the fixed day, the language) first, then the App over it."""
    from models.session import open_session
    from tui.app import app_for

    def build(login: str = TEST_LOGIN, *, today=FIXED_TODAY, lang: str | None = None,
              start_area: str | None = None):
        session = open_session(demo_db, login=login, today=today, language=lang)
        return app_for(session, start_area=start_area)

    return build
