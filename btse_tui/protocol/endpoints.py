"""Base URLs per environment, REST paths and WebSocket topic names of BTSE spot (§1)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Environment(StrEnum):
    """Where the app trades: the embedded simulator, BTSE's testnet, or real money."""

    DEMO = "demo"
    TESTNET = "testnet"
    PRODUCTION = "production"


@dataclass(frozen=True, slots=True)
class BaseUrls:
    """The three places a client talks to. `rest` is the host root; spot REST is `rest + /spot`."""

    rest: str
    ws_spot: str
    ws_oss: str

    @property
    def spot_rest(self) -> str:
        """Base of the spot trading and legacy market-data API."""
        return self.rest.rstrip("/") + "/spot"


PUBLIC_URLS: dict[Environment, BaseUrls] = {
    Environment.PRODUCTION: BaseUrls(
        rest="https://api.btse.com",
        ws_spot="wss://ws.btse.com/ws/spot",
        ws_oss="wss://ws.btse.com/ws/oss/spot",
    ),
    Environment.TESTNET: BaseUrls(
        rest="https://testapi.btse.io",
        ws_spot="wss://testws.btse.io/ws/spot",
        ws_oss="wss://testws.btse.io/ws/oss/spot",
    ),
}

# Host-root Markets API (public).
MARKETS = "/public-api/market/v1/markets"
EXCHANGE_INFO = "/public-api/market/v1/exchangeInfo"
TICKER_24HR = "/public-api/market/v1/ticker/24hr"
ORDERBOOK = "/public-api/market/v1/orderbook"
TRADES = "/public-api/market/v1/trades"
KLINES = "/public-api/market/v1/klines"

# Spot API, relative to the spot base (`…/spot`). The signed path is exactly these strings.
MARKET_SUMMARY = "/api/v3.3/market_summary"
LEGACY_ORDERBOOK_L2 = "/api/v3.3/orderbook/L2"
LEGACY_TRADES = "/api/v3.3/trades"
PRICE = "/api/v3.3/price"
TIME = "/api/v3.3/time"
ORDER = "/api/v3.3/order"
CANCEL_ALL_AFTER = "/api/v3.3/order/cancelAllAfter"
OPEN_ORDERS = "/api/v3.3/user/open_orders"
TRADE_HISTORY = "/api/v3.3/user/trade_history"
FEES = "/api/v3.3/user/fees"
WALLET = "/api/v3.2/user/wallet"

# WebSocket topics.
NOTIFICATIONS = "notificationApiV3"
FILLS = "fills"


def trades_topic(symbol: str) -> str:
    """Public trades of one market on /ws/spot."""
    return f"tradeHistoryApi:{symbol}"


def book_topic(symbol: str, grouping: int = 0) -> str:
    """Incremental order book of one market on /ws/oss/spot."""
    return f"update:{symbol}_{grouping}"


def top_topic(symbol: str) -> str:
    """Best bid/ask of one market on /ws/oss/spot."""
    return f"snapshotL1:{symbol}"


def split_topic(topic: str) -> tuple[str, str]:
    """A topic's kind and market: `update:BTC-USDT_0` → (`update`, `BTC-USDT`),
    `snapshotL1:BTC-USDT` → (`snapshotL1`, `BTC-USDT`), `fills` → (`fills`, ``); a market
    with `_` in its name (`update:K_PEIPEI-USDT`) keeps it: only a numeric grouping goes."""
    kind, _, rest = topic.partition(":")
    head, sep, tail = rest.rpartition("_")
    return kind, head if sep and tail.isdigit() else rest
