"""WebhookSender: POSTs each alert as a JSON body to the trader's webhook URL in the
background — never blocking the desk, a failure told once until it works again, the URL only
ever shown without its path, query or credentials (it may carry a token)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx

log = logging.getLogger(__name__)

#: Seconds a webhook POST may take before it counts as failed.
TIMEOUT_S = 5.0


def shown_url(url: str) -> str:
    """`https://ntfy.sh/…`: scheme and host only (a path or query may hold a token)."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}/…"


class WebhookSender:
    """Sends alert payloads to one URL; `send` returns at once (the POST runs as a task on
    the running loop, one at a time, in order). `report(text)` is told when the webhook
    starts failing and when it works again, never for each failure."""

    def __init__(
        self,
        url: str,
        *,
        timeout_s: float = TIMEOUT_S,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._url = url
        self._timeout_s = timeout_s
        self._transport = transport
        self._queue: asyncio.Queue[tuple[Mapping[str, Any], Callable[[str], None]]] | None = None
        self._worker: asyncio.Task[None] | None = None
        self.failing = False
        """True after a POST failed, until one succeeds."""

    @property
    def shown(self) -> str:
        """The URL as it may be shown: scheme and host only."""
        return shown_url(self._url)

    def send(self, payload: Mapping[str, Any], report: Callable[[str], None]) -> None:
        """Queue one POST of `payload` as JSON (call on the event loop; never blocks)."""
        if self._queue is None:
            self._queue = asyncio.Queue()
        self._queue.put_nowait((payload, report))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.get_running_loop().create_task(self._drain())

    async def _drain(self) -> None:
        assert self._queue is not None
        async with httpx.AsyncClient(
            timeout=self._timeout_s, transport=self._transport, follow_redirects=False
        ) as client:
            while not self._queue.empty():
                payload, report = self._queue.get_nowait()
                await self.post(client, payload, report)

    async def post(
        self,
        client: httpx.AsyncClient,
        payload: Mapping[str, Any],
        report: Callable[[str], None],
    ) -> bool:
        """One POST; True when the server answered 2xx."""
        try:
            reply = await client.post(self._url, json=dict(payload))
            problem = None if reply.is_success else f"HTTP {reply.status_code}"
        except httpx.HTTPError as error:
            problem = type(error).__name__  # its text may repeat the URL
        if problem is None:
            if self.failing:
                self.failing = False
                report(f"alert webhook {self.shown} works again")
            return True
        log.info("alert webhook %s failed: %s", self.shown, problem)
        if not self.failing:
            self.failing = True
            report(f"alert webhook {self.shown} failed ({problem}); alerts still show here")
        return False

    async def aclose(self) -> None:
        """Wait for the POSTs already queued (bounded by their timeout)."""
        if self._worker is not None:
            await asyncio.gather(self._worker, return_exceptions=True)
