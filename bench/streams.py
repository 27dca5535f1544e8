"""Many streams open at once through the gateway: the fake upstream drips one event a second,
an asyncio client holds every stream open and reads each to `[DONE]`, and the gateway's RSS is
sampled while they are all open."""
import asyncio
import json
import resource
import threading
import time

from harness import rss_mb

DRIP_MS = 1000


def raise_file_limit():
    """As many descriptors as the hard limit allows (for this process and the ones it starts)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def most_streams(wanted):
    """The gateway holds two descriptors per stream (client and upstream), and cannot go past
    the hard limit: the count this machine allows, at most `wanted`."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return min(wanted, (hard - 400) // 2)


def words_for(count):
    """One a second, for long enough that every stream is open before the first ends (opening
    9,800 once took ~70 s: the fake upstream wrote every event of a stream up front, ~5 ms of
    CPU per stream; it now writes each when it is due, and they open in seconds)."""
    return max(12, count // 100)


async def one_stream(port, key, state, gate, words):
    body = json.dumps({"model": "gpt-4o-drip", "stream": True,
                       "messages": [{"role": "user", "content": f"[slow:{DRIP_MS}] " + "word " * words}]}).encode()
    head = (f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {key}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    writer = None
    try:
        async with gate:
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 60)
            writer.write(head + body)
            await writer.drain()
            first = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 60)
        if b" 200 " not in first.split(b"\r\n", 1)[0]:
            state["errors"] += 1
            return
        state["open"] += 1
        state["peak_open"] = max(state["peak_open"], state["open"])
        seen = b""
        try:
            while b"data: [DONE]" not in seen:
                chunk = await asyncio.wait_for(reader.read(65536), 60)
                if not chunk:
                    break
                seen = (seen + chunk)[-64:]
        finally:
            state["open"] -= 1
        state["completed" if b"data: [DONE]" in seen else "errors"] += 1
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
        state["errors"] += 1
    finally:
        if writer:
            writer.close()


def open_streams(port, key, count, pid):
    """Opens `count` streams at once; completed, errors, the most open at one time, peak RSS."""
    state = {"open": 0, "peak_open": 0, "completed": 0, "errors": 0}
    peak = [rss_mb(pid)]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb(pid))
            time.sleep(0.2)
    sampler = threading.Thread(target=sample)
    sampler.start()

    async def run():
        # Streams being set up at once (the gateway's listen backlog is 256; more only drops
        # SYNs and times connections out).
        gate = asyncio.Semaphore(256)
        words = words_for(count)
        await asyncio.gather(*(one_stream(port, key, state, gate, words) for _ in range(count)))
    started = time.monotonic()
    try:
        asyncio.run(run())
    finally:
        done.set()
        sampler.join()
    return {**state, "rss_peak": peak[0], "seconds": time.monotonic() - started}
