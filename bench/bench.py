#!/usr/bin/env python3
"""NineRouter's benchmark: nginx as a fake OpenAI upstream, a second nginx proxy_pass in
front of it as the one-hop floor, and NineRouter (release build, observability on; one cell
with it off), all driven by wrk in one run so the ratios hold on a noisy machine. Loopback only."""
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BINARY = ROOT / ".build" / "release" / "ninerouter"
DURATION = os.environ.get("BENCH_DURATION", "10s")
COMPLETION = {
    "id": "chatcmpl-bench", "object": "chat.completion", "created": 1764000000, "model": "gpt-4o",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello! How can I help you today?"},
                 "logprobs": None, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 12, "completion_tokens": 9, "total_tokens": 21}, "system_fingerprint": "fp_bench"}
SSE = "".join(
    "data: " + json.dumps({"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1764000000,
                           "model": "gpt-4o", "choices": [{"index": 0, "delta": {"content": w}, "finish_reason": None}]}) + "\n\n"
    for w in ["Hello", "!", " How", " can", " I", " help", "?"]) + "data: [DONE]\n\n"
ANTHROPIC_MESSAGE = {
    "id": "msg_bench", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
    "content": [{"type": "text", "text": "Hello! How can I help you today?"}], "stop_reason": "end_turn",
    "stop_sequence": None, "usage": {"input_tokens": 12, "output_tokens": 9}}
REQUEST = json.dumps({"model": "gpt-4o", "messages": [{"role": "user", "content": "Hello"}]})
STREAM_REQUEST = json.dumps({"model": "gpt-4o", "stream": True, "messages": [{"role": "user", "content": "Hello"}]})
RESPONSES_REQUEST = json.dumps({"model": "claude-bench", "input": "Hello", "instructions": "Be brief."})


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, headers=None):
    for _ in range(200):
        try:
            urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=1)
            return
        except Exception:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not come up")


def nginx_conf(work, upstream_port, proxy_port):
    def quoted(text):
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return f"""
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {work}/body; proxy_temp_path {work}/proxy;
  fastcgi_temp_path {work}/fcgi; uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
  keepalive_requests 1000000;
  upstream fake {{ server 127.0.0.1:{upstream_port}; keepalive 64; }}
  server {{
    listen 127.0.0.1:{upstream_port};
    location = /v1/chat/completions {{
      default_type application/json;
      return 200 {quoted(json.dumps(COMPLETION))};
    }}
    location = /v1/stream/chat/completions {{
      default_type text/event-stream;
      return 200 {quoted(SSE)};
    }}
    location = /v1/messages {{
      default_type application/json;
      return 200 {quoted(json.dumps(ANTHROPIC_MESSAGE))};
    }}
    location = /v1/models {{ default_type application/json; return 200 '{{"object":"list","data":[]}}'; }}
    location = /nginx_status {{ stub_status; }}
  }}
  server {{
    listen 127.0.0.1:{proxy_port};
    location / {{
      proxy_pass http://fake;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }}
  }}
}}
"""


def wrk(url, connections, body, headers, work):
    script = Path(work) / f"post-{abs(hash(body))}.lua"
    lines = ['wrk.method = "POST"', f"wrk.body = {json.dumps(body)}", 'wrk.headers["Content-Type"] = "application/json"']
    lines += [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items()]
    script.write_text("\n".join(lines) + "\n")
    threads = min(2, connections)
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", DURATION, "--latency", "-s", str(script), url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    def pct(p):
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)\b", out)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": pct(50), "p99": pct(99), "non2xx": int(errors.group(1)) if errors else 0}


def upstream_accepts(port):
    """Connections the fake upstream has accepted so far (nginx's stub_status)."""
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/nginx_status", timeout=5).read().decode()
    return int(text.splitlines()[2].split()[0])


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def ttfb_ms(url, body, headers, runs=50):
    times = []
    for _ in range(runs):
        out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{time_starttransfer}", "-X", "POST", url,
                              "-H", "Content-Type: application/json", "--data", body]
                             + sum((["-H", f"{k}: {v}"] for k, v in headers.items()), []),
                             capture_output=True, text=True, check=True).stdout
        times.append(float(out) * 1000)
    return statistics.median(times)


def fresh_database(admin_url):
    """A new database on the throw-away PostgreSQL `make bench` starts; its URL."""
    name = "bench_" + os.urandom(4).hex()
    subprocess.run(["psql", admin_url, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    head, _, query = admin_url.partition("?")
    return head.rsplit("/", 1)[0] + "/" + name + ("?" + query if query else "")


def store_write_rate(location, env):
    """Records/s the store takes, written as the log writer writes them (`ninerouter store bench`)."""
    out = subprocess.run([str(BINARY), "store", "bench", "--at", location, "--seconds", "5", "--batch", "200"],
                         env=env, check=True, capture_output=True, text=True).stdout
    return float(re.search(r"([0-9.]+) records/s", out).group(1))


def start_router(work, name, env, extra):
    port = free_port()
    env = {**env, "ROUTER_PORT": str(port), "DATA_DIR": f"{work}/{name}", **extra}
    process = subprocess.Popen([str(BINARY), "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, port


def main():
    if not BINARY.exists():
        sys.exit(f"{BINARY} missing: run `swift build -c release` first")
    work = tempfile.mkdtemp(prefix="ninerouter-bench-")
    upstream_port, proxy_port, router_port = free_port(), free_port(), free_port()
    Path(work, "nginx.conf").write_text(nginx_conf(work, upstream_port, proxy_port))
    nginx = subprocess.Popen(["nginx", "-c", f"{work}/nginx.conf", "-p", work], stderr=subprocess.DEVNULL)
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update({"ROUTER_PORT": str(router_port), "HOST": "127.0.0.1", "DATA_DIR": f"{work}/data",
                "INITIAL_PASSWORD": "bench-password", "LOG_LEVEL": "warning", "WEB_DIR": str(ROOT / "web")})
    router = subprocess.Popen([str(BINARY), "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # With a PostgreSQL (make bench starts one), the same gateway on DATABASE_URL is measured too.
    pg_admin = os.environ.get("NINEROUTER_TEST_DATABASE_URL")
    pg_router = None
    if pg_admin:
        pg_router, pg_port = start_router(work, "pg", env, {"DATABASE_URL": fresh_database(pg_admin),
                                                            "ENCRYPTION_KEY": "bench-encryption-key"})
    try:
        wait_for(f"http://127.0.0.1:{upstream_port}/v1/models")
        wait_for(f"http://127.0.0.1:{router_port}/health")
        base = f"http://127.0.0.1:{router_port}"

        def admin(method, path, payload, token=None):
            request = urllib.request.Request(base + path, data=json.dumps(payload).encode(), method=method,
                                             headers={"Content-Type": "application/json",
                                                      **({"Authorization": f"Bearer {token}"} if token else {})})
            return json.loads(urllib.request.urlopen(request).read() or b"{}")

        token = admin("POST", "/api/admin/login", {"password": "bench-password"})["token"]
        admin("POST", "/api/admin/providers", {"name": "fake", "base_url": f"http://127.0.0.1:{upstream_port}/v1",
                                               "api_key": "sk-bench", "models": ["gpt-4o"]}, token)
        admin("POST", "/api/admin/providers", {"name": "fake-stream", "base_url": f"http://127.0.0.1:{upstream_port}/v1/stream",
                                               "api_key": "sk-bench", "models": ["gpt-4o-stream"]}, token)
        admin("POST", "/api/admin/providers", {"name": "fake-anthropic", "type": "anthropic",
                                               "base_url": f"http://127.0.0.1:{upstream_port}",
                                               "api_key": "sk-ant-bench", "models": ["claude-bench"]}, token)
        app_key = admin("POST", "/api/admin/keys", {"name": "bench"}, token)["key"]
        auth = {"Authorization": f"Bearer {app_key}"}
        pg_auth = None
        if pg_router:
            wait_for(f"http://127.0.0.1:{pg_port}/health")
            pg_base = f"http://127.0.0.1:{pg_port}"
            pg_token = json.loads(urllib.request.urlopen(urllib.request.Request(
                pg_base + "/api/admin/login", data=json.dumps({"password": "bench-password"}).encode(),
                headers={"Content-Type": "application/json"})).read())["token"]
            for path, payload in [("/api/admin/providers", {"name": "fake", "base_url": f"http://127.0.0.1:{upstream_port}/v1",
                                                            "api_key": "sk-bench", "models": ["gpt-4o"]})]:
                urllib.request.urlopen(urllib.request.Request(pg_base + path, data=json.dumps(payload).encode(), headers={
                    "Content-Type": "application/json", "Authorization": f"Bearer {pg_token}"}))
            pg_key = json.loads(urllib.request.urlopen(urllib.request.Request(
                pg_base + "/api/admin/keys", data=json.dumps({"name": "bench"}).encode(), headers={
                    "Content-Type": "application/json", "Authorization": f"Bearer {pg_token}"})).read())["key"]
            pg_auth = {"Authorization": f"Bearer {pg_key}"}
            # Paused outside its own cells, so its sync loops do not run beside the others.
            pg_router.send_signal(signal.SIGSTOP)
        time.sleep(1)
        idle_rss = rss_mb(router.pid)

        targets = {
            "direct": (f"http://127.0.0.1:{upstream_port}/v1/chat/completions", {}),
            "nginx-proxy": (f"http://127.0.0.1:{proxy_port}/v1/chat/completions", {}),
            "ninerouter": (f"{base}/v1/chat/completions", auth),
            "ninerouter-observability-off": (f"{base}/v1/chat/completions", auth),
            "ninerouter-translated": (f"{base}/v1/chat/completions", auth),
            "ninerouter-responses": (f"{base}/v1/responses", auth),
        }
        if pg_auth:
            targets["ninerouter-postgres"] = (f"{pg_base}/v1/chat/completions", pg_auth)
        translated_request = REQUEST.replace('"gpt-4o"', '"claude-bench"')
        results = {}
        peak_rss = idle_rss
        for connections in (1, 32):
            for name, (url, headers) in targets.items():
                body = {"ninerouter-translated": translated_request,
                        "ninerouter-responses": RESPONSES_REQUEST}.get(name, REQUEST)
                off = name == "ninerouter-observability-off"
                if off:
                    admin("PATCH", "/api/admin/settings", {"observability_enabled": False}, token)
                accepted_before = upstream_accepts(upstream_port)
                if name == "ninerouter-postgres":
                    pg_router.send_signal(signal.SIGCONT)
                    time.sleep(1)
                results[(name, connections)] = wrk(url, connections, body, headers, work)
                if name == "ninerouter-postgres":
                    pg_router.send_signal(signal.SIGSTOP)
                results[(name, connections)]["upstream_opened"] = upstream_accepts(upstream_port) - accepted_before
                if off:
                    admin("PATCH", "/api/admin/settings", {"observability_enabled": True}, token)
                peak_rss = max(peak_rss, rss_mb(router.pid))

        stream_body = STREAM_REQUEST.replace('"gpt-4o"', '"gpt-4o-stream"')
        ttfb_direct = ttfb_ms(f"http://127.0.0.1:{upstream_port}/v1/stream/chat/completions", STREAM_REQUEST, {})
        ttfb_router = ttfb_ms(f"{base}/v1/chat/completions", stream_body, auth)
    finally:
        if pg_router:
            pg_router.send_signal(signal.SIGCONT)
            pg_router.send_signal(signal.SIGTERM)
            pg_router.wait(timeout=15)
        router.send_signal(signal.SIGTERM)
        nginx.send_signal(signal.SIGQUIT)
        router.wait(timeout=15)
        nginx.wait(timeout=15)

    print(f"# NineRouter benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, wrk {DURATION} per cell, "
          f"{os.cpu_count()} cores\n")
    print("| target | conns | req/s | p50 ms | p99 ms | added p50 vs direct ms | req/s vs nginx-proxy | non-2xx |")
    print("|---|---|---|---|---|---|---|---|")
    for connections in (1, 32):
        direct = results[("direct", connections)]
        floor = results[("nginx-proxy", connections)]
        for name in targets:
            r = results[(name, connections)]
            added = r["p50"] - direct["p50"]
            ratio = r["rps"] / floor["rps"]
            print(f"| {name} | {connections} | {r['rps']:.0f} | {r['p50']:.3f} | {r['p99']:.3f} | {added:+.3f} | "
                  f"{ratio:.2f} | {r['non2xx']} |")
    nr1, px1, d1 = results[("ninerouter", 1)], results[("nginx-proxy", 1)], results[("direct", 1)]
    nr32, px32 = results[("ninerouter", 32)], results[("nginx-proxy", 32)]
    added_router = nr1["p50"] - d1["p50"]
    added_proxy = max(px1["p50"] - d1["p50"], 0.001)
    print()
    print(f"- NineRouter RSS: idle {idle_rss:.1f} MB, under load {peak_rss:.1f} MB")
    t32, t1 = results[("ninerouter-translated", 32)], results[("ninerouter-translated", 1)]
    print(f"- Translated case (OpenAI client → Anthropic-format upstream): 32 conns {t32['rps'] / px32['rps']:.0%} of "
          f"nginx-proxy, {t32['rps'] / nr32['rps']:.0%} of the pass-through path; 1 conn added p50 "
          f"{t1['p50'] - d1['p50']:+.3f} ms")
    r32, r1 = results[("ninerouter-responses", 32)], results[("ninerouter-responses", 1)]
    print(f"- Responses client → Anthropic connection (stored, store: true): 32 conns {r32['rps'] / px32['rps']:.0%} of "
          f"nginx-proxy, {r32['rps'] / nr32['rps']:.0%} of the pass-through path; 1 conn added p50 "
          f"{r1['p50'] - d1['p50']:+.3f} ms")
    off32 = results[("ninerouter-observability-off", 32)]
    print(f"- Observability (call records in SQLite, per-minute totals, metrics) on vs off at 32 conns: "
          f"{nr32['rps']:.0f} vs {off32['rps']:.0f} req/s, on costs {1 - nr32['rps'] / off32['rps']:.1%} "
          f"(target ≤ 10%: {'met' if nr32['rps'] >= 0.9 * off32['rps'] else 'MISSED'})")
    calls32 = nr32["rps"] * float(DURATION.rstrip("s"))
    print(f"- Upstream connections NineRouter opened in the 32-connection cell: {nr32['upstream_opened']} for "
          f"{calls32:.0f} calls ({nr32['upstream_opened'] / calls32 * 1000:.2f} per 1,000; target ≤ 1 beyond the first 32)")
    print(f"- Streaming time to first byte (median of 50): direct {ttfb_direct:.2f} ms, through NineRouter {ttfb_router:.2f} ms")
    print(f"- Targets: 32 conns req/s ≥ 60% of nginx-proxy: {nr32['rps'] / px32['rps']:.0%} "
          f"({'met' if nr32['rps'] >= 0.6 * px32['rps'] else 'MISSED'}); "
          f"1 conn added p50 ≤ 3× nginx-proxy's: {added_router / added_proxy:.1f}× "
          f"({'met' if added_router <= 3 * added_proxy else 'MISSED'}); "
          f"idle RSS ≤ 40 MB: {'met' if idle_rss <= 40 else 'MISSED'}")
    if pg_admin:
        pg32 = results[("ninerouter-postgres", 32)]
        pg1 = results[("ninerouter-postgres", 1)]
        print(f"- Hot path with DATABASE_URL (PostgreSQL) vs SQLite: 32 conns {pg32['rps']:.0f} vs {nr32['rps']:.0f} req/s "
              f"({pg32['rps'] / nr32['rps']:.0%}); 1 conn p50 {pg1['p50']:.3f} vs {nr1['p50']:.3f} ms")
        sqlite_rate = store_write_rate(f"{work}/store-bench", env)
        pg_rate = store_write_rate(fresh_database(pg_admin), env)
        print(f"- Call records a store takes (ninerouter store bench, batches of 200, 5 s): SQLite {sqlite_rate:.0f}/s, "
              f"PostgreSQL {pg_rate:.0f}/s")
    bad = [k for k, v in results.items() if v["non2xx"]]
    if bad:
        sys.exit(f"non-2xx answers in {bad}")


if __name__ == "__main__":
    main()
