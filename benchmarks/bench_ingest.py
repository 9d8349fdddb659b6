"""Benchmark 1: stream ingest (socket → decode → typed event) against a bare websockets loop."""

from __future__ import annotations

import asyncio
import subprocess
import tempfile
import time
from pathlib import Path

import orjson
from websockets.asyncio.client import connect

from benchmarks.common import PYTHON, ROOT, Result, median
from benchmarks.feed import record
from btse_tui.client.stream import Stream
from btse_tui.protocol import codec
from btse_tui.protocol.events import StreamStateChanged, SubscribeAck, UnknownFrame

TARGET = "≥ 0.4× bare loop"


async def bare_loop(url: str, n: int) -> float:
    """msgs/s of `websockets` recv + orjson.loads over the first `n` messages."""
    async with connect(url, compression=None, max_size=2**23, close_timeout=0.1) as ws:
        loads = orjson.loads
        recv = ws.recv
        loads(await recv())
        t0 = time.perf_counter()
        for _ in range(n - 1):
            loads(await recv())
        elapsed = time.perf_counter() - t0
    return (n - 1) / elapsed


async def stream_path(url: str, n: int) -> float:
    """msgs/s of our Stream: connect, decode_frame, typed events out of `events()` (book
    deltas the consumer has not taken yet coalesce, so frames are counted, not events)."""
    stream = Stream(
        url, topics=["update:BTC-USDT_0"], close_timeout=0.1, ping_interval=15.0, stale_after=60.0
    )
    t0 = 0.0
    first = 0
    try:
        async for event in stream.events():
            kind = type(event)
            if kind is StreamStateChanged or kind is SubscribeAck:
                continue
            if not first:
                first = stream.received
                t0 = time.perf_counter()
            elif stream.received >= n and not len(stream.backlog):
                break
        elapsed = time.perf_counter() - t0
    finally:
        await stream.close()
    return (stream.received - first) / elapsed


def _check_feed(frames: list[str]) -> dict[str, int]:
    """Every recorded frame decodes to exactly one typed event (no UnknownFrame)."""
    counts: dict[str, int] = {}
    for text in frames:
        events = codec.decode_frame(text)
        if len(events) != 1 or type(events[0]) is UnknownFrame:
            raise AssertionError(f"frame does not decode to one typed event: {text[:120]}")
        name = type(events[0]).__name__
        counts[name] = counts.get(name, 0) + 1
    return counts


def _codec_us(frames: list[str]) -> float:
    """Median µs per frame of decode_frame alone (no socket), over 3 passes."""
    decode = codec.decode_frame
    samples = []
    for _ in range(3):
        t0 = time.perf_counter()
        for text in frames:
            decode(text)
        samples.append((time.perf_counter() - t0) / len(frames) * 1e6)
    return median(samples)


def run(quick: bool = False) -> list[Result]:
    """Record the sim's frames, serve them from a child process, time both clients interleaved."""
    unique = 20_000 if quick else 50_000
    repeat = 2 if quick else 4
    rounds = 1 if quick else 3
    n = unique * repeat
    feed = record(unique)
    kinds = _check_feed(feed.frames)
    codec_us = _codec_us(feed.frames[:20_000])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "frames.jsonl"
        path.write_text("\n".join(feed.frames) + "\n")
        server = subprocess.Popen(
            [PYTHON, "-m", "benchmarks.wsreplay", str(path), str(repeat)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            url = f"ws://127.0.0.1:{int(server.stdout.readline())}/ws/spot"
            bare, ours = [], []
            for i in range(rounds):
                pair = [("bare", bare_loop), ("ours", stream_path)]
                if i % 2:
                    pair.reverse()
                for name, fn in pair:
                    rate = asyncio.run(fn(url, n))
                    (bare if name == "bare" else ours).append(rate)
        finally:
            server.terminate()
            server.wait(5)
    b, o = median(bare), median(ours)
    ratio = o / b
    mean_len = sum(len(f) for f in feed.frames) / len(feed.frames)
    return [
        Result(
            "1",
            "stream ingest, msgs/s (socket → decode → typed event)",
            o,
            "msg/s",
            baseline=b,
            baseline_name="websockets recv + orjson.loads",
            target=TARGET,
            passed=ratio >= 0.4,
            note=f"{n:,} frames ({unique:,} recorded ×{repeat}), median of {rounds}",
            extra={
                "ours_runs": ours,
                "bare_runs": bare,
                "events": kinds,
                "mean_frame_bytes": round(mean_len, 1),
                "decode_frame_us": round(codec_us, 2),
                "record_s": round(feed.seconds, 1),
            },
        )
    ]
