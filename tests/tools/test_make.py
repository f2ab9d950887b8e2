"""`make test`'s preconditions on a machine without root or without PostgreSQL: clear lines,
no stack traces, nothing installed that is already there."""

import os
import re
import shutil
import subprocess
import sys
import tempfile

import pytest


@pytest.fixture
def bare_path():
    """A PATH with make and id only (no sudo, whatever the machine has), readable by anyone."""
    folder = tempfile.mkdtemp(prefix="pluskod-bin-")
    os.chmod(folder, 0o755)
    for tool in ("make", "id"):
        os.symlink(shutil.which(tool), os.path.join(folder, tool))
    yield folder
    shutil.rmtree(folder)


def as_unprivileged(command, path):
    """``command`` with only ``path`` on PATH, as the unprivileged user ``nobody`` when the
    tests run as root (as CI does)."""
    command = ["env", f"PATH={path}", *command]
    if os.geteuid() != 0:
        return command
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", *command]


def test_an_installed_chromium_is_used_and_nothing_installed(root):
    result = subprocess.run(["make", "-s", "browser", "CHROMIUM=/bin/true"], cwd=root,
                            capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (
        0, "[browser] using /bin/true (already installed; nothing to install)\n", "")


def test_without_root_a_missing_chromium_is_one_clear_line(root, bare_path):
    result = subprocess.run(as_unprivileged(["make", "-s", "browser",
                                             "CHROMIUM=/nonexistent/chromium"], bare_path),
                            cwd=root, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    # make's own "make: ***" line (or "make[1]: ***" when run from make test) aside
    ours = [line for line in result.stderr.splitlines()
            if not re.match(r"make(\[\d+\])?: \*\*\*", line)]
    assert ours == ["[browser] error: /nonexistent/chromium is missing and installing it needs "
                    "root: run 'apt-get install chromium' as root, or set PLUSKOD_CHROMIUM to "
                    "a chromium binary."]
    assert "apt-get update" not in result.stdout


@pytest.mark.parametrize("url", [
    "postgresql://someone:s3cr3t-pw@127.0.0.1:1/test",     # nothing listens there
    "postgresql://root@127.0.0.1:5432/no_such_database_here",
    "not a url at all",
])
def test_a_missing_postgresql_is_one_line_without_a_stack_or_the_password(root, url):
    result = subprocess.run([sys.executable, "-m", "tools.check_services"], cwd=root,
                            env={**os.environ, "PLUSKOD_TEST_POSTGRES_URL": url},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("[services] error: PostgreSQL is not reachable at ")
    assert lines[0].endswith("start it, or point PLUSKOD_TEST_POSTGRES_URL at one.")
    assert "s3cr3t-pw" not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.postgres
def test_the_local_postgresql_is_found(root):
    result = subprocess.run([sys.executable, "-m", "tools.check_services"], cwd=root,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("[services] PostgreSQL answers at postgresql://")
