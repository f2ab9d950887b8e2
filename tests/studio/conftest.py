"""What the studio's tests share: a store on SQLite or PostgreSQL with a clock the test moves,
and a copy of the project's content to edit."""

import shutil
from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher

from editor_tools.check_content import TEST_SETS
from studio.store import StudioStore

#: cheap argon2 parameters for tests: the same code path as the real hasher
FAST_PASSWORDS = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 12, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'studio.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(store_url, clock):
    store = StudioStore(store_url, b"s" * 64, hasher=FAST_PASSWORDS, clock=clock)
    yield store
    store.engine.dispose()


@pytest.fixture
def project(root, tmp_path):
    """A copy of what the studio edits and checks (data, domain, config, sources, test sets)."""
    copy = tmp_path / "project"
    for name in ("data", "docs"):
        shutil.copytree(root / name, copy / name)
    for name in ("domain.yml", "config.yml", "endpoints.yml", "credentials.yml", *TEST_SETS):
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / name, copy / name)
    return copy


# --- a real studio server on a copy of the project ------------------------------------------
import os  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from http.cookies import SimpleCookie  # noqa: E402
from pathlib import Path  # noqa: E402

import requests  # noqa: E402

from tests.conftest import free_port  # noqa: E402
from tools.scratch import scratch_project  # noqa: E402

EDITOR_PASSWORD = "redaktor-haslo-2026"
PUBLISHER_PASSWORD = "publikacja-haslo-2026"


def copy_project(root: Path, target: Path) -> Path:
    return scratch_project(root, target)


def studio_env(folder: Path, **extra: str) -> dict:
    return {**os.environ, "PLUSKOD_STUDIO_SECRET_FILE": str(folder / "studio-secret"),
            "PLUSKOD_JWT_SECRET_FILE": str(folder / "jwt-secret"),
            "PLUSKOD_STUDIO_DEMO_PASSWORD_FILE": str(folder / "demo-password"), **extra}


def add_user(project: Path, env: dict, name: str, role: str, password: str) -> None:
    result = subprocess.run([sys.executable, "-m", "tools.studio_users", "add", name,
                             "--role", role], cwd=project, env=env, input=password + "\n",
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@contextmanager
def studio_server(project: Path, env: dict, log: Path):
    port = free_port()
    with open(log, "ab") as output:
        process = subprocess.Popen([sys.executable, "-m", "tools.studio", "--port", str(port)],
                                   cwd=project, env=env, stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if requests.get(f"{url}/login", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


class Client:
    """An editor's browser, as far as the server can tell: cookies kept whatever their
    Secure flag (the studio sets it; plain HTTP on loopback is what the tests reach)."""

    def __init__(self, url: str) -> None:
        self.url, self.csrf = url, ""
        self.cookies: dict = {}

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if self.cookies:
            headers.setdefault("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        response = requests.request(method, self.url + path, headers=headers,
                                    allow_redirects=False, timeout=60, **kwargs)
        for header in response.raw.headers.getlist("Set-Cookie"):
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        found = re.search(r'name="csrf" value="([^"]+)"', response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data=None, csrf: bool = True, **kwargs) -> requests.Response:
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf", self.csrf)
        return self.request("POST", path, data=data, **kwargs)

    def login(self, name: str, password: str) -> requests.Response:
        page = self.get("/login")
        found = re.search(r'name="login_token" value="([^"]+)"', page.text)
        assert found, page.text
        response = self.post("/login", {"login_token": found.group(1), "name": name,
                                        "password": password, "next": "/topics"}, csrf=False)
        if response.status_code == 303:
            self.get("/topics")  # picks up the session's CSRF token
        return response


@pytest.fixture(scope="module")
def studio_site(root, tmp_path_factory):
    """A studio on a fresh copy of the project, with an editor 'ewa' and a publisher 'piotr',
    shared by a module's tests; yields (url, project, env). Its assistant is unreachable."""
    folder = tmp_path_factory.mktemp("studio")
    project = copy_project(root, folder / "project")
    env = studio_env(folder, PLUSKOD_RASA_URL="http://127.0.0.1:9",
                     PLUSKOD_TRACKER_DB_URL=f"sqlite:///{folder / 'tracker.db'}")
    add_user(project, env, "ewa", "editor", EDITOR_PASSWORD)
    add_user(project, env, "piotr", "publisher", PUBLISHER_PASSWORD)
    with studio_server(project, env, folder / "studio.log") as url:
        yield url, project, env


@pytest.fixture
def editor(studio_site):
    client = Client(studio_site[0])
    assert client.login("ewa", EDITOR_PASSWORD).status_code == 303
    return client


@pytest.fixture
def publisher(studio_site):
    client = Client(studio_site[0])
    assert client.login("piotr", PUBLISHER_PASSWORD).status_code == 303
    return client
