"""Unmodified ccxt 4.5.90 (`ccxt.async_support.btse`) trades against the embedded exchange.

Only `urls['api']` changes, before the first call, so even `load_markets` goes to loopback; every
URL ccxt fetched is checked afterwards. Each test asserts what a trader would notice on the
exchange itself (the engine's book, open orders, balances and fills), not just ccxt's echo.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import ccxt.async_support as ccxt  # the `test` extra pins ccxt==4.5.90
import pytest
from ccxt.base import errors as ccxt_errors

from btse_tui.sim.runner import SimServer

BTC = "BTC/USDT"
ETH = "ETH/USDT"


def make_exchange(sim: SimServer, key: str, secret: str, seen: list[str]) -> Any:
    """A ccxt btse pointed at the simulator; every URL it fetches is appended to `seen`."""
    assert sim.urls is not None
    exchange = ccxt.btse({"apiKey": key, "secret": secret})
    exchange.urls["api"] = {"public": sim.urls.rest, "private": sim.urls.rest}
    real_fetch = exchange.fetch

    async def recording_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(url)
        return await real_fetch(url, *args, **kwargs)

    exchange.fetch = recording_fetch
    return exchange


@pytest.fixture
async def exchange(sim: SimServer) -> AsyncIterator[Any]:
    seen: list[str] = []
    key, secret = sim.demo_account
    ex = make_exchange(sim, key, secret, seen)
    yield ex
    await ex.close()
    await sim.acall(lambda: sim.engine.cancel_orders(key, "BTC-USDT"))
    await sim.acall(lambda: sim.engine.cancel_orders(key, "ETH-USDT"))
    assert seen, "ccxt made no request"
    hosts = {urlsplit(url).hostname for url in seen}
    assert hosts == {"127.0.0.1"}, f"ccxt left loopback: {sorted(hosts)}"


# ---------------------------------------------------------------- engine views


async def engine_open(sim: SimServer) -> dict[str, Any]:
    key = sim.demo_account.key
    return {r.order_id: r for r in await sim.acall(lambda: sim.engine.open_orders(key))}


async def bid_levels(sim: SimServer, symbol: str) -> dict[Decimal, Decimal]:
    bids, _ = await sim.acall(lambda: sim.engine.book_levels(symbol, 10_000))
    return dict(bids)


async def best(sim: SimServer, symbol: str) -> tuple[Decimal, Decimal, Decimal]:
    """(best bid, best ask, size at the best ask)."""
    bids, asks = await sim.acall(lambda: sim.engine.book_levels(symbol, 1))
    return bids[0][0], asks[0][0], asks[0][1]


async def engine_wallet(sim: SimServer, key: str) -> dict[str, tuple[Decimal, Decimal]]:
    rows = await sim.acall(lambda: sim.engine.wallet(key))
    return {c: (total, available) for c, total, available in rows}


def below_book(bid: Decimal, tick: str, ticks: int) -> Decimal:
    """A price `ticks` ticks under a tenth below the best bid: a level nobody else quotes."""
    step = Decimal(tick)
    return (bid * Decimal("0.9")).quantize(step) - ticks * step


# ---------------------------------------------------------------- orders on the book


async def test_limit_order_rests_on_the_book_and_cancel_removes_it(
    sim: SimServer, exchange: Any
) -> None:
    bid, _, _ = await best(sim, "BTC-USDT")
    price = below_book(bid, "0.1", 1)
    order = await exchange.create_order(BTC, "limit", "buy", 0.0123, float(price))
    assert order["status"] == "open" and order["side"] == "buy" and order["type"] == "limit"
    assert order["price"] == float(price) and order["amount"] == 0.0123

    on_engine = (await engine_open(sim))[order["id"]]
    assert (on_engine.symbol, on_engine.side) == ("BTC-USDT", "BUY")
    assert (on_engine.price, on_engine.current_size) == (price, Decimal("0.0123"))
    assert (await bid_levels(sim, "BTC-USDT"))[price] == Decimal("0.0123")

    listed = await exchange.fetch_open_orders(BTC)
    assert [(o["id"], o["price"], o["amount"], o["status"]) for o in listed] == [
        (order["id"], float(price), 0.0123, "open")
    ]
    looked_up = await exchange.fetch_open_order(order["id"])
    assert (looked_up["status"], looked_up["symbol"], looked_up["remaining"]) == (
        "open",
        BTC,
        0.0123,
    )

    cancelled = await exchange.cancel_order(order["id"], BTC)
    assert cancelled["id"] == order["id"] and cancelled["status"] == "canceled"
    assert order["id"] not in await engine_open(sim)
    assert price not in await bid_levels(sim, "BTC-USDT")
    assert await exchange.fetch_open_orders(BTC) == []
    assert (await exchange.fetch_open_order(order["id"]))["status"] == "canceled"


async def test_edit_order_moves_price_and_size_on_the_book(sim: SimServer, exchange: Any) -> None:
    bid, _, _ = await best(sim, "BTC-USDT")
    old, new = below_book(bid, "0.1", 2), below_book(bid, "0.1", 3)
    order = await exchange.create_order(BTC, "limit", "buy", 0.01, float(old))
    edited = await exchange.edit_order(order["id"], BTC, "limit", "buy", 0.02, float(new))
    assert edited["id"] == order["id"] and edited["status"] == "open"
    assert (edited["price"], edited["amount"]) == (float(new), 0.02)
    rec = (await engine_open(sim))[order["id"]]
    assert (rec.price, rec.current_size) == (new, Decimal("0.02"))
    levels = await bid_levels(sim, "BTC-USDT")
    assert old not in levels and levels[new] == Decimal("0.02")


async def test_cancel_all_orders_one_market_then_every_market(
    sim: SimServer, exchange: Any
) -> None:
    btc_bid, _, _ = await best(sim, "BTC-USDT")
    eth_bid, _, _ = await best(sim, "ETH-USDT")
    ids = set()
    for ticks in (4, 5):
        o = await exchange.create_order(
            BTC, "limit", "buy", 0.001, float(below_book(btc_bid, "0.1", ticks))
        )
        ids.add(o["id"])
    eth = await exchange.create_order(
        ETH, "limit", "buy", 0.01, float(below_book(eth_bid, "0.01", 1))
    )
    assert set(await engine_open(sim)) == ids | {eth["id"]}

    gone = await exchange.cancel_all_orders(BTC)
    assert {o["id"] for o in gone} == ids and {o["status"] for o in gone} == {"canceled"}
    assert set(await engine_open(sim)) == {eth["id"]}

    gone = await exchange.cancel_all_orders()  # symbol=ALL: every market
    assert [o["id"] for o in gone] == [eth["id"]]
    assert await engine_open(sim) == {}


# ---------------------------------------------------------------- fills, balances, trades


async def test_crossing_limit_buy_fills_moves_balances_and_shows_in_my_trades(
    sim: SimServer, exchange: Any
) -> None:
    key = sim.demo_account.key
    _, ask, ask_size = await best(sim, "BTC-USDT")
    size = min(Decimal("0.005"), ask_size)
    before = await exchange.fetch_balance()
    engine_before = await engine_wallet(sim, key)
    assert Decimal(str(before["USDT"]["total"])) == engine_before["USDT"][0]

    order = await exchange.create_order(BTC, "limit", "buy", float(size), float(ask))
    assert order["status"] == "closed" and order["filled"] == float(size)
    assert order["average"] == float(ask)

    fee = size * Decimal("0.002")  # taker fee, charged in the base bought
    after = await engine_wallet(sim, key)
    assert after["USDT"][0] == engine_before["USDT"][0] - size * ask
    assert after["BTC"][0] == engine_before["BTC"][0] + size - fee
    balance = await exchange.fetch_balance()
    assert Decimal(str(balance["USDT"]["total"])) == after["USDT"][0]
    assert Decimal(str(balance["BTC"]["free"])) == after["BTC"][1]
    assert balance["BTC"]["total"] > before["BTC"]["total"]

    trades = await exchange.fetch_my_trades(BTC)
    mine = [t for t in trades if t["order"] == order["id"]]
    assert len(mine) == 1
    [trade] = mine
    assert (trade["symbol"], trade["side"], trade["price"], trade["amount"]) == (
        BTC,
        "buy",
        float(ask),
        float(size),
    )
    assert trade["fee"]["currency"] == "BTC"
    assert Decimal(str(trade["fee"]["cost"])) == fee
    assert abs(trade["timestamp"] - time.time() * 1000) < 60_000


async def test_quote_sized_market_buy_spends_the_quote_amount(
    sim: SimServer, exchange: Any
) -> None:
    key = sim.demo_account.key
    before = await engine_wallet(sim, key)
    order = await exchange.create_order(
        ETH, "market", "buy", 100, None, {"createMarketBuyOrderRequiresPrice": False}
    )
    assert order["type"] == "market" and order["status"] == "closed"
    fills = await sim.acall(lambda: sim.engine.trade_history(key, "ETH-USDT", order_id=order["id"]))
    spent = sum(f.price * f.size for f in fills)
    bought = sum(f.size - f.fee_amount for f in fills)
    assert Decimal("99") < spent <= Decimal("100")
    after = await engine_wallet(sim, key)
    assert after["USDT"][0] == before["USDT"][0] - spent
    assert after["ETH"][0] == before["ETH"][0] + bought
    assert Decimal(str(order["filled"])) == sum(f.size for f in fills)

    by_cost = await exchange.create_order(ETH, "market", "buy", None, None, {"cost": 50})
    fills = await sim.acall(
        lambda: sim.engine.trade_history(key, "ETH-USDT", order_id=by_cost["id"])
    )
    assert Decimal("49") < sum(f.price * f.size for f in fills) <= Decimal("50")


async def test_market_sell_takes_the_base_size(sim: SimServer, exchange: Any) -> None:
    key = sim.demo_account.key
    bid, _, _ = await best(sim, "ETH-USDT")
    before = await engine_wallet(sim, key)
    order = await exchange.create_order(ETH, "market", "sell", 0.05)
    assert order["status"] == "closed" and order["filled"] == 0.05
    after = await engine_wallet(sim, key)
    assert after["ETH"][0] == before["ETH"][0] - Decimal("0.05")
    trades = [t for t in await exchange.fetch_my_trades(ETH) if t["order"] == order["id"]]
    assert sum(Decimal(str(t["amount"])) for t in trades) == Decimal("0.05")
    assert trades[0]["price"] == float(bid) and trades[0]["fee"]["currency"] == "USDT"


# ---------------------------------------------------------------- fees, ticker, errors


async def test_trading_fees_are_the_accounts_rates(exchange: Any) -> None:
    fees = await exchange.fetch_trading_fees()
    assert (fees[BTC]["maker"], fees[BTC]["taker"]) == (0.001, 0.002)
    assert (await exchange.fetch_trading_fee(ETH))["taker"] == 0.002


async def test_ticker_timestamp_is_now(exchange: Any) -> None:
    ticker = await exchange.fetch_ticker(BTC)
    assert abs(ticker["timestamp"] - time.time() * 1000) < 60_000
    assert ticker["bid"] < ticker["ask"]


async def test_refusals_raise_ccxts_named_errors(sim: SimServer, exchange: Any) -> None:
    bid, _, _ = await best(sim, "BTC-USDT")
    with pytest.raises(ccxt_errors.InsufficientFunds, match="needs"):
        await exchange.create_order(BTC, "limit", "buy", 100, float(below_book(bid, "0.1", 6)))
    with pytest.raises(ccxt_errors.OrderNotFound):
        await exchange.cancel_order("00000000-0000-4000-8000-000000000000", BTC)
    with pytest.raises(ccxt_errors.OrderNotFound):
        await exchange.fetch_open_order("00000000-0000-4000-8000-000000000000")
    assert await engine_open(sim) == {}


async def test_wrong_secret_is_an_authentication_error(sim: SimServer) -> None:
    seen: list[str] = []
    key, secret = sim.demo_account
    ex = make_exchange(sim, key, secret[::-1], seen)
    try:
        with pytest.raises(ccxt_errors.AuthenticationError):
            await ex.fetch_balance()
    finally:
        await ex.close()
    assert {urlsplit(u).hostname for u in seen} == {"127.0.0.1"}


async def test_stop_loss_goes_to_algo_and_waits_for_its_trigger(
    sim: SimServer, exchange: Any
) -> None:
    bid, _, _ = await best(sim, "BTC-USDT")
    trigger = below_book(bid, "0.1", 7)
    limit = trigger - Decimal("10")
    order = await exchange.create_order(
        BTC, "limit", "sell", 0.001, float(limit), {"stopLossPrice": float(trigger)}
    )
    assert order["status"] == "open"
    rec = (await engine_open(sim))[order["id"]]
    assert rec.is_trigger and not rec.triggered and rec.tx_type == "STOP"
    assert (rec.trigger_price, rec.price, rec.side) == (trigger, limit, "SELL")


async def test_cancel_all_orders_after_arms_the_dead_mans_switch(
    sim: SimServer, exchange: Any
) -> None:
    key = sim.demo_account.key
    await exchange.cancel_all_orders_after(60_000)
    account = await sim.acall(lambda: sim.engine.account_for_key(key))
    assert account.cancel_deadline_ms is not None
    assert abs(account.cancel_deadline_ms - (time.time() * 1000 + 60_000)) < 5_000
    await exchange.cancel_all_orders_after(0)
    assert account.cancel_deadline_ms is None
