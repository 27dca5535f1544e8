"""The real binary: restart persistence, secrets kept out of answers and logs, reset-password."""
import os
import stat
import subprocess

import requests

from conftest import BINARY, PASSWORD, ROOT, Server

PROVIDER_KEY = "sk-e2e-canary-0123456789abcdef"
PROXY_PASSWORD = "proxy-canary-pw"


def populate(base, admin):
    pool = admin.post(base + "/api/admin/proxy-pools",
                      json={"name": "corp", "proxies": [f"http://bob:{PROXY_PASSWORD}@127.0.0.1:9"]}).json()
    provider = admin.post(base + "/api/admin/providers", json={
        "name": "openai-main", "api_key": PROVIDER_KEY, "models": ["gpt-4o"], "proxy_pool_id": pool["id"],
        "base_url": "http://127.0.0.1:9/v1"}).json()
    key = admin.post(base + "/api/admin/keys", json={"name": "n8n"}).json()
    alias = admin.post(base + "/api/admin/aliases", json={"alias": "smart", "target": "gpt-4o"}).json()
    return pool, provider, key, alias


def test_data_survives_a_restart(workdir):
    srv = Server(workdir / "data").start()
    admin = srv.admin(srv.login())
    pool, provider, key, alias = populate(srv.base, admin)
    srv.stop()

    again = Server(workdir / "data").start()
    try:
        admin = again.admin(again.login())
        assert admin.get(again.base + f"/api/admin/providers/{provider['id']}").json()["api_key_hint"] == "sk-…cdef"
        assert [k["name"] for k in admin.get(again.base + "/api/admin/keys").json()["data"]] == ["n8n"]
        assert admin.get(again.base + "/api/admin/aliases/smart").json()["targets"] == ["gpt-4o"]
        assert admin.get(again.base + f"/api/admin/proxy-pools/{pool['id']}").json()["proxies"] == \
            ["http://bob:****@127.0.0.1:9"]
    finally:
        again.stop()


def test_secrets_never_appear_in_answers_or_logs(server):
    token = server.login()
    admin = server.admin(token)
    populate(server.base, admin)
    bodies = []
    for path in ["/api/admin/providers", "/api/admin/providers/1", "/api/admin/proxy-pools", "/api/admin/keys"]:
        bodies.append(admin.get(server.base + path).text)
    bodies.append(admin.patch(server.base + "/api/admin/providers/1", json={"priority": 2}).text)
    bodies.append(admin.post(server.base + "/api/admin/providers/1/test").text)
    bodies.append(admin.post(server.base + "/api/admin/proxy-pools/1/test", json={"url": "http://127.0.0.1:9/"}).text)
    bodies.append(admin.post(server.base + "/api/admin/providers", json={"name": "openai-main", "api_key": PROVIDER_KEY}).text)
    for body in bodies:
        assert PROVIDER_KEY not in body
        assert PROXY_PASSWORD not in body
    log = server.log_text()
    for secret in (PROVIDER_KEY, PROXY_PASSWORD, PASSWORD, token):
        assert secret not in log
    assert "listening on" in log


def test_generated_password_is_announced_and_private(workdir):
    srv = Server(workdir / "data", env={"INITIAL_PASSWORD": ""}).start()
    try:
        path = workdir / "data" / "initial-password"
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        password = path.read_text().strip()
        assert str(path) in srv.log_text()
        assert password not in srv.log_text()
        assert requests.post(srv.base + "/api/admin/login", json={"password": password}).status_code == 200
    finally:
        srv.stop()


def test_reset_password_prints_a_new_one_and_ends_sessions(workdir):
    srv = Server(workdir / "data").start()
    token = srv.login()
    srv.stop()
    result = subprocess.run([str(BINARY), "reset-password", "--data-dir", str(workdir / "data")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    new_password = result.stdout.split("New admin password: ")[1].split()[0]
    again = Server(workdir / "data").start()
    try:
        assert requests.get(again.base + "/api/admin/session", headers={"Authorization": f"Bearer {token}"}).status_code == 401
        assert requests.post(again.base + "/api/admin/login", json={"password": PASSWORD}).status_code == 401
        assert requests.post(again.base + "/api/admin/login", json={"password": new_password}).status_code == 200
    finally:
        again.stop()


def test_throttle_uses_the_socket_address(server):
    for _ in range(5):
        requests.post(server.base + "/api/admin/login", json={"password": "wrong"},
                      headers={"X-Forwarded-For": "1.2.3.4"})
    response = requests.post(server.base + "/api/admin/login", json={"password": PASSWORD},
                             headers={"X-Forwarded-For": "5.6.7.8"})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0


def test_web_app_is_served_with_security_headers(server):
    response = requests.get(server.base + "/")
    assert response.status_code == 200
    assert "NineRouter" in response.text
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # A raw request line: clients would normalise the dots away.
    import socket
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.sendall(b"GET /../Package.swift HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        raw = b""
        while chunk := s.recv(65536):
            raw += chunk
    assert b"PackageDescription" not in raw
