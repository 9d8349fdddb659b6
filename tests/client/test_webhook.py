"""The alert webhook: the JSON body a local server receives, failures told once, the URL
never shown with its token."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from btse_tui.client.webhook import WebhookSender, shown_url


class Hook:
    """A loopback HTTP server that keeps every POST (path, headers, body) and answers
    `status`."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, str], bytes]] = []
        self.status = 200
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                hook.posts.append((self.path, dict(self.headers), body))
                self.send_response(hook.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def hook() -> Iterator[Hook]:
    server = Hook()
    yield server
    server.server.shutdown()
    server.server.server_close()


async def test_each_alert_is_posted_as_json_in_order(hook: Hook) -> None:
    sender = WebhookSender(f"{hook.url}/push/tok-SECRET")
    reports: list[str] = []
    first = {"title": "btse-tui price alert", "message": "BTC-USDT crossed 100,000 up"}
    sender.send(first, reports.append)
    sender.send({"title": "btse-tui fill alert", "message": "filled"}, reports.append)
    await sender.aclose()
    assert [json.loads(body) for _, _, body in hook.posts] == [
        first,
        {"title": "btse-tui fill alert", "message": "filled"},
    ]
    path, headers, _ = hook.posts[0]
    assert path == "/push/tok-SECRET"
    assert headers["Content-Type"] == "application/json"
    assert reports == []


async def test_a_failing_webhook_is_told_once_then_its_recovery(hook: Hook) -> None:
    sender = WebhookSender(f"{hook.url}/push/tok-SECRET?auth=SECRET")
    reports: list[str] = []
    hook.status = 500
    for n in range(3):
        sender.send({"n": n}, reports.append)
    await sender.aclose()
    assert len(hook.posts) == 3
    assert reports == [f"alert webhook {hook.url}/… failed (HTTP 500); alerts still show here"]
    hook.status = 204
    sender.send({"n": 3}, reports.append)
    await sender.aclose()
    assert reports[1:] == [f"alert webhook {hook.url}/… works again"]
    assert not any("SECRET" in text for text in reports)


async def test_an_unreachable_webhook_never_blocks_and_never_shows_its_token() -> None:
    sender = WebhookSender("http://user:pw@127.0.0.1:9/hook/tok-SECRET", timeout_s=2)
    reports: list[str] = []
    sender.send({"n": 1}, reports.append)  # returns at once; the POST runs as a task
    assert reports == []
    await asyncio.wait_for(sender.aclose(), 5)
    assert reports == [
        "alert webhook http://127.0.0.1:9/… failed (ConnectError); alerts still show here"
    ]


def test_shown_url_keeps_scheme_host_and_port_only() -> None:
    assert shown_url("https://u:p@ntfy.sh:8443/topic?token=x") == "https://ntfy.sh:8443/…"
