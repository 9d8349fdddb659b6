"""A parsed command made concrete against the live picture (pure): the one checked order,
cancel, alert or market switch it asks for, or the ValidationError saying why it cannot be.

The order rules are the form's (`rules.validate_order`): a size rounds down to the lot, a
limit price moves to the tick on the trader's safe side, a typed trigger off the tick is
refused; a trigger worked out from the book (`@ bid`, `@ -2%`) is put on the nearest tick.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from btse_tui.protocol import rules
from btse_tui.protocol.alert_rule import PriceAlert, describe_alert
from btse_tui.protocol.command import (
    AlertCommand,
    BalancePercent,
    BaseSize,
    BookPrice,
    CancelCommand,
    Command,
    FixedPrice,
    MarketCommand,
    OrderCommand,
    OrderStyle,
    PriceSpec,
    QuoteSize,
    Reference,
)
from btse_tui.protocol.decimal_text import plain_decimal
from btse_tui.protocol.errors import ValidationError
from btse_tui.protocol.models import (
    Balance,
    Market,
    Order,
    OrderRequest,
    OrderType,
    Side,
    Ticker,
    TxType,
)

__all__ = [
    "Action",
    "CancelOrders",
    "LiveData",
    "PlaceOrder",
    "SelectMarket",
    "SetAlert",
    "available_balance",
    "describe_action",
    "plan_command",
    "readable",
]

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class LiveData:
    """What a command is resolved against: the selected market, every market's rules, the
    tickers (bid, ask, last), the balances (empty: not loaded yet) and the open orders."""

    selected: str | None
    markets: Mapping[str, Market]
    tickers: Mapping[str, Ticker]
    balances: Mapping[str, Balance]
    open_orders: Sequence[Order] = ()


@dataclass(frozen=True, slots=True)
class PlaceOrder:
    """Send one order: `request` is checked and quantised; `notes` say how a size or price
    was worked out (`25% of 1.5 ETH available`, `last 187.42 +0.5%`)."""

    request: OrderRequest
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CancelOrders:
    """Cancel these open orders of `symbol`: every one (`side` None: one cancel-all request)
    or each order of one side."""

    symbol: str
    side: Side | None
    orders: tuple[Order, ...]


@dataclass(frozen=True, slots=True)
class SetAlert:
    """Set this price alert."""

    alert: PriceAlert


@dataclass(frozen=True, slots=True)
class SelectMarket:
    """Make this market the selected one."""

    symbol: str


Action = PlaceOrder | CancelOrders | SetAlert | SelectMarket


def plan_command(command: Command, data: LiveData) -> Action | ValidationError:
    """The one action `command` asks for against `data`, or why it cannot be done."""
    try:
        match command:
            case OrderCommand():
                return _plan_order(command, data)
            case CancelCommand():
                return _plan_cancel(command, data)
            case AlertCommand():
                return SetAlert(_alert(command, _market(command.symbol, data).symbol))
            case MarketCommand():
                return SelectMarket(_market(command.symbol, data).symbol)
    except ValidationError as error:
        return error


def available_balance(
    side: Side, market: Market, balances: Mapping[str, Balance]
) -> Decimal | None:
    """Free balance that pays for an order: quote for a BUY, base for a SELL.

    None when no balances are known at all (not loaded yet); 0 when the currency is absent.
    """
    if not balances:
        return None
    balance = balances.get(market.quote if side is Side.BUY else market.base)
    return balance.available if balance is not None else Decimal(0)


# --------------------------------------------------------------------------- the market


def _market(symbol: str | None, data: LiveData) -> Market:
    """The named market, else the selected one."""
    symbol = symbol or data.selected
    if symbol is None:
        raise ValidationError("market", None, "is not selected: name one (e.g. BTC-USDT)")
    market = data.markets.get(symbol)
    if market is None:
        if not data.markets:
            raise ValidationError("market", symbol, "cannot be checked: markets are not loaded")
        raise ValidationError("market", symbol, "is not listed on the exchange")
    return market


# --------------------------------------------------------------------------- orders


class _Pricing:
    """Live prices of one market for one command, and the notes on what was used."""

    def __init__(self, market: Market, ticker: Ticker | None) -> None:
        self.market = market
        self.ticker = ticker
        self.notes: list[str] = []

    def live(self, reference: Reference, field: str, text: str) -> Decimal:
        ticker = self.ticker
        value = None if ticker is None else getattr(ticker, reference.value)
        if not value or value <= 0:
            rule = f"needs the {reference.value} of {self.market.symbol}, which is not known yet"
            raise ValidationError(field, text, rule)
        assert isinstance(value, Decimal)
        return value

    def price(self, spec: PriceSpec, field: str, rounding: str) -> Decimal:
        """The price `spec` names; one worked out from the book is put on the tick."""
        if isinstance(spec, FixedPrice):
            return spec.value
        tick = self.market.tick
        if isinstance(spec, BookPrice):
            value = self.live(spec.reference, field, spec.text())
            shown = rules.format_price(value, self.market)
            self.notes.append(f"{spec.reference.value} {shown}")
            return value
        last = self.live(Reference.LAST, field, spec.text())
        value = rules.to_step(last * (1 + spec.percent / HUNDRED), tick, rounding)
        self.notes.append(f"last {rules.format_price(last, self.market)} {spec.text()}")
        return value


def _plan_order(command: OrderCommand, data: LiveData) -> PlaceOrder:
    market = _market(command.symbol, data)
    side = command.side
    pricing = _Pricing(market, data.tickers.get(market.symbol))
    # a limit price rounds to the safe side (validate_order does it again, to the same value);
    # a trigger worked out from the book goes to the nearest tick
    safe = ROUND_FLOOR if side is Side.BUY else ROUND_CEILING
    trigger: Decimal | None = None
    limit: Decimal | None = None
    stop_price: Decimal | None = None
    style = command.style
    if style is OrderStyle.OCO:
        assert command.at is not None and command.stop is not None  # the grammar requires them
        limit = pricing.price(command.at, "price", safe)
        trigger = pricing.price(command.stop, "trigger_price", ROUND_HALF_UP)
        if command.limit is not None:
            stop_price = pricing.price(command.limit, "stop_price", ROUND_HALF_UP)
    elif style is OrderStyle.PEG or command.tx_type is TxType.LIMIT:
        limit = None if command.at is None else pricing.price(command.at, "price", safe)
    elif style is not OrderStyle.TRAIL:
        assert command.at is not None  # the grammar requires it
        trigger = pricing.price(command.at, "trigger_price", ROUND_HALF_UP)
        limit = None if command.limit is None else pricing.price(command.limit, "price", safe)
    available = available_balance(side, market, data.balances)
    size, budget = _size(command, market, available, limit, pricing)
    otype = {OrderStyle.OCO: OrderType.OCO, OrderStyle.PEG: OrderType.PEG}.get(
        style, OrderType.MARKET if limit is None else OrderType.LIMIT
    )
    price = budget if limit is None else limit
    request = OrderRequest(
        symbol=market.symbol,
        side=side,
        type=otype,
        size=size,
        price=price,
        tx_type=command.tx_type,
        trigger_price=trigger,
        stop_price=stop_price,
        trail_value=command.trail,
        deviation=command.deviation,
        stealth=(command.show or HUNDRED) if style is OrderStyle.PEG else None,
    )
    try:
        checked = rules.validate_order(request, market, available=available)
    except ValidationError as error:
        raise readable(error) from None
    moved = []
    if size is not None and checked.size is not None and checked.size != size:
        moved.append(
            f"size {plain_decimal(size)} rounds down to the lot {plain_decimal(market.lot)}"
        )
    if limit is not None and checked.price is not None and checked.price != limit:
        moved.append(f"price {plain_decimal(limit)} moves to the tick {plain_decimal(market.tick)}")
    return PlaceOrder(checked, (*pricing.notes, *moved))


def readable(error: ValidationError) -> ValidationError:
    """The error with its field in words (`trigger price`, not `trigger_price`)."""
    field = error.field.replace("_", " ")
    return error if field == error.field else ValidationError(field, error.value, error.rule)


def _size(
    command: OrderCommand,
    market: Market,
    available: Decimal | None,
    limit: Decimal | None,
    pricing: _Pricing,
) -> tuple[Decimal | None, Decimal | None]:
    """(base size, quote budget of a MARKET BUY): exactly one of them is set."""
    spec, side = command.size, command.side
    if isinstance(spec, BaseSize):
        return spec.amount, None
    if isinstance(spec, QuoteSize):
        if limit is None:  # the grammar refuses a quote-sized market SELL
            return None, spec.amount
        size = rules.to_step(spec.amount / limit, market.lot, ROUND_DOWN)
        pricing.notes.append(f"{spec.text()} at {rules.format_price(limit, market)}")
        return size, None
    assert isinstance(spec, BalancePercent)
    currency = market.quote if side is Side.BUY else market.base
    if available is None:
        rule = "needs the balances, which are not loaded yet"
        raise ValidationError("size", spec.text(), rule)
    share = spec.percent / HUNDRED
    pricing.notes.append(f"{spec.text()} of {plain_decimal(available)} {currency} available")
    if side is Side.BUY and limit is None:  # a market BUY spends a share of the quote
        return None, rules.to_step(available * share, market.tick, ROUND_DOWN)
    return rules.size_for_fraction(available, share, limit, market, side), None


# --------------------------------------------------------------------------- cancel, alert


def _plan_cancel(command: CancelCommand, data: LiveData) -> CancelOrders:
    market = _market(command.symbol, data)
    side = command.scope.side
    orders = tuple(
        order
        for order in data.open_orders
        if order.symbol == market.symbol and (side is None or order.side is side)
    )
    if not orders:
        which = f"{side.value} orders" if side else "orders"
        rule = f"finds no open {which} on {market.symbol}"
        raise ValidationError("cancel", command.scope.value, rule)
    return CancelOrders(market.symbol, side, orders)


def _alert(command: AlertCommand, symbol: str) -> PriceAlert:
    return PriceAlert(
        symbol=symbol,
        condition=command.condition,
        level=command.level,
        move_percent=command.move_percent,
        window_minutes=command.window_minutes,
        recurring=command.recurring,
    )


# --------------------------------------------------------------------------- in words


def describe_action(action: Action, markets: Mapping[str, Market]) -> str:
    """What the action does, in one line: `BUY LIMIT 0.10000 BTC-USDT @ 60000.0 GTC`."""
    match action:
        case PlaceOrder(request=request, notes=notes):
            text = describe_request(request, markets.get(request.symbol))
            return f"{text} ({'; '.join(notes)})" if notes else text
        case CancelOrders(symbol=symbol, side=side, orders=orders):
            count = len(orders)
            noun = "order" if count == 1 else "orders"
            if side is None:
                return f"cancel every open order on {symbol} ({count} {noun})"
            return f"cancel {count} {side.value} {noun} on {symbol}"
        case SetAlert(alert=alert):
            return f"alert when {describe_alert(alert)}"
        case SelectMarket(symbol=symbol):
            return f"show {symbol}"


def describe_request(request: OrderRequest, market: Market | None) -> str:
    """`BUY LIMIT 0.10000 BTC-USDT @ 60000.0 GTC`, `BUY MARKET BTC-USDT spending 500 USDT`,
    `SELL STOP MARKET 0.10000 BTC-USDT trigger 95000.0`."""

    def price(value: Decimal) -> str:
        return rules.format_price(value, market) if market else plain_decimal(value)

    kind = request.type.value
    if request.tx_type is not TxType.LIMIT:
        kind = f"{request.tx_type.value} {kind}"
    words = [request.side.value, kind]
    if request.size is not None:
        words.append(rules.format_size(request.size, market) if market else str(request.size))
    words.append(request.symbol)
    if request.type is OrderType.MARKET and request.size is None and request.price is not None:
        quote = market.quote if market else ""
        words.append(f"spending {plain_decimal(request.price)} {quote}".rstrip())
    elif request.type is not OrderType.MARKET and request.price is not None:
        words += ["@", price(request.price), request.time_in_force.value]
    if request.trigger_price is not None:
        words += ["trigger", price(request.trigger_price)]
    if request.stop_price is not None:
        words += ["then limit", price(request.stop_price)]
    if request.trail_value is not None:
        words += ["trailing by", price(request.trail_value)]
    if request.deviation is not None:
        words.append(f"pegged {plain_decimal(request.deviation)}% off the index")
        if request.stealth is not None and request.stealth < HUNDRED:
            words.append(f"showing {plain_decimal(request.stealth)}%")
    return " ".join(words)
