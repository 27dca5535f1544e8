"""The process's life: SIGTERM lets streams finish and stores their records; kill -9 in the
middle of a burst loses no acknowledged write and leaves a sound database; and after a full
scenario no secret is readable anywhere."""
import json
import os
import signal
import sqlite3
import threading
import time

import requests

from conftest import PASSWORD, Server
from test_openai_sdk import start_fake

UPSTREAM_KEY = "sk-fake-lifecycle-upstream-99887766"


def setup(server, root):
    admin = server.admin(server.login())
    created = admin.post(server.base + "/api/admin/providers", json={
        "name": "main", "base_url": root + "/v1", "api_key": UPSTREAM_KEY, "models": ["gpt-4o"]})
    assert created.status_code == 201
    key = admin.post(server.base + "/api/admin/keys", json={"name": "lifecycle"}).json()["key"]
    return admin, key


AZURE_KEY = "azure-key-5f0c2e9d7a1b4c3e8f6a"


def chat(base, key, text, stream=False, timeout=30):
    return requests.post(f"{base}/v1/chat/completions", headers={"Authorization": f"Bearer {key}"}, stream=stream,
                         json={"model": "gpt-4o", "stream": stream, "messages": [{"role": "user", "content": text}]},
                         timeout=timeout)


def test_sigterm_lets_a_stream_finish_then_stores_its_record(workdir):
    process, root = start_fake("openai", UPSTREAM_KEY)
    server = Server(workdir / "graceful", env={"SHUTDOWN_GRACE": "20s"}).start()
    try:
        _, key = setup(server, root)
        # Ten words at 250 ms each: a stream of about 2.5 s.
        answer = chat(server.base, key, "[slow:250] one two three four five six", stream=True)
        lines = answer.iter_lines()
        first = next(line for line in lines if line)
        assert first.startswith(b"data: ")
        started = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        try:
            refused = requests.get(server.base + "/health", timeout=2).status_code
        except requests.RequestException:
            refused = "refused"
        rest = [line for line in lines if line]
        assert rest[-1] == b"data: [DONE]", "the stream in flight ran to its end"
        assert server.process.wait(timeout=20) == 0
        assert refused == "refused", "no new connection once shutting down"
        assert time.monotonic() - started < 15
    finally:
        server.stop()
        process.terminate()
        process.wait(timeout=10)
    database = sqlite3.connect(workdir / "graceful" / "ninerouter.sqlite")
    rows = database.execute("SELECT status, stream, incomplete, output_tokens FROM call_log").fetchall()
    assert rows == [(200, 1, 0, 10)], (rows, server.log_text())  # "Hello from upstream: [slow:250] one … six": 10 words


def test_kill_9_loses_no_acknowledged_write(workdir):
    process, root = start_fake("openai", UPSTREAM_KEY)
    data = workdir / "killed"
    server = Server(data).start()
    acknowledged_keys, answered_calls, stop = [], [0], threading.Event()
    try:
        admin, key = setup(server, root)
        # Room for every call's record: the log keeps the newest `observability_max_records`.
        assert admin.patch(server.base + "/api/admin/settings", json={"observability_max_records": 1000000}).status_code == 200

        def writer(prefix):
            n = 0
            while not stop.is_set():
                n += 1
                try:
                    response = admin.post(server.base + "/api/admin/keys", json={"name": f"{prefix}-{n}"}, timeout=5)
                except requests.RequestException:
                    return
                if response.status_code == 201:
                    acknowledged_keys.append(f"{prefix}-{n}")

        def caller():
            while not stop.is_set():
                try:
                    if chat(server.base, key, "burst", timeout=5).status_code == 200:
                        answered_calls[0] += 1
                except requests.RequestException:
                    return

        threads = [threading.Thread(target=writer, args=(f"w{i}",)) for i in range(3)]
        threads += [threading.Thread(target=caller) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(2.5)
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(timeout=10)
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
        assert len(acknowledged_keys) > 20 and answered_calls[0] > 50, (len(acknowledged_keys), answered_calls)

        database = sqlite3.connect(data / "ninerouter.sqlite")
        assert database.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        # Records and totals are written in one transaction: never one without the other, and
        # never more than the calls that were made (a few may have been answered but still queued).
        records = database.execute("SELECT COUNT(*) FROM call_log").fetchone()[0]
        totals = database.execute("SELECT COALESCE(SUM(calls), 0) FROM usage_minute").fetchone()[0]
        database.close()
        assert records == totals
        assert totals <= answered_calls[0] + 4

        restarted = Server(data).start()
        try:
            admin = restarted.admin(restarted.login())
            names = {k["name"] for k in admin.get(restarted.base + "/api/admin/keys").json()["data"]}
            missing = [name for name in acknowledged_keys if name not in names]
            assert missing == [], f"{len(missing)} acknowledged keys lost"
            assert admin.get(restarted.base + "/api/admin/stats?window=1h").json()["total"]["calls"] == totals
        finally:
            restarted.stop()
    finally:
        stop.set()
        server.stop()
        process.terminate()
        process.wait(timeout=10)


def test_no_secret_is_readable_anywhere_after_a_full_scenario(workdir):
    process, root = start_fake("openai", UPSTREAM_KEY)
    azure_process, azure_root = start_fake("azure", AZURE_KEY)
    data = workdir / "secrets"
    server = Server(data).start()
    proxy_password = "proxy-pass-Zq81xw"
    try:
        admin, key = setup(server, root)
        assert admin.post(server.base + "/api/admin/providers", json={
            "name": "azure", "type": "azure", "base_url": azure_root, "api_key": AZURE_KEY, "models": ["azure-gpt"],
            "deployments": {"azure-gpt": "gpt-4o"}}).status_code == 201
        answered = requests.post(f"{server.base}/v1/chat/completions", headers={"Authorization": f"Bearer {key}"}, timeout=30,
                                 json={"model": "azure-gpt", "messages": [{"role": "user", "content": "via azure"}]})
        assert answered.status_code == 200, answered.text
        pool = admin.post(server.base + "/api/admin/proxy-pools", json={
            "name": "corp", "proxies": [f"http://user:{proxy_password}@127.0.0.1:9"], "strict": False}).json()
        assert admin.post(server.base + "/api/admin/providers", json={
            "name": "bad-key", "base_url": root + "/v1", "api_key": "sk-wrong-key-for-the-fake-1234", "models": ["gpt-4o-mini"],
            "headers": {"X-Org-Secret": "org-secret-value-777"}, "proxy_pool_id": pool["id"]}).status_code == 201
        for text in ("plain", "again"):
            chat(server.base, key, text)
        chat(server.base, key, "stream", stream=True).content
        requests.post(f"{server.base}/v1/chat/completions", headers={"Authorization": f"Bearer {key}"}, timeout=10,
                      json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "via the wrong key"}]})
        admin.post(server.base + f"/api/admin/proxy-pools/{pool['id']}/test", json={"url": root + "/v1/models"})
        admin.post(server.base + "/api/admin/providers/2/test")

        seen = []
        for path in ("/api/admin/providers", "/api/admin/providers/1", "/api/admin/providers/2", "/api/admin/keys",
                     "/api/admin/proxy-pools", "/api/admin/logs?limit=100", "/api/admin/stats", "/api/admin/settings"):
            seen.append(admin.get(server.base + path).text)
        seen.append(requests.get(server.base + "/metrics", timeout=10).text)
        seen.append(admin.post(server.base + f"/api/admin/proxy-pools/{pool['id']}/test", json={}).text)
        seen.append(admin.post(server.base + "/api/admin/providers/2/test").text)
    finally:
        server.stop()
        for fake in (process, azure_process):
            fake.terminate()
            fake.wait(timeout=10)
    seen.append(server.log_text())
    stored = b"".join(path.read_bytes() for path in data.iterdir() if path.name.startswith("ninerouter.sqlite"))
    for secret in (UPSTREAM_KEY, AZURE_KEY, "sk-wrong-key-for-the-fake-1234", "org-secret-value-777", proxy_password, key, PASSWORD):
        for text in seen:
            assert secret not in text, f"{secret[:6]}… readable in an answer, /metrics or the log"
        assert secret.encode() not in stored, f"{secret[:6]}… readable in the SQLite files"
