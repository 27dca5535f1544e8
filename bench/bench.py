#!/usr/bin/env python3
"""NineRouter's benchmark (`make bench`; `BENCH_QUICK=1` for a short run): nginx as a fake
OpenAI/Anthropic upstream, a second nginx `proxy_pass` in front of it as the one-hop floor,
NineRouter (release build), NineRouter on PostgreSQL when one is given, and LiteLLM's proxy
on the same fake — all driven by wrk in one run, in rounds (3 unless quick), so every ratio
is taken within a round and shown as min / median / max. Then streaming first bytes, and
1,000 and 10,000 streams open at once. Loopback only."""
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import (BINARY, DURATION, FAKE_UPSTREAM, QUICK, REQUEST, RESPONSES_REQUEST, ROUNDS, STREAM_REQUEST,
                     context_switches, cpu_seconds, fresh_database, free_port, nginx_conf, rss_mb, ttfb_ms,
                     upstream_accepts, wait_for, wrk)
from peer_litellm import LiteLLMProxy
from report import report
from router import Router
from streams import most_streams, open_streams, raise_file_limit

# Re-exported for scripts that import the bench's helpers.
__all__ = ["nginx_conf", "free_port", "wait_for", "fresh_database", "BINARY", "REQUEST", "wrk"]


class Bench:
    def __init__(self, work):
        self.work = work
        self.upstream_port, self.proxy_port = free_port(), free_port()
        Path(work, "nginx.conf").write_text(nginx_conf(work, self.upstream_port, self.proxy_port))
        self.nginx = subprocess.Popen(["nginx", "-c", f"{work}/nginx.conf", "-p", work], stderr=subprocess.DEVNULL)
        self.processes = []
        self.results = {}  # (name, connections) -> [cell per round]
        self.facts = {}

    def upstream(self, path=""):
        return f"http://127.0.0.1:{self.upstream_port}{path}"

    def start_router(self, name, extra=None):
        router = Router(self.work, name, {"MAX_CONNECTIONS_PER_CLIENT": "0", **(extra or {})})
        self.processes.append(router)
        router.ready()
        router.provider("fake", self.upstream("/v1"), ["gpt-4o"])
        router.provider("fake-stream", self.upstream("/v1/stream"), ["gpt-4o-stream"])
        router.provider("fake-anthropic", self.upstream(), ["claude-bench"], kind="anthropic", key="sk-ant-bench")
        router.app_key()
        return router

    def targets(self, router, pg, peer):
        auth = {"Authorization": f"Bearer {router.key}"}
        chat = f"{router.base}/v1/chat/completions"
        rows = {
            "direct": (self.upstream("/v1/chat/completions"), {}, REQUEST, None),
            "nginx-proxy": (f"http://127.0.0.1:{self.proxy_port}/v1/chat/completions", {}, REQUEST, None),
            "ninerouter": (chat, auth, REQUEST, router),
            "ninerouter-observability-off": (chat, auth, REQUEST, router),
            "ninerouter-translated": (chat, auth, REQUEST.replace('"gpt-4o"', '"claude-bench"'), router),
            "ninerouter-responses": (f"{router.base}/v1/responses", auth, RESPONSES_REQUEST, router),
        }
        if pg:
            rows["ninerouter-postgres"] = (f"{pg.base}/v1/chat/completions", {"Authorization": f"Bearer {pg.key}"}, REQUEST, pg)
        if peer and peer.running:
            rows["litellm-proxy"] = (f"{peer.base}/v1/chat/completions", peer.headers, REQUEST, None)
        return rows

    def cell(self, name, connections, target, pg):
        url, headers, body, process = target
        off = name == "ninerouter-observability-off"
        if off:
            process.observability(False)
        if process is pg:
            pg.resume()
            time.sleep(1)
        accepted = upstream_accepts(self.upstream_port)
        switches = context_switches(process.pid) if process else 0
        cpu = cpu_seconds(process.pid) if process else 0
        result = wrk(url, connections, body, headers, self.work)
        result["upstream_opened"] = upstream_accepts(self.upstream_port) - accepted
        if process:
            result["switches"] = context_switches(process.pid) - switches
            result["cpu"] = cpu_seconds(process.pid) - cpu
            self.facts["peak_rss"] = max(self.facts.get("peak_rss", 0), rss_mb(process.pid))
        if process is pg:
            pg.pause()
        if off:
            process.observability(True)
        self.results.setdefault((name, connections), []).append(result)

    def streams(self):
        """A fresh gateway in front of a fake upstream that drips: 1,000, then as many as the
        descriptor limit allows up to 10,000, streams at once."""
        drip_port = free_port()
        fake = subprocess.Popen([str(FAKE_UPSTREAM), "--port", str(drip_port), "--key", "sk-bench", "--name", "drip"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(f"http://127.0.0.1:{drip_port}/v1/models", {"Authorization": "Bearer sk-bench"})
            router = Router(self.work, "streams", {"MAX_CONNECTIONS_PER_CLIENT": "0"})
            self.processes.append(router)
            router.ready()
            router.provider("drip", f"http://127.0.0.1:{drip_port}/v1", ["gpt-4o-drip"])
            router.app_key()
            time.sleep(0.5)
            for wanted in ([200] if QUICK else [1000, 10000]):
                count = most_streams(wanted)
                self.facts[f"streams-{wanted}"] = {"count": count, **open_streams(router.port, router.key, count, router.pid)}
        finally:
            fake.terminate()
            fake.wait(timeout=10)


def main():
    if not BINARY.exists() or not FAKE_UPSTREAM.exists():
        sys.exit("run `make bench` (it builds the release binaries with --static-swift-stdlib first)")
    raise_file_limit()
    work = tempfile.mkdtemp(prefix="ninerouter-bench-")
    bench = Bench(work)
    pg_admin = os.environ.get("NINEROUTER_TEST_DATABASE_URL")
    peer = None
    try:
        wait_for(bench.upstream("/v1/models"))
        router = bench.start_router("main")
        pg = bench.start_router("pg", {"DATABASE_URL": fresh_database(pg_admin), "ENCRYPTION_KEY": "bench-encryption-key"}) \
            if pg_admin else None
        if pg:
            pg.pause()  # outside its own cells, so its sync loops do not run beside the others
        if os.environ.get("BENCH_PEER", "1") == "1":
            peer = LiteLLMProxy(work, bench.upstream_port)
            bench.facts["peer_error"] = peer.error
        time.sleep(1)
        bench.facts["idle_rss"] = rss_mb(router.pid)
        targets = bench.targets(router, pg, peer)
        for _ in range(ROUNDS):
            for connections in (1, 32):
                for name, target in targets.items():
                    bench.cell(name, connections, target, pg)
            stream_body = STREAM_REQUEST.replace('"gpt-4o"', '"gpt-4o-stream"')
            bench.facts.setdefault("ttfb", []).append((
                ttfb_ms(bench.upstream("/v1/stream/chat/completions"), STREAM_REQUEST, {}),
                ttfb_ms(f"{router.base}/v1/chat/completions", stream_body, {"Authorization": f"Bearer {router.key}"})))
        if pg_admin:
            bench.facts["write_rates"] = (store_write_rate(f"{work}/store-bench", router.env),
                                          store_write_rate(fresh_database(pg_admin), router.env))
        bench.streams()
    finally:
        for process in bench.processes:
            process.stop()
        if peer:
            peer.stop()
        bench.nginx.terminate()
        bench.nginx.wait(timeout=15)
    report(bench.results, bench.facts, targets=list(targets))
    bad = [k for k, cells in bench.results.items() if any(c["non2xx"] for c in cells)]
    if bad:
        sys.exit(f"non-2xx answers in {bad}")


def store_write_rate(location, env):
    """Records/s the store takes, written as the log writer writes them (`ninerouter store bench`)."""
    out = subprocess.run([str(BINARY), "store", "bench", "--at", location, "--seconds", "5", "--batch", "200"],
                         env=env, check=True, capture_output=True, text=True).stdout
    return float(re.search(r"([0-9.]+) records/s", out).group(1))


if __name__ == "__main__":
    print(f"# NineRouter benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, wrk {DURATION} per cell, "
          f"{ROUNDS} round(s), {os.cpu_count()} cores\n", flush=True)
    main()
