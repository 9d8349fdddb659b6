"""Pure order-form logic: typed text → quantised OrderRequest or the first ValidationError.

No Textual here: the `OrderForm` widget only collects text into `FormFields`, asks this module
what the fields mean, and shows the answer. The property tests drive these functions directly.

Order kinds offered by the form and what they send (§4.1):

| kind               | type   | txType  | inputs shown                         |
|--------------------|--------|---------|--------------------------------------|
| Limit              | LIMIT  | LIMIT   | price, size                          |
| Market BUY         | MARKET | LIMIT   | amount (quote to spend)              |
| Market SELL        | MARKET | LIMIT   | size                                 |
| Stop / TP limit    | LIMIT  | STOP /  | trigger, price, size                 |
|                    |        | TRIGGER |                                      |
| Stop / TP market   | MARKET | STOP /  | trigger, then like Market            |
|                    |        | TRIGGER |                                      |
| OCO                | OCO    | LIMIT   | price (limit leg), trigger and stop  |
|                    |        |         | price (stop leg), size               |
| Trailing stop      | MARKET | STOP    | trail, then like Market              |
| PEG                | PEG    | LIMIT   | price (limit), size, deviation %,    |
|                    |        |         | stealth % (shown on the book)        |

Each input keeps one meaning: the limit price never becomes a quote amount or back. A market
BUY's amount is sent in the request's `price` (BTSE's quote-sized market order), but it is
typed into its own `amount` input; inputs a kind does not use are hidden and keep their text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from btse_tui.protocol import rules
from btse_tui.protocol.command_plan import available_balance
from btse_tui.protocol.decimal_text import plain_decimal
from btse_tui.protocol.errors import ValidationError
from btse_tui.protocol.models import (
    Market,
    OrderRequest,
    OrderType,
    Side,
    Ticker,
    TimeInForce,
    TxType,
)
from btse_tui.protocol.submission import new_cl_order_id

__all__ = [
    "FRACTIONS",
    "FieldLayout",
    "FormCheck",
    "FormFields",
    "OrderKind",
    "available_for",
    "build_request",
    "check_fields",
    "field_of",
    "fraction_text",
    "input_for",
    "is_missing",
    "layout_for",
    "new_client_order_id",
    "parse_positive",
    "parse_signed",
    "quote_places",
    "reason_text",
    "reference_price",
]

#: The balance shortcuts, as fractions of the available balance.
FRACTIONS = (Decimal("0.25"), Decimal("0.5"), Decimal("0.75"), Decimal(1))
#: Client order ids: short, printable, no spaces (BTSE echoes them in every notification).
CL_ORDER_ID_RE = re.compile(r"[A-Za-z0-9_.:\-]{1,32}")


class OrderKind(StrEnum):
    """The form's order kinds: a (type, txType) pair each."""

    LIMIT = "LIMIT"
    MARKET = "MARKET"
    STOP_LIMIT = "STOP_LIMIT"
    STOP_MARKET = "STOP_MARKET"
    TRIGGER_LIMIT = "TRIGGER_LIMIT"
    TRIGGER_MARKET = "TRIGGER_MARKET"
    OCO = "OCO"
    TRAILING_STOP = "TRAILING_STOP"
    PEG = "PEG"

    @property
    def order_type(self) -> OrderType:
        """The `type` sent: OCO, PEG, MARKET for the market kinds, LIMIT otherwise."""
        if self is OrderKind.OCO:
            return OrderType.OCO
        if self is OrderKind.PEG:
            return OrderType.PEG
        return OrderType.MARKET if self.is_market else OrderType.LIMIT

    @property
    def tx_type(self) -> TxType:
        """The `txType` sent: STOP (also a trailing stop), TRIGGER (take profit) or LIMIT."""
        if self.value.startswith("STOP") or self is OrderKind.TRAILING_STOP:
            return TxType.STOP
        if self.value.startswith("TRIGGER"):
            return TxType.TRIGGER
        return TxType.LIMIT

    @property
    def is_market(self) -> bool:
        """True for the kinds that execute at market (after triggering, for stops)."""
        return self.value.endswith("MARKET") or self is OrderKind.TRAILING_STOP

    @property
    def has_trigger(self) -> bool:
        """True for the kinds with a typed trigger price: stops, take-profits and OCO (a
        trailing stop's trigger follows the price instead)."""
        if self is OrderKind.TRAILING_STOP:
            return False
        return self is OrderKind.OCO or self.tx_type is not TxType.LIMIT

    @property
    def label(self) -> str:
        """Short human name, e.g. `Stop limit`."""
        return KIND_LABELS[self]


KIND_LABELS: dict[OrderKind, str] = {
    OrderKind.LIMIT: "Limit",
    OrderKind.MARKET: "Market",
    OrderKind.STOP_LIMIT: "Stop limit",
    OrderKind.STOP_MARKET: "Stop market",
    OrderKind.TRIGGER_LIMIT: "Take-profit limit",
    OrderKind.TRIGGER_MARKET: "Take-profit market",
    OrderKind.OCO: "OCO (limit + stop)",
    OrderKind.TRAILING_STOP: "Trailing stop",
    OrderKind.PEG: "PEG (index ± %)",
}


@dataclass(frozen=True, slots=True)
class FormFields:
    """Everything the trader typed or picked, as text (nothing parsed yet)."""

    symbol: str
    side: Side = Side.BUY
    kind: OrderKind = OrderKind.LIMIT
    price: str = ""
    trigger_price: str = ""
    size: str = ""
    amount: str = ""
    """The quote amount a MARKET BUY spends (its own input, never the limit price)."""
    time_in_force: TimeInForce = TimeInForce.GTC
    post_only: bool = False
    cl_order_id: str = ""
    stop_price: str = ""
    """OCO: the stop leg's limit price (`stopPrice`)."""
    trail_value: str = ""
    """Trailing stop: the distance its trigger follows the price by (`trailValue`)."""
    deviation: str = ""
    """PEG: percent off the index price, -10 … 10 (`deviation`)."""
    stealth: str = "100"
    """PEG: percent of the order shown on the book (`stealth`)."""


@dataclass(frozen=True, slots=True)
class FieldLayout:
    """Which inputs a kind/side shows."""

    price: bool
    size: bool
    trigger: bool
    time_in_force: bool
    post_only: bool
    quote_amount: bool
    """True when the `amount` input (the quote budget of a MARKET BUY) is shown."""
    stop: bool = False
    """OCO: the stop leg's limit price."""
    trail: bool = False
    """Trailing stop: the trail distance."""
    peg: bool = False
    """PEG: the deviation and stealth percents."""


def layout_for(kind: OrderKind, side: Side, market: Market | None = None) -> FieldLayout:
    """The inputs a kind and side show (a MARKET BUY asks for an amount, a SELL for a size)."""
    if kind.is_market:
        buy = side is Side.BUY
        return FieldLayout(
            price=False,
            size=not buy,
            trigger=kind.has_trigger,
            time_in_force=False,
            post_only=False,
            quote_amount=buy,
            trail=kind is OrderKind.TRAILING_STOP,
        )
    plain_limit = kind.order_type is OrderType.LIMIT
    return FieldLayout(
        price=True,
        size=True,
        trigger=kind.has_trigger,
        time_in_force=True,
        post_only=plain_limit,
        quote_amount=False,
        stop=kind is OrderKind.OCO,
        peg=kind is OrderKind.PEG,
    )


#: The form's client order ids are the session's (one generator, one format).
new_client_order_id = new_cl_order_id


# --------------------------------------------------------------------------- building


def parse_positive(field: str, text: str) -> Decimal:
    """A typed positive number for OrderRequest attribute `field` (ValidationError otherwise)."""
    value = rules.parse_decimal(field, text)
    if value <= 0:
        raise ValidationError(field, text.strip(), "must be greater than 0")
    return value


def parse_signed(field: str, text: str) -> Decimal:
    """A typed number that may be negative (a PEG's deviation): `-0.5`, `+1`, `2`."""
    stripped = text.strip()
    negative = stripped.startswith("-")
    value = rules.parse_decimal(field, stripped[1:] if stripped[:1] in "+-" else stripped)
    return -value if negative else value


def _request(fields: FormFields, market: Market) -> OrderRequest:
    """Parse the visible fields into an unquantised request (raises ValidationError).

    Errors name OrderRequest attributes (`price`, `trigger_price`, `size`, `cl_order_id`) like
    `rules.validate_order` does; `reason_text` turns them into the form's words.
    """
    layout = layout_for(fields.kind, fields.side, market)
    trigger = parse_positive("trigger_price", fields.trigger_price) if layout.trigger else None
    price: Decimal | None
    if layout.quote_amount:
        price = parse_positive("price", fields.amount)  # BTSE takes the amount as `price`
    else:
        price = parse_positive("price", fields.price) if layout.price else None
    size = parse_positive("size", fields.size) if layout.size else None
    stop = parse_positive("stop_price", fields.stop_price) if layout.stop else None
    trail = parse_positive("trail_value", fields.trail_value) if layout.trail else None
    deviation = stealth = None
    if layout.peg:
        deviation = parse_signed("deviation", fields.deviation)
        stealth = parse_positive("stealth", fields.stealth)
    cl_order_id = fields.cl_order_id.strip() or None
    if cl_order_id is not None and not CL_ORDER_ID_RE.fullmatch(cl_order_id):
        raise ValidationError(
            "cl_order_id", cl_order_id, "must be at most 32 letters, digits or - _ . :"
        )
    return OrderRequest(
        symbol=market.symbol,
        side=fields.side,
        type=fields.kind.order_type,
        size=size,
        price=price,
        time_in_force=fields.time_in_force if layout.time_in_force else TimeInForce.GTC,
        tx_type=fields.kind.tx_type,
        trigger_price=trigger,
        post_only=fields.post_only and layout.post_only,
        cl_order_id=cl_order_id,
        stop_price=stop,
        trail_value=trail,
        deviation=deviation,
        stealth=stealth,
    )


def build_request(
    fields: FormFields, market: Market, *, available: Decimal | None = None
) -> OrderRequest | ValidationError:
    """The quantised request the form would send, or the first reason it cannot be sent.

    `available` is the free balance that pays for the order (quote for a BUY, base for a SELL);
    None skips the balance check (balances not loaded yet).
    """
    try:
        request = _request(fields, market)
        return rules.validate_order(request, market, available=available)
    except ValidationError as error:
        return error


@dataclass(frozen=True, slots=True)
class FormCheck:
    """The form's verdict: the request to send, or reasons keyed by input id.

    `errors` maps an input id (`trigger`, `price`, `size`, `clid`, or `form` for the rest) to
    the reason; `notes` maps an input id to how its typed value was moved to the tick or lot.
    """

    request: OrderRequest | None
    errors: dict[str, ValidationError]
    notes: dict[str, str]

    @property
    def ok(self) -> bool:
        """True when the request can be sent."""
        return self.request is not None


def check_fields(
    fields: FormFields, market: Market, *, available: Decimal | None = None
) -> FormCheck:
    """Like `build_request`, but each typed input also gets its own parse error.

    So junk typed into `size` is reported under `size` even while `price` is still empty.
    Empty inputs report `is required` (the widget hides that until the trader tries to submit).
    """
    layout = layout_for(fields.kind, fields.side, market)
    errors: dict[str, ValidationError] = {}
    typed: dict[str, Decimal] = {}
    for input_id, attr, text, shown in (
        ("trigger", "trigger_price", fields.trigger_price, layout.trigger),
        ("price", "price", fields.price, layout.price),
        ("amount", "price", fields.amount, layout.quote_amount),
        ("size", "size", fields.size, layout.size),
        ("stop", "stop_price", fields.stop_price, layout.stop),
        ("trail", "trail_value", fields.trail_value, layout.trail),
        ("stealth", "stealth", fields.stealth, layout.peg),
        ("deviation", "deviation", fields.deviation, layout.peg),
    ):
        if shown:
            try:
                parse = parse_signed if input_id == "deviation" else parse_positive
                typed[input_id] = parse(attr, text)
            except ValidationError as error:
                errors[input_id] = error
    result = build_request(fields, market, available=available)
    if isinstance(result, ValidationError):
        errors.setdefault(input_for(result, layout), result)
        return FormCheck(None, errors, {})
    notes: dict[str, str] = {}
    if (
        layout.price
        and result.price is not None
        and result.price != typed.get("price", result.price)
    ):
        tick = plain_decimal(market.tick)
        notes["price"] = f"sends {rules.format_price(result.price, market)} (tick {tick})"
    if result.size is not None and "size" in typed and result.size != typed["size"]:
        lot = plain_decimal(market.lot)
        notes["size"] = f"sends {rules.format_size(result.size, market)} (lot {lot})"
    return FormCheck(result, errors, notes)


def input_for(error: ValidationError, layout: FieldLayout) -> str:
    """The input an error is shown under; hidden inputs' errors go to the form line."""
    input_id = field_of(error)
    if layout.quote_amount and input_id in ("size", "price"):
        input_id = "amount"  # a MARKET BUY's budget is sent as `price`, checked as `size`
    shown = {
        "trigger": layout.trigger,
        "price": layout.price,
        "amount": layout.quote_amount,
        "size": layout.size,
        "stop": layout.stop,
        "trail": layout.trail,
        "deviation": layout.peg,
        "stealth": layout.peg,
        "clid": True,
    }
    return input_id if shown.get(input_id, False) else "form"


#: How the form names OrderRequest attributes in reasons.
_DISPLAY_NAMES = {
    "trigger_price": "trigger price",
    "cl_order_id": "client order id",
    "time_in_force": "time in force",
    "post_only": "post-only",
    "tx_type": "order kind",
    "stop_price": "stop price",
    "trail_value": "trail",
}


def reason_text(error: ValidationError, layout: FieldLayout) -> str:
    """One sentence naming the input, the value and the rule, in the form's words."""
    name = _DISPLAY_NAMES.get(error.field, error.field)
    if layout.quote_amount and error.field in ("price", "size"):
        name = "amount"
    return str(ValidationError(name, error.value, error.rule))


def is_missing(error: ValidationError) -> bool:
    """True for an `is required` error (an input left empty)."""
    return error.value in (None, "") and "required" in error.rule


#: Form input each ValidationError field belongs to (normalised: lower case, letters only).
_FIELD_IDS = {
    "price": "price",
    "amount": "amount",
    "quoteamount": "amount",
    "budget": "amount",
    "triggerprice": "trigger",
    "trigger": "trigger",
    "stopprice": "stop",
    "trailvalue": "trail",
    "trail": "trail",
    "deviation": "deviation",
    "stealth": "stealth",
    "size": "size",
    "clientorderid": "clid",
    "clorderid": "clid",
}


def field_of(error: ValidationError) -> str:
    """Which input an error belongs to: `price`, `amount`, `trigger`, `size`, `stop`, `trail`,
    `deviation`, `stealth`, `clid` or `form`."""
    key = re.sub(r"[^a-z]", "", str(error.field).lower())
    return _FIELD_IDS.get(key, "form")


# --------------------------------------------------------------------------- helpers


#: Free balance that pays for an order (quote for a BUY, base for a SELL; None: not loaded):
#: the command line's rule too, so the form and a typed `25%` size from the same balance.
available_for = available_balance


def reference_price(side: Side, ticker: Ticker | None) -> Decimal | None:
    """The price a market order would meet: best ask for a BUY, best bid for a SELL, else last."""
    if ticker is None:
        return None
    best = ticker.ask if side is Side.BUY else ticker.bid
    return best if best else ticker.last


def quote_places(market: Market) -> int:
    """Decimals a quote amount is shown and rounded with: the tick's, at least 2."""
    exponent = market.tick.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(2, -exponent)


def fraction_text(
    fields: FormFields,
    market: Market,
    available: Decimal | None,
    fraction: Decimal,
    reference: Decimal | None = None,
) -> tuple[str, str] | ValidationError:
    """(input id, text) filling `fraction` of the available balance, rounded DOWN.

    A MARKET BUY fills the quote amount; any other BUY sizes by available quote / price (the
    typed price, or `reference` when none is typed); a SELL sizes by available base.
    """
    if available is None:
        return ValidationError("balance", "unknown", "balances are not loaded yet")
    layout = layout_for(fields.kind, fields.side, market)
    if layout.quote_amount:
        places = quote_places(market)
        amount = (available * fraction).quantize(Decimal(1).scaleb(-places), ROUND_DOWN)
        return "amount", format(amount, "f")
    price: Decimal | None = None
    if fields.side is Side.BUY:
        if fields.price.strip() and layout.price:
            try:
                price = rules.parse_decimal("price", fields.price)
            except ValidationError as error:
                return error
        price = price if price and price > 0 else reference
        if price is None or price <= 0:
            return ValidationError("price", fields.price or "(empty)", "enter a price first")
    else:
        price = reference
    size = rules.size_for_fraction(available, fraction, price, market, fields.side)
    return "size", format(size, "f")
