#!/usr/bin/env python3
"""NineRouter's soak run (`make soak`, SOAK_MINUTES=10 by default): mixed plain and streamed
calls through two providers, one of which answers every 10th call with a 500, at a fixed
concurrency for the whole run, measured minute by minute (requests/s, p99, unexpected
errors, RSS); then 10,000 calls that end badly (client hang-ups, streams cut by the upstream,
upstream refusals) with RSS before and after; then 1,000 streams open at once. Loopback only."""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench import free_port, rss_mb, wait_for  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RELEASE = ROOT / ".build" / "release"
MINUTES = float(os.environ.get("SOAK_MINUTES", "10"))
CONNECTIONS = int(os.environ.get("SOAK_CONNECTIONS", "16"))


def start(args, env=None):
    return subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def admin_call(base, method, path, payload=None, token=None):
    request = urllib.request.Request(base + path, data=json.dumps(payload or {}).encode(), method=method,
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    return json.loads(urllib.request.urlopen(request).read() or b"{}")


def wrk_chunk(url, key, seconds, work):
    plain = json.dumps({"model": "gpt-4o", "messages": [{"role": "user", "content": "soak"}]})
    stream = json.dumps({"model": "gpt-4o", "stream": True, "messages": [{"role": "user", "content": "[slow:0] soak stream"}]})
    script = Path(work) / "soak.lua"
    script.write_text(f"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {key}"
local bodies = {{ {json.dumps(plain)}, {json.dumps(stream)} }}
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, bodies[(n % 2) + 1])
end
""")
    out = subprocess.run(["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--latency", "--timeout", "10s",
                          "-s", str(script), url], capture_output=True, text=True, check=True).stdout

    def pct(p):
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)\b", out)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50": pct(50), "p99": pct(99),
            "requests": int(re.search(r"(\d+) requests in", out).group(1)),
            "errors": (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, socket_errors.groups())) if socket_errors else 0)}


def raw_post(port, key, body, read_bytes=None, timeout=30):
    """One request on a raw socket; with read_bytes, hang up after that many bytes of answer."""
    data = json.dumps(body).encode()
    request = (f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n"
               f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\nConnection: close\r\n\r\n").encode() + data
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(request)
        received = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            received += chunk
            if read_bytes and len(received) >= read_bytes:
                break
        return received


def main():
    subprocess.run(["swift", "build", "-c", "release", "--product", "fake-upstream"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    work = tempfile.mkdtemp(prefix="ninerouter-soak-")
    healthy, flaky, router_port = free_port(), free_port(), free_port()
    fakes = [start([str(RELEASE / "fake-upstream"), "--port", str(healthy), "--key", "sk-soak-a", "--name", "healthy"]),
             start([str(RELEASE / "fake-upstream"), "--port", str(flaky), "--key", "sk-soak-b", "--name", "flaky",
                    "--fail-every", "10"])]
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update({"ROUTER_PORT": str(router_port), "HOST": "127.0.0.1", "DATA_DIR": f"{work}/data",
                "INITIAL_PASSWORD": "soak-password", "LOG_LEVEL": "warning", "WEB_DIR": str(ROOT / "web"),
                # 1,000 streams at once plus the mixed traffic, all from 127.0.0.1.
                "MAX_CONNECTIONS_PER_CLIENT": "4096"})
    router = start([str(RELEASE / "ninerouter"), "serve"], env=env)
    base = f"http://127.0.0.1:{router_port}"
    report = []
    try:
        for port in (healthy, flaky):
            for _ in range(200):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.05)
        wait_for(base + "/health")
        token = admin_call(base, "POST", "/api/admin/login", {"password": "soak-password"})["token"]
        for name, port, key in (("healthy", healthy, "sk-soak-a"), ("flaky", flaky, "sk-soak-b")):
            admin_call(base, "POST", "/api/admin/providers", {"name": name, "base_url": f"http://127.0.0.1:{port}/v1",
                                                              "api_key": key, "models": ["gpt-4o"]}, token)
        app_key = admin_call(base, "POST", "/api/admin/keys", {"name": "soak"}, token)["key"]

        # 1. The long run, minute by minute.
        chunks = max(1, round(MINUTES))
        seconds = int(MINUTES * 60 / chunks)
        rows = []
        for minute in range(chunks):
            result = wrk_chunk(base + "/v1/chat/completions", app_key, seconds, work)
            result["rss"] = rss_mb(router.pid)
            rows.append(result)
            print(f"minute {minute + 1}: {result}", file=sys.stderr)
        warm = rows[0]["rss"]
        report.append(f"## Soak: {MINUTES:g} min, {CONNECTIONS} connections, half streamed, 'flaky' answers every 10th call with 500\n")
        report.append("| minute | requests | req/s | p50 ms | p99 ms | unexpected errors | RSS MB |")
        report.append("|---|---|---|---|---|---|---|")
        for i, r in enumerate(rows):
            report.append(f"| {i + 1} | {r['requests']} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['errors']} | {r['rss']:.1f} |")
        total = sum(r["requests"] for r in rows)
        errors = sum(r["errors"] for r in rows)
        growth = (rows[-1]["rss"] - warm) / warm
        report.append(f"\n- {total} calls, {errors} unexpected errors; RSS after the first minute {warm:.1f} MB, at the end "
                      f"{rows[-1]['rss']:.1f} MB ({growth:+.1%}; target < +10%): {'met' if growth < 0.10 and errors == 0 else 'MISSED'}")

        # 2. 10,000 calls that end badly.
        before = rss_mb(router.pid)
        ended_badly = {"client hang-up mid-stream": 0, "stream cut by the upstream": 0, "upstream refusal (400)": 0,
                       "unknown model (404)": 0}
        def bad_call(i):
            kind = i % 4
            if kind == 0:
                raw_post(router_port, app_key, {"model": "gpt-4o", "stream": True,
                                                "messages": [{"role": "user", "content": "[slow:20] hang up on me please"}]},
                         read_bytes=200)
                return "client hang-up mid-stream"
            if kind == 1:
                answer = raw_post(router_port, app_key, {"model": "gpt-4o", "stream": True,
                                                         "messages": [{"role": "user", "content": "[cut:2] cut me"}]})
                assert b"stream_interrupted" in answer or b"error" in answer, answer[-300:]
                return "stream cut by the upstream"
            if kind == 2:
                answer = raw_post(router_port, app_key, {"model": "gpt-4o", "messages": []})
                assert answer.startswith(b"HTTP/1.1 400"), answer[:100]
                return "upstream refusal (400)"
            answer = raw_post(router_port, app_key, {"model": "no-such-model", "messages": []})
            assert answer.startswith(b"HTTP/1.1 404"), answer[:100]
            return "unknown model (404)"
        lock = threading.Lock()
        def worker(start_index):
            for i in range(start_index, 10_000, 8):
                kind = bad_call(i)
                with lock:
                    ended_badly[kind] += 1
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        time.sleep(2)
        after = rss_mb(router.pid)
        transfers = re.search(r"ninerouter_upstream_transfers (\d+)", urllib.request.urlopen(base + "/metrics").read().decode())
        report.append(f"\n## 10,000 calls that end badly\n\n- {json.dumps(ended_badly)}")
        report.append(f"- RSS before {before:.1f} MB, after {after:.1f} MB ({(after - before) / before:+.1%}); "
                      f"transfers left in the curl agent: {transfers.group(1) if transfers else '?'}")

        # 3. 1,000 streams open at once.
        peak = [0.0]
        opened = threading.Barrier(1001)
        def long_stream():
            body = {"model": "gpt-4o", "stream": True, "messages": [{"role": "user", "content": "[slow:200] " + "word " * 25}]}
            data = json.dumps(body).encode()
            s = socket.create_connection(("127.0.0.1", router_port), timeout=60)
            s.sendall((f"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {app_key}\r\n"
                       f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n").encode() + data)
            s.recv(4096)
            try:
                opened.wait(timeout=60)
            except threading.BrokenBarrierError:
                pass
            complete = b""
            while b"[DONE]" not in complete[-64:]:
                chunk = s.recv(65536)
                if not chunk:
                    break
                complete += chunk
            s.close()
            return b"[DONE]" in complete
        results = []
        def run_stream():
            results.append(long_stream())
        threads = [threading.Thread(target=run_stream) for _ in range(1000)]
        for t in threads:
            t.start()
        try:
            opened.wait(timeout=60)
        except threading.BrokenBarrierError:
            pass
        for _ in range(10):
            peak[0] = max(peak[0], rss_mb(router.pid))
            time.sleep(0.3)
        for t in threads:
            t.join(timeout=120)
        report.append(f"\n## 1,000 streams open at once\n\n- {sum(results)} of 1000 completed with [DONE]; "
                      f"NineRouter RSS peak {peak[0]:.1f} MB (target < 200 MB): {'met' if peak[0] < 200 else 'MISSED'}")
    finally:
        router.send_signal(signal.SIGTERM)
        for fake in fakes:
            fake.terminate()
        router.wait(timeout=40)
    print(f"# NineRouter soak, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores\n")
    print("\n".join(report))
    print(f"\n- Shutdown: exit code {router.returncode}")


if __name__ == "__main__":
    main()
