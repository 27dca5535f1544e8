"""Security review findings 2, 3, 11, 12 and 13 against the real binary: slow and idle client
connections, keyless mode from foreign web pages (DNS rebinding, simple cross-site posts),
reset-password without a database, a provider pointing back at the gateway, data directory
permissions and a damaged secret.key."""
import contextlib
import http.client
import json
import os
import select
import socket
import stat
import subprocess
import threading
import time

import pytest
import requests

from conftest import BINARY, PASSWORD, ROOT, Server, free_port
from test_openai_sdk import running_fake

UPSTREAM_KEY = "sk-fake-security-review-424242"
CHAT = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}
GUARDED = {"CLIENT_IDLE_TIMEOUT": "2", "CLIENT_HEADER_TIMEOUT": "1", "MAX_CONNECTIONS_PER_CLIENT": "20"}
# Loopback is a whole /8: other source addresses act as other clients of the same server.
ATTACKER, CAPPED, TRICKLER = "127.0.0.2", "127.0.0.3", "127.0.0.4"


# ---------------------------------------------------------------- helpers

class FreshAdmin:
    """Admin calls, each on a new connection that the client closes: the servers here close
    idle connections after 2 s, and a pooled one could be reused just as it is being closed."""

    def __init__(self, server, token):
        self.headers = {"Authorization": f"Bearer {token}"}

    def request(self, method, url, **kwargs):
        with requests.Session() as session:
            session.trust_env = False
            return session.request(method, url, headers=self.headers, timeout=10, **kwargs)

    def get(self, url, **kwargs):
        return self.request("GET", url, **kwargs)

    def post(self, url, **kwargs):
        return self.request("POST", url, **kwargs)

    def patch(self, url, **kwargs):
        return self.request("PATCH", url, **kwargs)


def configure(server, upstream_root, keyless=True):
    """The fake as provider "main" (gpt-4o), an app key, and keyless mode as asked; returns (admin, key)."""
    admin = FreshAdmin(server, server.login())
    created = admin.post(server.base + "/api/admin/providers", json={
        "name": "main", "base_url": upstream_root + "/v1", "api_key": UPSTREAM_KEY, "models": ["gpt-4o"]})
    assert created.status_code == 201, created.text
    key = admin.post(server.base + "/api/admin/keys", json={"name": "review"}).json()["key"]
    settings = admin.patch(server.base + "/api/admin/settings", json={"require_api_key": not keyless})
    assert settings.status_code == 200 and settings.json()["require_api_key"] is (not keyless), settings.text
    return admin, key


def post_v1(server, path="/v1/chat/completions", body=CHAT, headers=None, timeout=10):
    """A POST with exactly these headers (Host too) and a JSON text body; no session, no proxies."""
    sent = {"Content-Type": "application/json"}
    sent.update(headers or {})
    with requests.Session() as session:
        session.trust_env = False
        return session.post(server.base + path, data=json.dumps(body), headers=sent, timeout=timeout)


def error_code(response):
    return response.json()["error"]["code"]


def connect(server, source=None, timeout=5.0):
    return socket.create_connection(("127.0.0.1", server.port), timeout=timeout,
                                    source_address=(source, 0) if source else None)


def read_response(sock, timeout=5.0):
    """Reads one HTTP/1.1 response with a Content-Length body; returns (status, head bytes, body)."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed before a full response head: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lengths = [line.split(b":", 1)[1].strip() for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")]
    assert lengths, f"no Content-Length in {head!r}"
    while len(body) < int(lengths[0]):
        chunk = sock.recv(65536)
        assert chunk, "connection closed inside the body"
        body += chunk
    return int(head.split(b" ")[1]), head, body


def read_response_after(sock, request):
    sock.sendall(request)
    return read_response(sock)


def health_on(sock):
    sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    return read_response(sock)[0]


def closed_by_peer(sock, wait):
    """True when the server closes the socket (EOF or reset) within `wait` seconds; data is drained."""
    deadline = time.monotonic() + wait
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            if not sock.recv(65536):
                return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False
    return False


def close_times(socks, started, wait):
    """Seconds after `started` at which each socket was closed by the server (None: still open after `wait`)."""
    times = [None] * len(socks)
    deadline = started + wait
    while None in times and (left := deadline - time.monotonic()) > 0:
        waiting = [s for s, t in zip(socks, times) if t is None]
        readable, _, _ = select.select(waiting, [], [], min(left, 0.2))
        for sock in readable:
            index = socks.index(sock)
            try:
                eof = sock.recv(65536) == b""
            except (ConnectionResetError, BrokenPipeError):
                eof = True
            if eof:
                times[index] = round(time.monotonic() - started, 2)
    return times


def fd_count(process):
    return len(os.listdir(f"/proc/{process.pid}/fd"))


@contextlib.contextmanager
def canary_upstream():
    """A port that counts the connections made to it and closes each at once: an upstream that
    must not be called. Yields (root URL, list of connection times)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.1)
    seen, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            seen.append(time.monotonic())
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", seen
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def server_env(data_dir, port):
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy") and k != "ENCRYPTION_KEY"}
    env.update({"ROUTER_PORT": str(port), "HOST": "127.0.0.1", "DATA_DIR": str(data_dir), "WEB_DIR": str(ROOT / "web"),
                "INITIAL_PASSWORD": PASSWORD, "LOG_LEVEL": "info"})
    return env


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def upstream():
    with running_fake("openai", UPSTREAM_KEY) as root:
        yield root


@pytest.fixture(scope="module")
def guarded(upstream, tmp_path_factory):
    """Idle timeout 2 s, header timeout 1 s, 20 connections per client; keyless mode on.
    Yields (server, admin session, app key)."""
    server = Server(tmp_path_factory.mktemp("guarded") / "data", env=GUARDED).start()
    try:
        admin, key = configure(server, upstream)
        yield server, admin, key
    finally:
        server.stop()


@pytest.fixture(scope="module")
def patient(tmp_path_factory):
    """Header timeout 1 s and 20 connections per client, but a 30 s idle timeout: what closes
    a connection here within seconds is the header timeout or the per-client cap."""
    server = Server(tmp_path_factory.mktemp("patient") / "data",
                    env={"CLIENT_IDLE_TIMEOUT": "30s", "CLIENT_HEADER_TIMEOUT": "1s", "MAX_CONNECTIONS_PER_CLIENT": "20"}).start()
    yield server
    server.stop()


# ---------------------------------------------------------------- finding 2: slow and idle clients

def test_half_sent_and_silent_connections_are_closed(guarded):
    """Security review 2: connections that send half a request head, or nothing, are closed by
    the server within about 3 s (CLIENT_HEADER_TIMEOUT=1, CLIENT_IDLE_TIMEOUT=2), and while
    they are open another client is still served."""
    server, _, _ = guarded
    started = time.monotonic()
    half = [connect(server, ATTACKER) for _ in range(10)]
    for sock in half:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
    silent = [connect(server, ATTACKER) for _ in range(10)]
    try:
        with connect(server) as other:
            assert health_on(other) == 200, "a new connection is served while 20 slow ones are open"
        times = close_times(half + silent, started, wait=3.5)
        assert None not in times, f"still open after 3.5 s (half heads, then silent): {times}"
    finally:
        for sock in half + silent:
            sock.close()


def test_a_trickled_request_head_is_cut_by_the_header_timeout(patient):
    """Security review 2: a client that keeps sending its request head one byte at a time never
    looks idle, yet it is closed once CLIENT_HEADER_TIMEOUT (1 s) is over, well before the
    30 s idle timeout."""
    head = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 200
    with connect(patient, TRICKLER) as sock:
        started = time.monotonic()
        closed_at = None
        for byte in head:  # 200+ bytes at 50 ms: ~10 s if never cut; bounded by the check below
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                closed_at = time.monotonic() - started
                break
            readable, _, _ = select.select([sock], [], [], 0.05)
            if readable:
                try:
                    if sock.recv(65536) == b"":
                        closed_at = time.monotonic() - started
                        break
                except ConnectionResetError:
                    closed_at = time.monotonic() - started
                    break
            if time.monotonic() - started > 4:
                break
    assert closed_at is not None, "a trickling request head was still open after 4 s"
    assert closed_at < 3.5, closed_at


def test_a_silent_connection_is_closed_by_the_header_timeout_alone(patient):
    """Security review 2: with a 30 s idle timeout, a connection that sends half a head is still
    closed after CLIENT_HEADER_TIMEOUT (1 s), not left for the idle timeout."""
    with connect(patient, TRICKLER) as sock:
        sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        assert not closed_by_peer(sock, 0.4), "closed before the header timeout"
        assert closed_by_peer(sock, 3.0), "half a head still open 3.4 s later with CLIENT_HEADER_TIMEOUT=1s"


def test_a_request_whose_body_never_comes_is_closed(guarded):
    """Security review 2: a complete head announcing a body that never arrives does not hold
    the connection past the idle timeout (2 s)."""
    server, _, key = guarded
    with connect(server, ATTACKER) as sock:
        sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     + f"Authorization: Bearer {key}\r\nContent-Length: 5000\r\n\r\n".encode() + b'{"model":')
        assert closed_by_peer(sock, 4.0), "a stalled request body kept its connection open for 4 s"


def test_an_idle_keep_alive_connection_is_closed_after_the_idle_timeout(guarded):
    """Security review 2: a keep-alive connection that finished a request and then stays silent
    is closed after CLIENT_IDLE_TIMEOUT (2 s), but not after 0.5 s."""
    server, _, _ = guarded
    with connect(server) as sock:
        status, head, _ = read_response_after(sock, b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert status == 200
        assert b"connection: close" not in head.lower(), "the server kept the connection alive"
        answered = time.monotonic()
        assert not closed_by_peer(sock, 0.5), "closed 0.5 s after the answer: too early"
        assert closed_by_peer(sock, 3.5), "idle keep-alive connection still open 4 s after the answer"
        assert time.monotonic() - answered >= 1.5


def test_a_stream_longer_than_the_idle_timeout_is_not_cut(guarded):
    """Security review 2: the idle timeout never cuts an answer being written: a ~4 s stream
    with CLIENT_IDLE_TIMEOUT=2 arrives whole, up to data: [DONE]."""
    server, _, key = guarded
    text = "[slow:400] one two three four five six"
    started = time.monotonic()
    with requests.post(server.base + "/v1/chat/completions", stream=True, timeout=20,
                       headers={"Authorization": f"Bearer {key}"},
                       json={"model": "gpt-4o", "stream": True, "messages": [{"role": "user", "content": text}]}) as answer:
        assert answer.status_code == 200, answer.text
        lines = [line for line in answer.iter_lines() if line]
    took = time.monotonic() - started
    assert lines[-1] == b"data: [DONE]", lines[-3:]
    content = "".join(json.loads(line[6:])["choices"][0]["delta"].get("content") or ""
                      for line in lines[:-1] if json.loads(line[6:]).get("choices"))
    assert content == "Hello from upstream: " + text
    assert took > 3.0, f"the stream took {took:.1f} s: not longer than the idle timeout, the test proves nothing"


def test_connections_per_client_are_capped(patient):
    """Security review 2: with MAX_CONNECTIONS_PER_CLIENT=20 a client holding 20 kept-alive
    connections has its 21st closed at once without an answer; other clients are still served,
    and once it closes 5 it is served again."""
    held = []
    try:
        for _ in range(20):
            sock = connect(patient, CAPPED)
            held.append(sock)
            assert health_on(sock) == 200
        opened = time.monotonic()
        extra = connect(patient, CAPPED)
        try:
            try:
                extra.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass
            extra.settimeout(2)
            try:
                reply = extra.recv(65536)
            except ConnectionResetError:
                reply = b""
            assert reply == b"", f"the 21st connection was answered: {reply[:80]!r}"
            assert time.monotonic() - opened < 1.5, "the 21st connection was not closed at once"
        finally:
            extra.close()
        assert requests.get(patient.base + "/health", timeout=5).status_code == 200, "another address is not capped"
        for sock in held[:5]:
            assert health_on(sock) == 200, "a held connection was closed while capped"
        for _ in range(5):
            held.pop(0).close()
        # The server learns of the closes asynchronously: give it up to 2 s.
        deadline, status = time.monotonic() + 2, None
        while status != 200 and time.monotonic() < deadline:
            with connect(patient, CAPPED) as again:
                try:
                    status = health_on(again)
                except (AssertionError, ConnectionResetError, socket.timeout):
                    time.sleep(0.1)
        assert status == 200, "no connection admitted after 5 of 20 were closed"
    finally:
        for sock in held:
            sock.close()


# ---------------------------------------------------------------- finding 3: keyless mode and foreign pages

def test_v1_bodies_must_be_json(guarded):
    """Security review 3: a /v1 POST typed text/plain (what a web page can send without a CORS
    preflight) is refused with 415 unsupported_media_type, with or without a key."""
    server, _, key = guarded
    keyless = post_v1(server, headers={"Content-Type": "text/plain"})
    assert keyless.status_code == 415, keyless.text
    assert error_code(keyless) == "unsupported_media_type"
    assert set(keyless.json()["error"]) >= {"message", "type", "code"}
    keyed = post_v1(server, headers={"Content-Type": "text/plain", "Authorization": f"Bearer {key}"})
    assert keyed.status_code == 415, keyed.text
    assert error_code(keyed) == "unsupported_media_type"
    form = post_v1(server, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert form.status_code == 415, form.text
    # And no route grants the CORS preflight a page would need to send JSON.
    preflight = requests.options(server.base + "/v1/chat/completions", timeout=5, headers={
        "Origin": "http://evil.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code >= 400, preflight.status_code
    assert not [h for h in preflight.headers if h.lower().startswith("access-control-allow")], dict(preflight.headers)
    assert post_v1(server, headers={"Content-Type": "application/json; charset=utf-8"}).status_code == 200


def test_keyless_calls_for_a_foreign_host_never_reach_the_upstream(guarded):
    """Security review 3: a keyless call whose Host is a foreign name (DNS rebinding) gets 403
    host_not_allowed and no upstream is called; the same call for localhost reaches it."""
    server, admin, _ = guarded
    with canary_upstream() as (root, seen):
        created = admin.post(server.base + "/api/admin/providers", json={
            "name": "canary", "base_url": root + "/v1", "api_key": "sk-canary-0000000000", "models": ["canary-model"]})
        assert created.status_code == 201, created.text
        body = {"model": "canary-model", "messages": [{"role": "user", "content": "spend my credit"}]}
        refused = post_v1(server, body=body, headers={"Host": f"evil.example:{server.port}"})
        assert refused.status_code == 403, refused.text
        assert error_code(refused) == "host_not_allowed"
        time.sleep(0.3)
        assert seen == [], "the upstream was called for a refused keyless call"
        # The canary does count calls: the same call for an allowed Host reaches it.
        reached = post_v1(server, body=body, headers={"Host": f"localhost:{server.port}"})
        assert reached.status_code != 403, reached.text
        assert len(seen) >= 1, "control call did not reach the canary upstream"


def test_keyless_calls_check_host_and_origin(guarded):
    """Security review 3: keyless calls with a foreign Origin get 403 origin_not_allowed; the
    gateway's own origin, localhost and 127.0.0.1 are served."""
    server, _, _ = guarded
    foreign = post_v1(server, headers={"Host": f"127.0.0.1:{server.port}", "Origin": "http://evil.example"})
    assert foreign.status_code == 403, foreign.text
    assert error_code(foreign) == "origin_not_allowed"
    for origin in ("null", f"http://127.0.0.1.evil.example:{server.port}"):
        refused = post_v1(server, headers={"Origin": origin})
        assert refused.status_code == 403 and error_code(refused) == "origin_not_allowed", (origin, refused.text)
    own = post_v1(server, headers={"Host": f"127.0.0.1:{server.port}", "Origin": f"http://127.0.0.1:{server.port}"})
    assert own.status_code == 200, own.text
    assert own.json()["choices"][0]["message"]["content"] == "Hello from upstream: hi"
    local = post_v1(server, headers={"Host": f"localhost:{server.port}"})
    assert local.status_code == 200, local.text
    upper = post_v1(server, headers={"Host": f"LOCALHOST:{server.port}"})
    assert upper.status_code == 200, upper.text


def test_an_app_key_is_served_under_any_host(guarded):
    """Security review 3: the Host/Origin guard applies to keyless calls only: with an app key a
    foreign Host and Origin are served."""
    server, _, key = guarded
    answer = post_v1(server, headers={"Host": f"evil.example:{server.port}", "Origin": "http://evil.example",
                                      "Authorization": f"Bearer {key}"})
    assert answer.status_code == 200, answer.text
    models = requests.get(server.base + "/v1/models", timeout=5,
                          headers={"Host": "evil.example", "Authorization": f"Bearer {key}"})
    assert models.status_code == 200 and "gpt-4o" in [m["id"] for m in models.json()["data"]]


def test_keyless_model_list_for_a_foreign_host_is_refused(guarded):
    """Security review 3: a keyless GET /v1/models with a foreign Host gets 403 (a rebinding page
    cannot read the model list either); for 127.0.0.1 it is served."""
    server, _, _ = guarded
    foreign = requests.get(server.base + "/v1/models", headers={"Host": f"evil.example:{server.port}"}, timeout=5)
    assert foreign.status_code == 403, foreign.text
    assert error_code(foreign) == "host_not_allowed"
    foreign_origin = requests.get(server.base + "/v1/models", headers={"Origin": "http://evil.example"}, timeout=5)
    assert foreign_origin.status_code == 403, foreign_origin.text
    assert requests.get(server.base + "/v1/models", timeout=5).status_code == 200


def test_allowed_hosts_sets_the_names_keyless_calls_may_use(workdir, upstream):
    """Security review 3: ALLOWED_HOSTS=gw.example.test serves keyless calls for that name only
    (127.0.0.1 is then refused); ALLOWED_HOSTS=* serves any Host."""
    named = Server(workdir / "named", env={"ALLOWED_HOSTS": "gw.example.test"}).start()
    try:
        configure(named, upstream)
        served = post_v1(named, headers={"Host": f"gw.example.test:{named.port}"})
        assert served.status_code == 200, served.text
        refused = post_v1(named, headers={"Host": f"127.0.0.1:{named.port}"})
        assert refused.status_code == 403, refused.text
        assert error_code(refused) == "host_not_allowed"
    finally:
        named.stop()
    anyone = Server(workdir / "any", env={"ALLOWED_HOSTS": "*"}).start()
    try:
        configure(anyone, upstream)
        for host in (f"evil.example:{anyone.port}", f"127.0.0.1:{anyone.port}", "gw.example.test"):
            answer = post_v1(anyone, headers={"Host": host})
            assert answer.status_code == 200, (host, answer.text)
    finally:
        anyone.stop()


# ---------------------------------------------------------------- reset-password without a database

def test_reset_password_refuses_a_folder_without_a_database(workdir):
    """Security review 12: `reset-password --data-dir <empty folder>` fails, says there is no
    database and leaves the folder empty (no fresh store, no new secret.key); on a real data
    dir it prints a new password."""
    empty = workdir / "empty"
    empty.mkdir()
    result = subprocess.run([str(BINARY), "reset-password", "--data-dir", str(empty)],
                            capture_output=True, text=True, timeout=30, env=server_env(empty, 0))
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "no ninerouter database" in output.lower() or "no database" in output.lower(), output
    assert "New admin password" not in output
    assert not (empty / "ninerouter.sqlite").exists()
    assert list(empty.iterdir()) == [], "reset-password left files in a folder without a database"

    real = workdir / "real"
    server = Server(real).start()
    server.stop()
    result = subprocess.run([str(BINARY), "reset-password", "--data-dir", str(real)],
                            capture_output=True, text=True, timeout=60, env=server_env(real, 0))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "New admin password:" in result.stdout


# ---------------------------------------------------------------- finding 11: loops

def test_a_provider_pointing_at_the_gateway_ends_at_once(guarded):
    """Security review 11: a provider whose base URL is this gateway (with one of its app keys)
    does not call itself until the files run out: the inner hop answers 508, the call ends
    within 5 s with 503 or 508, and the process holds no pile of new sockets. The same for an
    anthropic-type connection and a streamed call."""
    server, admin, key = guarded
    for name, kind, base_url, model in (("myself", "openai", server.base + "/v1", "loop-model"),
                                        ("myself-anthropic", "anthropic", server.base, "claude-loop")):
        created = admin.post(server.base + "/api/admin/providers", json={
            "name": name, "type": kind, "base_url": base_url, "api_key": key, "models": [model]})
        assert created.status_code == 201, created.text
    for model, stream in (("loop-model", False), ("claude-loop", True)):
        before = fd_count(server.process)
        started = time.monotonic()
        try:
            answer = requests.post(server.base + "/v1/chat/completions", timeout=10,
                                   headers={"Authorization": f"Bearer {key}"},
                                   json={"model": model, "stream": stream, "messages": [{"role": "user", "content": "loop"}]})
        except requests.Timeout:
            pytest.fail(f"a provider pointing at the gateway hung the call to {model} for 10 s")
        took = time.monotonic() - started
        after = fd_count(server.process)
        assert answer.status_code in (503, 508), (model, answer.text)
        error = answer.json()["error"]
        assert error["code"] in ("no_provider_available", "loop_detected"), (model, answer.text)
        assert answer.status_code == 508 or "508" in error["message"], f"the inner hop did not answer 508: {answer.text}"
        assert took < 5, (model, took)
        assert after <= before + 50, (model, before, after)
        assert server.process.poll() is None


def test_a_call_with_too_many_hops_is_refused(guarded):
    """Security review 11: a call that already passed through more than 8 gateways
    (x-ninerouter-hops) gets 508 loop_detected; a short chain of other gateways is served."""
    server, _, key = guarded
    auth = {"Authorization": f"Bearer {key}"}
    long_chain = post_v1(server, headers={**auth, "x-ninerouter-hops": ",".join(f"gw{i}" for i in range(9))})
    assert long_chain.status_code == 508, long_chain.text
    assert error_code(long_chain) == "loop_detected"
    # Marks on separate header lines count the same as a comma-separated list.
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.putrequest("POST", "/v1/chat/completions", skip_host=True)
        conn.putheader("Host", f"127.0.0.1:{server.port}")
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Authorization", f"Bearer {key}")
        for i in range(9):
            conn.putheader("x-ninerouter-hops", f"line{i}")
        body = json.dumps(CHAT).encode()
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        lines = conn.getresponse()
        assert lines.status == 508, lines.read()
        assert json.loads(lines.read())["error"]["code"] == "loop_detected"
    finally:
        conn.close()
    short_chain = post_v1(server, headers={**auth, "x-ninerouter-hops": "gw-a, gw-b"})
    assert short_chain.status_code == 200, short_chain.text


# ---------------------------------------------------------------- finding 12: data directory privacy

def test_the_data_directory_is_made_private(workdir):
    """Security review 12: a data dir left 0755 with ninerouter.sqlite and secret.key 0644 is
    made 0700 / 0600 at start (WAL and SHM files too), and the log says so."""
    data = workdir / "data"
    data.mkdir()
    os.chmod(data, 0o755)
    first = Server(data).start()
    try:
        assert mode(data) == 0o700, oct(mode(data))
        assert "made" in first.log_text() and "private" in first.log_text()
    finally:
        first.stop()
    os.chmod(data / "ninerouter.sqlite", 0o644)
    os.chmod(data / "secret.key", 0o644)
    os.chmod(data, 0o755)
    second = Server(data).start()
    try:
        assert mode(data) == 0o700, oct(mode(data))
        for name in ("ninerouter.sqlite", "ninerouter.sqlite-wal", "ninerouter.sqlite-shm", "secret.key"):
            assert (data / name).exists(), name
            assert mode(data / name) == 0o600, (name, oct(mode(data / name)))
        log = second.log_text()
        made = [line for line in log.splitlines() if "made" in line and "private" in line]
        for path in (str(data), str(data / "ninerouter.sqlite"), str(data / "secret.key")):
            assert any(path + " " in line for line in made), (path, made)
    finally:
        second.stop()


# ---------------------------------------------------------------- finding 13: secret.key

def test_a_damaged_secret_key_stops_start_up_and_is_kept(workdir):
    """Security review 13: a secret.key that holds no key stops the server with a message naming
    secret.key, instead of replacing it (which would make every stored secret unreadable)."""
    data = workdir / "data"
    data.mkdir(mode=0o700)
    garbage = b"\xff\xfe not a key"
    (data / "secret.key").write_bytes(garbage)
    os.chmod(data / "secret.key", 0o600)
    port = free_port()
    process = subprocess.Popen([str(BINARY), "serve"], env=server_env(data, port),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        output, _ = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        pytest.fail(f"the server kept running with a damaged secret.key: {output.decode(errors='replace')[-500:]}")
    text = output.decode(errors="replace")
    assert process.returncode != 0, text
    assert "secret.key" in text, text
    assert (data / "secret.key").read_bytes() == garbage, "secret.key was changed"
    assert not (data / "ninerouter.sqlite").exists(), "a store was created before the key was checked"
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/health", timeout=2)
