"""The operators' CLI, run as a command on a real SQLite directory."""

import os
import subprocess
import sys

import pytest

from pluskod.core.directory import Asker, CustomerDirectory, Outcome
from pluskod.core.hashing import CodeHasher
from pluskod.core.secrets import PEPPER

HEADER = "number,offer_type,account,kod5,kod5_state,kod4\n"


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "PLUSKOD_DIRECTORY_URL": f"sqlite:///{tmp_path / 'dir.db'}",
            "PLUSKOD_PEPPER_FILE": str(tmp_path / "pepper")}


def admin(root, env, *args, stdin=""):
    return subprocess.run([sys.executable, "-m", "tools.directory_admin", *args], cwd=root,
                          env=env, input=stdin, capture_output=True, text=True)


def directory(env):
    pepper = PEPPER.load({"PLUSKOD_PEPPER_FILE": env["PLUSKOD_PEPPER_FILE"]})
    return CustomerDirectory(env["PLUSKOD_DIRECTORY_URL"], CodeHasher(pepper))


def check(d, number, code, conversation="c"):
    return d.check_code(number, code, Asker(conversation, "k")).outcome


def test_import_then_verify(root, env, tmp_path):
    csv = tmp_path / "in.csv"
    csv.write_text(HEADER + "600 555 001,abonament,C,31894,active,5820\n"
                            "600555002,na_karte,,,,\n")
    result = admin(root, env, "import-csv", str(csv))
    assert result.returncode == 0, result.stderr
    assert "Imported 2 number(s)" in result.stdout
    assert "31894" not in result.stdout + result.stderr
    d = directory(env)
    assert check(d, "600555001", "31894") is Outcome.VERIFIED
    assert check(d, "600555001", "5820") is Outcome.VERIFIED
    assert d.offer_of("600555002") == "na_karte"


@pytest.mark.parametrize("row, message", [
    ("60055500,abonament,C,31894,active,5820", "line 3: 'number'"),
    ("600555001,business,C,31894,active,5820", "'offer_type' must be one of"),
    ("600555001,abonament,C,3189,active,5820", "'kod5' must be 5 digits"),
    ("600555001,abonament,C,12345,active,5820", "'kod5' is trivial"),
    ("600555001,abonament,C,31894,active,1111", "'kod4' is trivial"),
    ("600555001,abonament,C,31894,maybe,5820", "'kod5_state'"),
    ("600555001,mix,C,31894,active,5820", "has no account and no Plus Kod"),
    ("600555001,abonament,,31894,active,5820", "needs an 'account'"),
])
def test_weak_or_broken_rows_are_refused_whole_and_never_echo_a_code(root, env, tmp_path,
                                                                      row, message):
    csv = tmp_path / "in.csv"
    csv.write_text(HEADER + "600555009,na_karte,,,,\n" + row + "\n")
    result = admin(root, env, "import-csv", str(csv))
    assert result.returncode == 2 and message in result.stderr
    assert "Traceback" not in result.stderr
    for code in ("31894", "5820", "3189", "12345", "1111"):
        assert code not in result.stderr + result.stdout
    d = directory(env)
    d.create_schema()
    assert d.offer_of("600555009") is None          # nothing imported: all or nothing


def test_a_file_without_the_columns_is_refused(root, env, tmp_path):
    csv = tmp_path / "in.csv"
    csv.write_text("phone;offer\n600555001;abonament\n")
    result = admin(root, env, "import-csv", str(csv))
    assert result.returncode == 2 and "missing column" in result.stderr


def test_set_temporary_reads_the_code_from_stdin_and_never_prints_it(root, env, tmp_path):
    csv = tmp_path / "in.csv"
    csv.write_text(HEADER + "600555001,abonament,C,31894,active,5820\n")
    admin(root, env, "import-csv", str(csv))
    result = admin(root, env, "set-temporary", "C", stdin="40617\n")
    assert result.returncode == 0, result.stderr
    assert "40617" not in result.stdout + result.stderr
    assert check(directory(env), "600555001", "40617") is Outcome.TEMPORARY
    weak = admin(root, env, "set-temporary", "C", stdin="99999\n")
    assert weak.returncode == 2 and "not trivial" in weak.stderr


def test_status_and_unlock(root, env, tmp_path):
    csv = tmp_path / "in.csv"
    csv.write_text(HEADER + "600555001,abonament,C,31894,active,5820\n")
    admin(root, env, "import-csv", str(csv))
    d = directory(env)
    for n in range(3):
        check(d, "600555001", "11112", conversation=f"c{n}")
    check(d, "600555001", "1111")
    status = admin(root, env, "status", "600 555 001").stdout.splitlines()
    assert status[0].startswith("600555001 Plus Kod 5 (account): locked until ")
    assert status[1] == "600555001 Plus Kod 4: not locked (1 recent failed attempt(s))."
    assert admin(root, env, "unlock", "600555001").returncode == 0
    assert admin(root, env, "status", "600555001").stdout.count("not locked (0 recent") == 2
    assert check(d, "600555001", "31894") is Outcome.VERIFIED
    bad = admin(root, env, "status", "12")
    assert bad.returncode == 2 and "9-digit" in bad.stderr and "Traceback" not in bad.stderr


def test_purge_removes_expired_attempt_rows(root, env):
    d = directory(env)
    d.create_schema()
    check(d, "699999999", "11112")
    result = admin(root, {**env, "PLUSKOD_LOCK_WINDOW_MINUTES": "0.0001",
                          "PLUSKOD_CONVERSATION_WINDOW_MINUTES": "0.0001"}, "purge")
    assert result.returncode == 0 and result.stdout.startswith("Removed ")
