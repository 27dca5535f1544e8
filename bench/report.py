"""The bench's tables: every cell as min / median / max over the rounds, then each target of
the data-path issue with the ratio taken within each round."""
import statistics

from harness import DURATION, spread


def ratios(results, a, b, connections, field="rps"):
    """a's figure over b's, round by round."""
    return [x[field] / y[field] for x, y in zip(results[(a, connections)], results[(b, connections)])]


def verdict(values, target, higher_is_better=True):
    value = statistics.median(values)
    met = value >= target if higher_is_better else value <= target
    return "met" if met else "MISSED"


def cells_table(results, targets):
    print("| target | conns | req/s | p50 ms | p99 ms | added p50 vs direct ms | req/s vs nginx-proxy | non-2xx |")
    print("|---|---|---|---|---|---|---|---|")
    for connections in (1, 32):
        for name in targets:
            cells = results[(name, connections)]
            added = [c["p50"] - d["p50"] for c, d in zip(cells, results[("direct", connections)])]
            print(f"| {name} | {connections} | {spread([c['rps'] for c in cells])} | "
                  f"{spread([c['p50'] for c in cells], '{:.3f}')} | {spread([c['p99'] for c in cells], '{:.3f}')} | "
                  f"{spread(added, '{:+.3f}')} | {spread(ratios(results, name, 'nginx-proxy', connections), '{:.2f}')} | "
                  f"{sum(c['non2xx'] for c in cells)} |")


def targets_table(results, facts, targets):
    rows = []

    def row(path, values, target, fmt, higher=True, shown=None):
        rows.append((path, spread(values, fmt), shown or target, verdict(values, target, higher)))
    row("pass-through, 32 conns, req/s vs nginx-proxy", ratios(results, "ninerouter", "nginx-proxy", 32), 0.60, "{:.2f}",
        shown="≥ 0.60")
    row("pass-through, 1 conn, req/s vs nginx-proxy", ratios(results, "ninerouter", "nginx-proxy", 1), 0.50, "{:.2f}",
        shown="≥ 0.50")
    row("translated chat → Anthropic, 32 conns, vs pass-through",
        ratios(results, "ninerouter-translated", "ninerouter", 32), 0.70, "{:.2f}", shown="≥ 0.70")
    row("Responses client → Anthropic, 32 conns, vs pass-through",
        ratios(results, "ninerouter-responses", "ninerouter", 32), 0.60, "{:.2f}", shown="≥ 0.60")
    added = [router - direct for direct, router in facts["ttfb"]]
    row("streamed first byte, added over direct (median of 200), ms", added, 0.15, "{:.2f}", higher=False, shown="≤ 0.15")
    switches = [c["switches"] / c["requests"] for c in results[("ninerouter", 32)]]
    row("context switches per call (all threads, 32 conns)", switches, 0.5, "{:.2f}", higher=False, shown="≤ 0.5")
    opened = [c["upstream_opened"] / c["requests"] * 1000 for c in results[("ninerouter", 32)][1:]
              or results[("ninerouter", 32)]]
    row("new upstream connections per 1,000 calls, steady load (rounds after the first)", opened, 1, "{:.2f}",
        higher=False, shown="≤ 1")
    cost = [1 - r for r in ratios(results, "ninerouter", "ninerouter-observability-off", 32)]
    row("observability on vs off, 32 conns (cost)", cost, 0.05, "{:.1%}", higher=False, shown="≤ 5%")
    row("idle RSS, MB", [facts["idle_rss"]], 35, "{:.1f}", higher=False, shown="≤ 35")
    for wanted, limit in ((1000, 80), (10000, 400), (200, 80)):
        streams = facts.get(f"streams-{wanted}")
        if streams:
            rows.append((f"{streams['count']:,} open streams (slow drip), RSS MB; completed / errors",
                         f"{streams['rss_peak']:.1f}; {streams['completed']} / {streams['errors']}",
                         f"≤ {limit}, 0 errors",
                         "met" if streams["rss_peak"] <= limit and streams["errors"] == 0
                         and streams["count"] >= wanted else "MISSED"))
    if "litellm-proxy" in targets:
        row("vs LiteLLM proxy (same fake, same run), 32 conns", ratios(results, "ninerouter", "litellm-proxy", 32), 300,
            "{:.0f}×", shown="≥ 300×")
    print("| path | measured (min / median / max) | target | |")
    print("|---|---|---|---|")
    for path, value, target, met in rows:
        print(f"| {path} | {value} | {target} | {met} |")


def report(results, facts, targets):
    cells_table(results, targets)
    print()
    targets_table(results, facts, targets)
    print()
    idle, peak = facts["idle_rss"], facts.get("peak_rss", 0)
    print(f"- NineRouter RSS: idle {idle:.1f} MB, under load {peak:.1f} MB; wrk {DURATION} per cell")
    direct = [d for d, _ in facts["ttfb"]]
    routed = [r for _, r in facts["ttfb"]]
    print(f"- Streaming time to first byte (median of 200 per round): direct {spread(direct, '{:.2f}')} ms, "
          f"through NineRouter {spread(routed, '{:.2f}')} ms")
    cpu = [c["cpu"] / c["requests"] * 1e6 for c in results[("ninerouter", 32)]]
    print(f"- CPU per call, pass-through at 32 conns: {spread(cpu)} µs")
    for wanted in (200, 1000, 10000):
        s = facts.get(f"streams-{wanted}")
        if s:
            print(f"- {s['count']:,} streams at once ({wanted:,} wanted; two descriptors each in the gateway): "
                  f"{s['peak_open']:,} open at the peak, {s['completed']:,} completed, {s['errors']} errors, "
                  f"peak RSS {s['rss_peak']:.1f} MB, {s['seconds']:.1f} s")
    if facts.get("peer_error"):
        print(f"- LiteLLM's proxy not measured: {facts['peer_error']}")
    if "ninerouter-postgres" in targets:
        pg = ratios(results, "ninerouter-postgres", "ninerouter", 32)
        p50 = [(p["p50"], s["p50"]) for p, s in zip(results[("ninerouter-postgres", 1)], results[("ninerouter", 1)])]
        print(f"- Hot path with DATABASE_URL (PostgreSQL) vs SQLite: 32 conns {spread(pg, '{:.0%}')}; 1 conn p50 "
              + ", ".join(f"{a:.3f} vs {b:.3f} ms" for a, b in p50))
    if facts.get("write_rates"):
        sqlite, postgres = facts["write_rates"]
        print(f"- Call records a store takes (ninerouter store bench, batches of 200, 5 s): SQLite {sqlite:.0f}/s, "
              f"PostgreSQL {postgres:.0f}/s")
