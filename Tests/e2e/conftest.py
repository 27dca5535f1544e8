"""Starts real NineRouter processes on loopback for the end-to-end tests."""
import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("NINEROUTER_BIN", ROOT / ".build" / "debug" / "ninerouter"))
# The fake providers come from the debug build even when the gateway under test is a release build.
FAKE_UPSTREAM = Path(os.environ.get("FAKE_UPSTREAM_BIN", BINARY.parent / "fake-upstream"))
PASSWORD = "e2e-initial-password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One ninerouter process with its own DATA_DIR; its output goes to a log file."""

    def __init__(self, data_dir: Path, env: dict | None = None):
        self.data_dir = data_dir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir.parent / f"server-{self.port}.log"
        self.extra_env = env or {}
        self.process = None

    def start(self):
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        env.update({"ROUTER_PORT": str(self.port), "HOST": "127.0.0.1", "DATA_DIR": str(self.data_dir),
                    "WEB_DIR": str(ROOT / "web"), "INITIAL_PASSWORD": PASSWORD, "LOG_LEVEL": "trace"})
        env.update(self.extra_env)
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen([str(BINARY), "serve"], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_text()}")
            try:
                if requests.get(self.base + "/health", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def login(self, password: str = PASSWORD) -> str:
        response = requests.post(self.base + "/api/admin/login", json={"password": password}, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()["token"]

    def admin(self, token: str) -> requests.Session:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        session.trust_env = False
        return session


@pytest.fixture
def workdir():
    with tempfile.TemporaryDirectory(prefix="ninerouter-e2e-") as path:
        yield Path(path)


@pytest.fixture
def server(workdir):
    srv = Server(workdir / "data").start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def openapi():
    import yaml
    return yaml.safe_load((ROOT / "openapi.yaml").read_text())


# PostgreSQL: `make test` starts a throw-away cluster (scripts/with-test-postgres) and gives
# its admin URL here; each test that needs the database gets a fresh one of its own.
ENCRYPTION_KEY = "e2e-encryption-key-shared-by-replicas"


def fresh_database_url() -> str:
    admin_url = os.environ.get("NINEROUTER_TEST_DATABASE_URL")
    assert admin_url, "NINEROUTER_TEST_DATABASE_URL is not set: run these tests with `make test` (it starts PostgreSQL)"
    name = "e2e_" + os.urandom(6).hex()
    subprocess.run(["psql", admin_url, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    head, _, query = admin_url.partition("?")
    return head.rsplit("/", 1)[0] + "/" + name + ("?" + query if query else "")


def postgres_env(url: str | None = None, **extra) -> dict:
    return {"DATABASE_URL": url or fresh_database_url(), "ENCRYPTION_KEY": ENCRYPTION_KEY, **extra}


def pause_postgres():
    subprocess.run([str(ROOT / "scripts" / "test-postgres"), "pause", os.environ["NINEROUTER_TEST_PG_DIR"]], check=True)


def resume_postgres():
    subprocess.run([str(ROOT / "scripts" / "test-postgres"), "resume", os.environ["NINEROUTER_TEST_PG_DIR"]], check=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def server_on_each_backend(workdir, request):
    """The same tests once on the embedded store and once on a PostgreSQL-backed replica."""
    env = postgres_env() if request.param == "postgresql" else None
    srv = Server(workdir / "data", env=env).start()
    yield srv
    srv.stop()
