"""A minimal loopback WebSocket server pushing pre-encoded recorded frames as fast as TCP allows.

Run as a child process (`python -m benchmarks.wsreplay FRAMES_FILE REPEAT`): it prints its port,
then for every connection answers the upgrade, pushes every frame of FRAMES_FILE (one JSON text
per line) REPEAT times as unmasked text frames in large writes, and keeps the socket open until
the client closes it. Client frames (subscribe, ping) are read and ignored. The frames are
encoded once at start, so the server costs almost nothing and the client is the bottleneck.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import sys

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_CHUNK = 1 << 20


def encode_frames(lines: list[bytes]) -> bytes:
    """Unmasked RFC 6455 text frames, concatenated."""
    out = bytearray()
    for payload in lines:
        n = len(payload)
        if n < 126:
            out += bytes((0x81, n))
        elif n < 1 << 16:
            out += bytes((0x81, 126)) + n.to_bytes(2, "big")
        else:
            out += bytes((0x81, 127)) + n.to_bytes(8, "big")
        out += payload
    return bytes(out)


async def _serve(blob: bytes, repeat: int) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        key = b""
        for line in head.split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"sec-websocket-key":
                key = value.strip()
        accept = base64.b64encode(hashlib.sha1(key + _GUID).digest())
        writer.write(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n"
        )

        async def drain_client() -> None:
            while await reader.read(65536):
                pass

        sink = asyncio.create_task(drain_client())
        try:
            view = memoryview(blob)
            for _ in range(repeat):
                for start in range(0, len(view), _CHUNK):
                    writer.write(view[start : start + _CHUNK])
                    await writer.drain()
            await sink  # until the client goes away
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            sink.cancel()
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)
    async with server:
        await server.serve_forever()


def main() -> int:
    """Entry point: FRAMES_FILE REPEAT."""
    with open(sys.argv[1], "rb") as fh:
        lines = [line.rstrip(b"\n") for line in fh if line.strip()]
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    blob = encode_frames(lines)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(blob, repeat))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
