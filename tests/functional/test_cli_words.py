"""The command line speaks the user's language, argparse's own words included, and every
option says what it does (issue 19)."""

from __future__ import annotations

import argparse

import pytest

from models.i18n import set_language
from models.store.storage import Store
from tui import cli


def error_of(capsys, *argv: str) -> str:
    with pytest.raises(SystemExit) as stopped:
        cli.main(list(argv))
    assert stopped.value.code == 2
    return capsys.readouterr().err


def test_argparse_errors_in_chinese_and_in_english_with_lang_en(capsys):
    err = error_of(capsys, "bogus")
    assert "用法：jiaoyan" in err
    assert "jiaoyan：错误：参数 COMMAND：无效的选择：'bogus'（可选：'export'," in err
    assert "invalid choice" not in err and "usage:" not in err
    err = error_of(capsys, "training", "add", "--hours", "2")
    assert "jiaoyan training add：错误：缺少必需的参数：--title, --start" in err
    assert "required" not in err
    assert "无法识别的参数：--nonsense" in error_of(capsys, "hours", "--nonsense")
    assert "参数 --set：后面需要跟一个值" in error_of(capsys, "hours", "--set")

    err = error_of(capsys, "--lang", "en", "bogus")
    assert "usage: jiaoyan" in err and "jiaoyan: error: argument COMMAND: invalid choice: 'bogus'" in err
    err = error_of(capsys, "training", "add", "--lang", "en")
    assert "error: the following arguments are required: --title, --start, --hours" in err


def test_version_help_in_the_users_language(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert "--version             显示版本号并退出" in out and "show program's" not in out
    with pytest.raises(SystemExit):
        cli.main(["--help", "--lang", "en"])
    assert "show program's version number and exit" in capsys.readouterr().out


def options_without_help(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[str]:
    missing = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                missing += options_without_help(sub, (*path, name))
        elif not (action.help or "").strip():
            missing.append(" ".join((*path, "/".join(action.option_strings) or action.dest)))
    return missing


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_option_of_every_command_has_a_help(language):
    set_language(language)
    parser = cli.build_parser()
    assert options_without_help(parser) == []
    hours = parser._subparsers._group_actions[0].choices["hours"]
    said = {action.dest: action.help for action in hours._actions}
    assert said["target"] == ("每学年的学时目标" if language == "zh" else "the hours each teacher should reach a school year")


def test_requirements_progress_with_none_set_says_how_to_set_them(demo_db, monkeypatch, capsys):
    monkeypatch.setattr("models.identity.os_login", lambda: "tester")
    assert Store(demo_db).policy().requirements == []
    assert cli.main(["requirements", "--progress", "--db", str(demo_db)]) == 0
    out = capsys.readouterr().out
    assert "还没有按角色的要求" in out and "jiaoyan requirements --seed" in out
    assert cli.main(["requirements", "--progress", "--db", str(demo_db), "--lang", "en"]) == 0
    assert "No requirements by role are set" in capsys.readouterr().out
