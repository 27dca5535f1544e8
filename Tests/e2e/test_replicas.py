"""Three replicas on one PostgreSQL behind nginx (round-robin, X-Forwarded-For, TRUST_PROXY=1):
one gateway — config, sessions, the login throttle, rate limits, budgets and call records
shared — that survives a replica killed with -9 and PostgreSQL stopped for 10 seconds."""
import concurrent.futures
import os
import shutil
import signal
import subprocess
import threading
import time

import pytest
import requests

from conftest import Server, free_port, pause_postgres, postgres_env, resume_postgres
from test_openai_sdk import running_fake

UPSTREAM_KEY = "sk-fake-upstream-replicas"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CHAT = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}


class Nginx:
    """nginx in front of the replicas, as an operator would run it."""

    def __init__(self, directory, ports):
        self.directory = directory
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        directory.mkdir()
        servers = "\n".join(f"server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in ports)
        user = "user root;" if os.geteuid() == 0 else ""
        (directory / "nginx.conf").write_text(f"""
{user}
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {directory}/body; proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi; uwsgi_temp_path {directory}/uwsgi; scgi_temp_path {directory}/scgi;
    upstream ninerouter {{ {servers} keepalive 16; }}
    server {{
        listen 127.0.0.1:{self.port};
        location / {{
            proxy_pass http://ninerouter;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_buffering off;
            proxy_request_buffering off;
            proxy_connect_timeout 2s;
            proxy_next_upstream error timeout;
        }}
    }}
}}
""")
        self.process = subprocess.Popen([NGINX, "-p", str(directory), "-c", str(directory / "nginx.conf"),
                                         "-e", str(directory / "error.log"), "-g", "daemon off;"])
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                requests.get(self.base + "/health", timeout=1)
                return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("nginx did not start: " + (directory / "error.log").read_text())

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    base = tmp_path_factory.mktemp("replicas")
    with running_fake("openai", UPSTREAM_KEY) as upstream:
        env = postgres_env(TRUST_PROXY="1")
        replicas = []
        for name in ("a", "b", "c"):
            replicas.append(Server(base / name, env={**env, "REPLICA_NAME": name}).start())
        proxy = Nginx(base / "nginx", [r.port for r in replicas])
        a = replicas[0]
        admin = a.admin(a.login())
        created = admin.post(a.base + "/api/admin/providers", json={
            "name": "main", "base_url": upstream + "/v1", "api_key": UPSTREAM_KEY, "models": ["gpt-4o"]})
        assert created.status_code == 201, created.text
        yield {"replicas": replicas, "nginx": proxy, "admin": admin}
        proxy.stop()
        for replica in replicas:
            replica.stop()


def new_key(cluster, **fields) -> tuple[int, str]:
    a = cluster["replicas"][0]
    created = cluster["admin"].post(a.base + "/api/admin/keys", json={"name": "k" + os.urandom(3).hex(), **fields})
    assert created.status_code == 201, created.text
    return created.json()["id"], created.json()["key"]


def chat(base: str, key: str, **headers) -> requests.Response:
    return requests.post(base + "/v1/chat/completions", json=CHAT, timeout=20,
                         headers={"Authorization": f"Bearer {key}", **headers})


def wait_until(condition, timeout: float, step: float = 0.01) -> float:
    """Seconds until `condition()` held; fails after `timeout`."""
    start = time.time()
    while time.time() - start < timeout:
        if condition():
            return time.time() - start
        time.sleep(step)
    raise AssertionError("condition not met within %.1f s" % timeout)


def key_calls(cluster, key_id: int) -> int:
    a = cluster["replicas"][0]
    stats = cluster["admin"].get(a.base + "/api/admin/stats?window=1h").json()
    return sum(row["calls"] for row in stats["by_key"] if row["key_id"] == key_id)


def test_a_provider_added_on_a_answers_on_b_and_c_within_a_second(cluster):
    a, b, c = cluster["replicas"]
    _, key = new_key(cluster)
    model = "model-" + os.urandom(3).hex()
    upstream = cluster["admin"].get(a.base + "/api/admin/providers").json()["data"][0]["base_url"]
    added = cluster["admin"].post(a.base + "/api/admin/providers", json={
        "name": "p-" + model, "base_url": upstream, "api_key": UPSTREAM_KEY, "models": [model]})
    assert added.status_code == 201
    for replica in (b, c):
        seconds = wait_until(lambda: model in requests.get(replica.base + "/v1/models", timeout=5,
                                                            headers={"Authorization": f"Bearer {key}"}).text, 1.0)
        print(f"propagated to {replica.base} in {seconds * 1000:.0f} ms")
        answer = requests.post(replica.base + "/v1/chat/completions", timeout=10, headers={"Authorization": f"Bearer {key}"},
                               json={"model": model, "messages": [{"role": "user", "content": "hi"}]})
        assert answer.status_code == 200, answer.text


def test_a_session_from_a_works_on_c(cluster):
    a, _, c = cluster["replicas"]
    token = a.login()
    assert requests.get(c.base + "/api/admin/session", headers={"Authorization": f"Bearer {token}"}, timeout=5).status_code == 200
    assert requests.post(c.base + "/api/admin/logout", headers={"Authorization": f"Bearer {token}"}, timeout=5).status_code == 204
    assert requests.get(a.base + "/api/admin/session", headers={"Authorization": f"Bearer {token}"}, timeout=5).status_code == 401


def test_five_failed_logins_on_a_lock_the_address_out_on_b(cluster):
    a, b, _ = cluster["replicas"]
    client = {"X-Forwarded-For": "198.51.100.%d" % (os.getpid() % 200)}
    for _ in range(5):
        wrong = requests.post(a.base + "/api/admin/login", json={"password": "wrong"}, headers=client, timeout=10)
        assert wrong.status_code == 401
    locked = requests.post(b.base + "/api/admin/login", json={"password": "e2e-initial-password"}, headers=client, timeout=10)
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    other = requests.post(b.base + "/api/admin/login", json={"password": "e2e-initial-password"},
                          headers={"X-Forwarded-For": "203.0.113.9"}, timeout=10)
    assert other.status_code == 200


def every_replica_counts_three(cluster):
    """Each replica divides the limits by the replicas it has seen beat (once a second)."""
    a = cluster["replicas"][0]
    wait_until(lambda: len(cluster["admin"].get(a.base + "/api/admin/cluster").json()["replicas"]) == 3, 10, 0.1)
    time.sleep(1.2)


def test_rpm_limit_holds_across_the_replicas(cluster):
    every_replica_counts_three(cluster)
    _, key = new_key(cluster, rpm_limit=60)
    time.sleep(0.3)
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        codes = list(pool.map(lambda _: chat(cluster["nginx"].base, key).status_code, range(120)))
    admitted = sum(1 for code in codes if code != 429)
    print(f"rpm_limit 60: {admitted} of 120 admitted over 3 replicas")
    assert all(code in (200, 429) for code in codes), codes
    assert 54 <= admitted <= 66


def test_a_budget_holds_across_the_replicas(cluster):
    a = cluster["replicas"][0]
    admin = cluster["admin"]
    assert admin.put(a.base + "/api/admin/prices/gpt-4o",
                     json={"input_per_mtok": 1_000_000, "output_per_mtok": 1_000_000}).status_code in (200, 201)
    key_id, key = new_key(cluster, budget_usd=1_000_000, budget_period="total")
    time.sleep(0.3)
    assert chat(a.base, key).status_code == 200
    logs = lambda: admin.get(a.base + f"/api/admin/logs?key={key_id}").json()["data"]
    wait_until(lambda: len(logs()) == 1, 5, 0.1)
    cost = logs()[0]["cost_usd"]
    assert cost > 0
    assert admin.patch(a.base + f"/api/admin/keys/{key_id}", json={"budget_usd": round(cost * 4.5, 4)}).status_code == 200
    codes = []
    for _ in range(9):  # through nginx, a second and a half apart: every replica has seen the others' spending
        time.sleep(1.5)
        codes.append(chat(cluster["nginx"].base, key).status_code)
    assert codes == [200] * 4 + [429] * 5, codes
    for replica in cluster["replicas"]:
        refused = chat(replica.base, key)
        assert refused.status_code == 429 and refused.json()["error"]["code"] == "budget_exceeded"
    # Fired at once, the replicas cannot see each other's calls before they end: the overshoot
    # is bounded by the calls in flight (measured, for the closing note).
    burst_id, burst = new_key(cluster, budget_usd=round(cost * 3, 4), budget_period="total")
    time.sleep(0.3)
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        admitted = sum(1 for s in pool.map(lambda _: chat(cluster["nginx"].base, burst).status_code, range(30)) if s == 200)
    print(f"budget of 3 calls, 30 fired 6 at a time over 3 replicas: {admitted} admitted")
    assert 3 <= admitted <= 3 + 6 + 6, "the budget plus the calls in flight and one sync window's worth elsewhere"


def test_stats_after_300_calls_over_three_replicas_say_300(cluster):
    key_id, key = new_key(cluster)
    time.sleep(0.3)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda _: chat(cluster["nginx"].base, key).status_code, range(300)))
    assert codes == [200] * 300
    wait_until(lambda: key_calls(cluster, key_id) == 300, 10, 0.2)
    a = cluster["replicas"][0]
    replicas = {row["replica"] for row in cluster["admin"].get(a.base + f"/api/admin/logs?key={key_id}&limit=500").json()["data"]}
    assert replicas == {"a", "b", "c"}
    listed = cluster["admin"].get(a.base + "/api/admin/cluster").json()
    assert listed["backend"] == "postgresql" and {r["name"] for r in listed["replicas"]} == {"a", "b", "c"}
    # Each replica reports its count with its heartbeat, once a second.
    wait_until(lambda: sum(r["calls"] for r in cluster["admin"].get(a.base + "/api/admin/cluster").json()["replicas"]) >= 300,
               3, 0.1)


class Load:
    """Calls through nginx from several threads until stopped; each call's start, status and id."""

    def __init__(self, base: str, key: str, threads: int = 4):
        self.results = []
        self.stop_flag = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(base, key)) for _ in range(threads)]
        for thread in self.threads:
            thread.start()

    def run(self, base, key):
        session = requests.Session()
        while not self.stop_flag.is_set():
            started = time.time()
            try:
                response = session.post(base + "/v1/chat/completions", json=CHAT, timeout=20,
                                        headers={"Authorization": f"Bearer {key}"})
                self.results.append((started, response.status_code, response.headers.get("x-request-id")))
            except requests.RequestException:
                self.results.append((started, None, None))
            time.sleep(0.05)

    def stop(self):
        self.stop_flag.set()
        for thread in self.threads:
            thread.join()
        return list(self.results)


def test_a_replica_killed_under_load_leaves_the_others_serving(cluster):
    a, b, c = cluster["replicas"]
    admin = cluster["admin"]
    key_id, key = new_key(cluster)
    acknowledged = c.admin(c.login()).post(c.base + "/api/admin/aliases", json={"alias": "kept-" + os.urandom(2).hex(),
                                                                                 "targets": ["gpt-4o"]})
    assert acknowledged.status_code == 201
    time.sleep(0.3)
    load = Load(cluster["nginx"].base, key)
    try:
        time.sleep(1.5)
        c.process.send_signal(signal.SIGKILL)
        c.process.wait()
        killed = time.time()
        time.sleep(2.5)
        results = load.stop()
        after = [r for r in results if r[0] > killed + 0.05]
        assert len(after) > 20 and all(status == 200 for _, status, _ in after), [s for _, s, _ in after if s != 200]

        # Every call a survivor answered is recorded, with its replica (the writers flush within a second).
        def recorded():
            rows = admin.get(a.base + f"/api/admin/logs?key={key_id}&limit=500").json()["data"]
            stored = {row["request_id"]: row["replica"] for row in rows}
            return all(stored.get(request_id) in ("a", "b") for _, _, request_id in after)
        wait_until(recorded, 10, 0.3)
        assert admin.get(a.base + "/api/admin/aliases/" + acknowledged.json()["alias"]).status_code == 200
    finally:
        load.stop()
        if c.process.poll() is not None:
            c.log.close()
            c.start()  # the same port: nginx sends it calls again
    assert requests.get(c.base + "/health", timeout=5).json()["store"]["reachable"]


def test_postgresql_stopped_for_ten_seconds(cluster):
    a, b, c = cluster["replicas"]
    admin = cluster["admin"]
    key_id, key = new_key(cluster)
    time.sleep(0.3)
    load = Load(cluster["nginx"].base, key, threads=3)
    time.sleep(1)
    pause_postgres()
    try:
        time.sleep(1)
        refused = admin.post(a.base + "/api/admin/aliases", json={"alias": "during-outage", "targets": ["gpt-4o"]})
        assert refused.status_code == 503 and refused.json()["error"]["code"] == "storage_unavailable"
        health = requests.get(b.base + "/health", timeout=5)
        assert health.status_code == 200
        wait_until(lambda: not requests.get(b.base + "/health", timeout=5).json()["store"]["reachable"], 8, 0.2)
        time.sleep(7)
    finally:
        resume_postgres()
    time.sleep(1)
    results = load.stop()
    assert len(results) > 50
    assert all(status == 200 for _, status, _ in results), [s for _, s, _ in results if s != 200]
    # The records kept in memory meanwhile are all written, once each.
    try:
        wait_until(lambda: key_calls(cluster, key_id) == len(results), 20, 0.5)
    finally:
        print(f"PostgreSQL stopped 10 s: {len(results)} calls answered, {key_calls(cluster, key_id)} recorded")
    # A change made after it returns reaches every replica.
    model = "after-" + os.urandom(3).hex()
    upstream = admin.get(a.base + "/api/admin/providers").json()["data"][0]["base_url"]
    assert admin.post(a.base + "/api/admin/providers", json={
        "name": "p-" + model, "base_url": upstream, "api_key": UPSTREAM_KEY, "models": [model]}).status_code == 201
    for replica in (b, c):
        wait_until(lambda: model in requests.get(replica.base + "/v1/models", timeout=5,
                                                  headers={"Authorization": f"Bearer {key}"}).text, 2.0)
    for replica in cluster["replicas"]:
        assert requests.get(replica.base + "/health", timeout=5).json()["store"]["reachable"]


def test_a_replica_started_while_postgresql_is_down_waits_then_serves(tmp_path):
    env = postgres_env()
    pause_postgres()
    replica = Server(tmp_path / "late", env={**env, "REPLICA_NAME": "late"})
    try:
        environment = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        environment.update({"ROUTER_PORT": str(replica.port), "HOST": "127.0.0.1", "DATA_DIR": str(replica.data_dir),
                            "INITIAL_PASSWORD": "e2e-initial-password", **replica.extra_env})
        replica.log = open(replica.log_path, "ab")
        replica.process = subprocess.Popen([str(replica_binary()), "serve"], env=environment,
                                           stdout=replica.log, stderr=subprocess.STDOUT)

        def starting():
            try:
                answer = requests.get(replica.base + "/health", timeout=1)
            except requests.RequestException:
                return False
            body = answer.json()
            return answer.status_code == 503 and body["status"] == "starting" and not body["store"]["reachable"]
        wait_until(starting, 15, 0.2)
        assert "retrying in" in replica.log_text()
    finally:
        resume_postgres()

    def serving():
        # Between the waiting listener and the real one the port is closed for a moment.
        try:
            return requests.get(replica.base + "/health", timeout=2).status_code == 200
        except requests.RequestException:
            return False
    wait_until(serving, 40, 0.3)
    assert requests.get(replica.base + "/health", timeout=2).json()["store"]["reachable"]
    assert replica.login()
    replica.stop()


def replica_binary():
    from conftest import BINARY
    return BINARY
