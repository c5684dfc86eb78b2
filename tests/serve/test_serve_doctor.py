"""`jiaoyan doctor` checks the browser door: the password file's mode, and whether a
running `jiaoyan serve` sends passwords in clear."""

from __future__ import annotations

import os

from models import passwords
from models.doctor import NOTE, OK, PROBLEM, check_serve
from tui import cli


def test_doctor_names_a_password_file_others_can_read_and_the_missing_tls(demo_db, capsys):
    assert [c.status for c in check_serve(demo_db, running=[])] == [NOTE]  # no browser door: nothing to do
    passwords.set_password(demo_db, "zhangmin", "zhangmin-pass-1", must_change=False, by="test")
    checks = check_serve(demo_db, running=[])
    assert checks[0].status == OK and "0600" in checks[0].message and "1 人" in checks[0].message
    assert checks[1].status == NOTE and "明文" in checks[1].message

    clear = ("/opt/jiaoyan/bin/python", "/usr/local/bin/jiaoyan", "serve", "--host", "0.0.0.0")
    tls = (*clear, "--cert", "/etc/ssl/jiaoyan.pem", "--key", "/etc/ssl/jiaoyan.key")
    assert [c.status for c in check_serve(demo_db, running=[clear])] == [OK, NOTE]
    assert "明文" in check_serve(demo_db, running=[clear])[1].message
    assert [c.status for c in check_serve(demo_db, running=[tls])] == [OK, OK]

    os.chmod(passwords.passwords_path(demo_db), 0o644)
    problem = check_serve(demo_db, running=[])
    assert problem[0].status == PROBLEM and "chmod 600" in problem[0].message
    assert cli.main(["doctor", "--db", str(demo_db)]) == 1
    assert "chmod 600" in capsys.readouterr().out
