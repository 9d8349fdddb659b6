"""Typed async BTSE REST client over an injected httpx.AsyncClient; never retries by itself."""

from __future__ import annotations

from btse_tui.client.rest_base import DEFAULT_TIMEOUT_S, OrderAckRejected, make_http_client
from btse_tui.client.rest_market import MarketDataApi
from btse_tui.client.rest_trading import TradingApi

__all__ = ["DEFAULT_TIMEOUT_S", "OrderAckRejected", "RestClient", "make_http_client"]


class RestClient(MarketDataApi, TradingApi):
    """BTSE spot REST: `RestClient(http, urls, auth=None, *, limiter=None)`.

    Market data comes from the host-root Markets API and /spot/api/v3.3 (unsigned); trading
    calls are signed by `auth`. HTTP errors raise the ApiError subclass for the status; an
    httpx timeout raises RequestTimeout (outcome UNKNOWN — check, never resend blindly);
    other transport failures raise TransportError. Nothing is retried here.
    """
