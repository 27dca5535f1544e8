"""What every bench cell needs: ports, nginx as the fake upstream and the one-hop floor, wrk,
and readings from /proc (RSS, context switches, CPU)."""
import json
import os
import re
import socket
import statistics
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BINARY = ROOT / ".build" / "release" / "ninerouter"
FAKE_UPSTREAM = ROOT / ".build" / "release" / "fake-upstream"
QUICK = os.environ.get("BENCH_QUICK") == "1"
DURATION = os.environ.get("BENCH_DURATION", "2s" if QUICK else "10s")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "1" if QUICK else "3"))

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


def wait_for(url, headers=None, tries=200):
    for _ in range(tries):
        try:
            urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=1)
            return
        except Exception:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not come up")


def plain_env():
    """The environment without proxy variables: every call here stays on loopback."""
    return {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}


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
    script = Path(work) / f"post-{abs(hash((body, tuple(headers.items()))))}.lua"
    lines = ['wrk.method = "POST"', f"wrk.body = {json.dumps(body)}", 'wrk.headers["Content-Type"] = "application/json"']
    lines += [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items()]
    script.write_text("\n".join(lines) + "\n")
    threads = min(2, connections)
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", DURATION, "--latency", "-s", str(script), url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))

    def pct(p):
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)\b", out)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "requests": requests, "p50": pct(50), "p99": pct(99), "non2xx": int(errors.group(1)) if errors else 0}


def upstream_accepts(port):
    """Connections the fake upstream has accepted so far (nginx's stub_status)."""
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/nginx_status", timeout=5).read().decode()
    return int(text.splitlines()[2].split()[0])


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def context_switches(pid):
    """Voluntary and involuntary switches of all the process's threads so far."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            for line in (task / "status").read_text().splitlines():
                if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass  # a thread that ended meanwhile
    return total


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def ttfb_ms(url, body, headers, runs=200):
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


def spread(values, fmt="{:.0f}"):
    """min / median / max of a cell's rounds."""
    if len(values) == 1:
        return fmt.format(values[0])
    return " / ".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))
