"""The command line's grammar: one typed line (`buy 0.1 BTC-USDT @ 60000`) parsed into one
Command, or a CommandError naming the word it could not read (pure; no market data here).

    line   := order | oco | trail | peg | cancel | alert | market
    order  := [kind] side size [symbol] [@ price] [limit price]
    kind   := stop | tp                        (a trigger order: `@` is then its trigger and
                                                `limit` the limit price after it fires)
    oco    := oco side size [symbol] @ price stop price limit price
                                               (limit leg @; stop leg's trigger and limit)
    trail  := trail side size [symbol] by NUMBER    (a trailing stop: the distance in quote)
    peg    := peg side size [symbol] @ price dev ±NUMBER % [show NUMBER %]
                                               (@ is the limit it never passes; dev off the
                                                index, show the percent on the book)
    side   := buy | sell
    size   := NUMBER | NUMBER % | $ NUMBER      (base size, % of available, quote amount)
    price  := NUMBER | bid | ask | last | +NUMBER % | -NUMBER %    (signed %: off the last)
    cancel := cancel (buys | sells | all) [symbol]
    alert  := alert [symbol] (> | < | above | below | crosses) NUMBER [repeat]
            | alert [symbol] moves NUMBER % in DURATION [repeat]       (15m, 2h)
    market := market symbol

Words are case-insensitive; `@`, `<`, `>`, `%` and `$` need no spaces around them. A missing
symbol means the selected market (resolved later, with the live data: `command_plan`).
New order kinds are one entry in `ORDER_KINDS`, new clauses one entry in `_CLAUSES`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from btse_tui.protocol.alert_rule import AlertCondition
from btse_tui.protocol.decimal_text import plain_decimal
from btse_tui.protocol.errors import ValidationError
from btse_tui.protocol.models import Side, TxType
from btse_tui.protocol.rules import PEG_DEVIATION_LIMIT, parse_decimal

__all__ = [
    "ORDER_KINDS",
    "VERBS",
    "AlertCommand",
    "BalancePercent",
    "BaseSize",
    "BookPrice",
    "CancelCommand",
    "CancelScope",
    "Command",
    "CommandError",
    "FixedPrice",
    "MarketCommand",
    "OrderCommand",
    "OrderStyle",
    "PriceSpec",
    "QuoteSize",
    "Reference",
    "RelativePrice",
    "SizeSpec",
    "parse_command",
    "tokens_of",
]

HUNDRED = Decimal(100)


# --------------------------------------------------------------------------- what a line means


@dataclass(frozen=True, slots=True)
class BaseSize:
    """A size in the market's base currency: `0.1`."""

    amount: Decimal

    def text(self) -> str:
        return plain_decimal(self.amount, grouped=False)


@dataclass(frozen=True, slots=True)
class BalancePercent:
    """A share of the available balance that pays for the order: `25%` (0 < percent ≤ 100)."""

    percent: Decimal

    def text(self) -> str:
        return f"{plain_decimal(self.percent, grouped=False)}%"


@dataclass(frozen=True, slots=True)
class QuoteSize:
    """An amount of the quote currency: `$500` (a market BUY spends it)."""

    amount: Decimal

    def text(self) -> str:
        return f"${plain_decimal(self.amount, grouped=False)}"


SizeSpec = BaseSize | BalancePercent | QuoteSize


class Reference(StrEnum):
    """A live price a command can name: the best bid, the best ask or the last trade."""

    BID = "bid"
    ASK = "ask"
    LAST = "last"


@dataclass(frozen=True, slots=True)
class FixedPrice:
    """A typed price: `60000`."""

    value: Decimal

    def text(self) -> str:
        return plain_decimal(self.value, grouped=False)


@dataclass(frozen=True, slots=True)
class BookPrice:
    """The live bid, ask or last: `@ bid`."""

    reference: Reference

    def text(self) -> str:
        return self.reference.value


@dataclass(frozen=True, slots=True)
class RelativePrice:
    """A price this many percent off the last trade: `+0.5%` (above), `-1%` (below)."""

    percent: Decimal

    def text(self) -> str:
        return _signed_percent_text(self.percent)


def _signed_percent_text(percent: Decimal) -> str:
    """A percent with its sign always written: `+0.5%`, `-1%` (how the grammar reads it)."""
    sign = "-" if percent < 0 else "+"
    return f"{sign}{plain_decimal(abs(percent), grouped=False)}%"


PriceSpec = FixedPrice | BookPrice | RelativePrice


class OrderStyle(StrEnum):
    """The order families beyond plain and trigger orders, each with its own first word."""

    PLAIN = "plain"  # limit / market, or a stop / tp trigger order (`tx_type`)
    OCO = "oco"  # a limit leg and a stop leg; one filling or firing cancels the other
    TRAIL = "trail"  # a trailing stop: its trigger follows the price by `trail`
    PEG = "peg"  # rests `deviation` % off the index price, never past `at`


@dataclass(frozen=True, slots=True)
class OrderCommand:
    """Place one order. `at` is the limit price of a plain order (None: at market), the
    trigger of a stop / take-profit (`tx_type`), whose `limit` makes it a limit order, the
    limit leg of an OCO (whose `stop` is the stop leg's trigger and `limit` its limit) and the
    price a PEG never passes. A trailing stop has no `at`, only its `trail` distance."""

    side: Side
    size: SizeSpec
    symbol: str | None = None
    at: PriceSpec | None = None
    tx_type: TxType = TxType.LIMIT
    limit: PriceSpec | None = None
    style: OrderStyle = OrderStyle.PLAIN
    stop: PriceSpec | None = None
    trail: Decimal | None = None
    deviation: Decimal | None = None
    show: Decimal | None = None

    def text(self) -> str:
        """The command written canonically (parses back to itself)."""
        if self.style is not OrderStyle.PLAIN:
            words = [self.style.value]
        else:
            words = [KIND_WORDS[self.tx_type]] if self.tx_type is not TxType.LIMIT else []
        words += [self.side.value.lower(), self.size.text()]
        if self.symbol:
            words.append(self.symbol)
        if self.at is not None:
            words += ["@", self.at.text()]
        if self.stop is not None:
            words += ["stop", self.stop.text()]
        if self.limit is not None:
            words += ["limit", self.limit.text()]
        if self.trail is not None:
            words += ["by", plain_decimal(self.trail, grouped=False)]
        if self.deviation is not None:
            words += ["dev", _signed_percent_text(self.deviation)]
        if self.show is not None:
            words += ["show", f"{plain_decimal(self.show, grouped=False)}%"]
        return " ".join(words)


class CancelScope(StrEnum):
    """Which open orders of a market a cancel hits."""

    BUYS = "buys"
    SELLS = "sells"
    ALL = "all"

    @property
    def side(self) -> Side | None:
        """The one side it cancels; None for all."""
        return {"buys": Side.BUY, "sells": Side.SELL}.get(self.value)


@dataclass(frozen=True, slots=True)
class CancelCommand:
    """Cancel the buys, the sells or every open order of one market."""

    scope: CancelScope
    symbol: str | None = None

    def text(self) -> str:
        return " ".join(w for w in ("cancel", self.scope.value, self.symbol) if w)


@dataclass(frozen=True, slots=True)
class AlertCommand:
    """Set a price alert (made into a `PriceAlert` once the market is known)."""

    condition: AlertCondition
    symbol: str | None = None
    level: Decimal | None = None
    move_percent: Decimal | None = None
    window_minutes: int | None = None
    recurring: bool = False

    def text(self) -> str:
        words = ["alert"] + ([self.symbol] if self.symbol else [])
        if self.condition is AlertCondition.MOVES:
            assert self.move_percent is not None
            words += ["moves", f"{plain_decimal(self.move_percent, grouped=False)}%"]
            words += ["in", f"{self.window_minutes}m"]
        else:
            assert self.level is not None
            words += [_CONDITION_WORDS[self.condition], plain_decimal(self.level, grouped=False)]
        if self.recurring:
            words.append("repeat")
        return " ".join(words)


@dataclass(frozen=True, slots=True)
class MarketCommand:
    """Select a market (the book, the ticket and the commands' default)."""

    symbol: str

    def text(self) -> str:
        return f"market {self.symbol}"


Command = OrderCommand | CancelCommand | AlertCommand | MarketCommand


@dataclass(frozen=True, slots=True)
class CommandError:
    """Why a line is not a command: the word it could not read (a word of the line, or ''
    for an empty line) and one sentence that names it in quotes."""

    word: str
    message: str

    def __str__(self) -> str:
        return self.message


# --------------------------------------------------------------------------- words

#: A market symbol as typed: two or more dash-joined parts (`BTC-USDT`), any case.
_SYMBOL = re.compile(r"[A-Za-z0-9]{1,20}(?:-[A-Za-z0-9]{1,20})+", re.ASCII)
#: One word: the punctuation that needs no spaces around it, or a run of anything else.
_TOKEN = re.compile(r"[@<>%$]|[^\s@<>%$]+")
_DURATION = re.compile(r"(\d{1,6})\s*(m|min|mins|minutes?|h|hr|hours?)", re.ASCII | re.IGNORECASE)
#: The limit on a `moves … in N` window: a week, in minutes.
MAX_WINDOW_MINUTES = 7 * 24 * 60

#: Words that turn an order into a trigger order (`stop sell …`).
ORDER_KINDS: dict[str, TxType] = {"stop": TxType.STOP, "tp": TxType.TRIGGER}
#: The first word of each order family beyond those (`oco sell …`, `trail sell …`, `peg buy …`).
STYLE_WORDS: dict[str, OrderStyle] = {
    style.value: style for style in OrderStyle if style is not OrderStyle.PLAIN
}

KIND_WORDS: dict[TxType, str] = {kind: word for word, kind in ORDER_KINDS.items()}
_CONDITIONS: dict[str, AlertCondition] = {
    ">": AlertCondition.ABOVE,
    "above": AlertCondition.ABOVE,
    "<": AlertCondition.BELOW,
    "below": AlertCondition.BELOW,
    "crosses": AlertCondition.CROSSES,
}
_CONDITION_WORDS = {
    AlertCondition.ABOVE: ">",
    AlertCondition.BELOW: "<",
    AlertCondition.CROSSES: "crosses",
}
_REPEAT_WORDS = frozenset({"repeat", "recurring"})


def tokens_of(line: str) -> list[str]:
    """The words of a line: `buy 0.1@60000` → `buy`, `0.1`, `@`, `60000`."""
    return _TOKEN.findall(line)


class _Refused(Exception):
    """Raised inside the parser; becomes the CommandError `parse_command` returns."""

    def __init__(self, word: str, message: str) -> None:
        super().__init__(message)
        self.error = CommandError(word, message)


class _Words:
    """A cursor over the words of one line; every refusal names a word of the line."""

    def __init__(self, words: list[str]) -> None:
        self.words = words
        self.at = 0

    def peek(self) -> str | None:
        return self.words[self.at].lower() if self.at < len(self.words) else None

    def take(self, what: str) -> str:
        """The next word; refused at the end of the line, naming the last word read."""
        if self.at >= len(self.words):
            last = self.words[-1]
            raise _Refused(last, f"expected {what} after '{last}'")
        word = self.words[self.at]
        self.at += 1
        return word

    def expect(self, wanted: str, what: str) -> None:
        word = self.take(what)
        if word.lower() != wanted:
            raise _Refused(word, f"could not read '{word}': expected {what}")

    def symbol(self) -> str | None:
        """A market symbol if the next word is one (upper-cased), else None."""
        word = self.peek()
        if word is not None and _SYMBOL.fullmatch(word):
            self.at += 1
            return word.upper()
        return None

    def missing(self, what: str) -> None:
        """Refuse: `what` should come next (naming the next word, or the last one read)."""
        if self.at < len(self.words):
            word = self.words[self.at]
            raise _Refused(word, f"could not read '{word}': expected {what}")
        last = self.words[-1]
        raise _Refused(last, f"expected {what} after '{last}'")

    def done(self, what: str) -> None:
        if self.at < len(self.words):
            word = self.words[self.at]
            raise _Refused(word, f"could not read '{word}': expected {what}")


def _number(word: str, name: str, *, allow_zero: bool = False) -> Decimal:
    """A typed number (the rules' number syntax) greater than 0, else refused naming `word`."""
    try:
        value = parse_decimal(name, word)
    except ValidationError as error:
        raise _Refused(word, f"could not read '{word}': {name} {error.rule}") from None
    if value <= 0 and not allow_zero:
        raise _Refused(word, f"could not read '{word}': {name} must be greater than 0")
    return value


def _percent(words: _Words, word: str, name: str) -> Decimal:
    value = _number(word, name)
    words.expect("%", f"'%' after the {name}")
    return value


# --------------------------------------------------------------------------- the grammar


def _size(words: _Words) -> SizeSpec:
    word = words.take("a size (0.1, 25% or $500)")
    if word == "$":
        return QuoteSize(_number(words.take("an amount after '$'"), "amount"))
    if words.peek() == "%":
        words.take("%")
        percent = _number(word, "share of the balance")
        if percent > HUNDRED:
            raise _Refused(word, f"could not read '{word}': a share of the balance is at most 100%")
        return BalancePercent(percent)
    return BaseSize(_number(word, "size"))


def _price(words: _Words, what: str) -> PriceSpec:
    word = words.take(f"{what} (a number, bid, ask, last or ±N%)")
    lowered = word.lower()
    if lowered in tuple(Reference):
        return BookPrice(Reference(lowered))
    if lowered[:1] in "+-":
        body = word[1:]
        if not body or words.peek() != "%":
            raise _Refused(word, f"could not read '{word}': an offset off the last is +N% or -N%")
        percent = _percent(words, body, "offset")
        if percent >= HUNDRED:
            raise _Refused(body, f"could not read '{body}': an offset must be under 100%")
        return RelativePrice(-percent if lowered[0] == "-" else percent)
    return FixedPrice(_number(word, what))


def _once(word: str, value: object) -> None:
    if value is not None:
        raise _Refused(word, f"could not read '{word}': it is already given")


def _limit_clause(words: _Words, order: OrderCommand) -> OrderCommand:
    if order.style is not OrderStyle.OCO and order.tx_type is TxType.LIMIT:
        raise _Refused(
            "limit", "could not read 'limit': only a stop, tp or oco order takes a limit"
        )
    _once("limit", order.limit)
    what = "stop leg's limit price" if order.style is OrderStyle.OCO else "limit price"
    return replace(order, limit=_price(words, what))


def _stop_clause(words: _Words, order: OrderCommand) -> OrderCommand:
    if order.style is not OrderStyle.OCO:
        raise _Refused("stop", "could not read 'stop': only an oco order takes a stop leg")
    _once("stop", order.stop)
    return replace(order, stop=_price(words, "stop leg's trigger price"))


def _by_clause(words: _Words, order: OrderCommand) -> OrderCommand:
    if order.style is not OrderStyle.TRAIL:
        raise _Refused("by", "could not read 'by': only a trail order follows the price by")
    _once("by", order.trail)
    return replace(order, trail=_number(words.take("a distance in the quote"), "trail"))


def _dev_clause(words: _Words, order: OrderCommand) -> OrderCommand:
    if order.style is not OrderStyle.PEG:
        raise _Refused("dev", "could not read 'dev': only a peg order has a deviation")
    _once("dev", order.deviation)
    word = words.take("a deviation like -0.5%")
    sign = -1 if word.startswith("-") else 1
    body = word[1:] if word[:1] in "+-" else word
    value = _number(body, "deviation", allow_zero=True) if body else None
    if value is None or words.peek() != "%":
        raise _Refused(word, f"could not read '{word}': a deviation is ±N% off the index")
    words.take("%")
    if value > PEG_DEVIATION_LIMIT:
        limit = plain_decimal(PEG_DEVIATION_LIMIT)
        raise _Refused(word, f"could not read '{word}': a deviation is at most ±{limit}%")
    return replace(order, deviation=sign * value)


def _show_clause(words: _Words, order: OrderCommand) -> OrderCommand:
    if order.style is not OrderStyle.PEG:
        raise _Refused("show", "could not read 'show': only a peg order shows part of itself")
    _once("show", order.show)
    word = words.take("a percent shown like 20%")
    value = _percent(words, word, "share shown")
    if value > HUNDRED:
        raise _Refused(word, f"could not read '{word}': a share shown is at most 100%")
    return replace(order, show=value)


#: Words after an order's price, each with the function that reads what follows it.
_CLAUSES: dict[str, Callable[[_Words, OrderCommand], OrderCommand]] = {
    "limit": _limit_clause,
    "stop": _stop_clause,
    "by": _by_clause,
    "dev": _dev_clause,
    "show": _show_clause,
}
#: What each family must carry, with the words that ask for it.
_NEEDED: dict[OrderStyle, tuple[tuple[str, str], ...]] = {
    OrderStyle.OCO: (
        ("stop", "'stop' and the stop leg's trigger"),
        ("limit", "'limit' and the stop leg's limit"),
    ),
    OrderStyle.TRAIL: (("trail", "'by' and the trail distance"),),
    OrderStyle.PEG: (("deviation", "'dev' and a deviation like -0.5%"),),
}


def _order(words: _Words, tx_type: TxType, style: OrderStyle = OrderStyle.PLAIN) -> OrderCommand:
    side_word = words.take("buy or sell")
    if side_word.lower() not in ("buy", "sell"):
        raise _Refused(side_word, f"could not read '{side_word}': expected buy or sell")
    side = Side(side_word.upper())
    order = OrderCommand(side, _size(words), words.symbol(), tx_type=tx_type, style=style)
    priced = style in (OrderStyle.OCO, OrderStyle.PEG)
    if words.peek() in ("@", "at"):
        word = words.take("@")
        if style is OrderStyle.TRAIL:
            raise _Refused(word, f"could not read '{word}': a trail order has no price, use by")
        trigger = tx_type is not TxType.LIMIT
        order = replace(order, at=_price(words, "trigger price" if trigger else "price"))
    elif style is not OrderStyle.PLAIN and priced:
        words.missing(f"'@ price' (a {style.value} order needs its limit price)")
    elif tx_type is not TxType.LIMIT and style is OrderStyle.PLAIN:
        words.missing(f"'@ trigger price' (a {KIND_WORDS[tx_type]} order triggers at a price)")
    while words.peek() in _CLAUSES:
        clause = words.take("a clause").lower()
        order = _CLAUSES[clause](words, order)
    for field, asked in _NEEDED.get(style, ()):
        if getattr(order, field) is None:
            words.missing(asked)
    plain_limit = tx_type is TxType.LIMIT and style is OrderStyle.PLAIN
    limit_price = order.at if plain_limit or priced else order.limit
    if isinstance(order.size, QuoteSize) and order.side is Side.SELL and limit_price is None:
        raise _Refused("$", "could not read '$': a market SELL is sized in the base currency")
    expected = (
        "@ price" if order.at is None and style is not OrderStyle.TRAIL else "the end of the line"
    )
    if order.symbol is None and order.at is None and style is OrderStyle.PLAIN:
        expected = "a market like BTC-USDT or @ price"
    words.done(expected)
    return order


def _cancel(words: _Words) -> CancelCommand:
    word = words.take("buys, sells or all")
    try:
        scope = CancelScope(word.lower())
    except ValueError:
        raise _Refused(word, f"could not read '{word}': expected buys, sells or all") from None
    command = CancelCommand(scope, words.symbol())
    words.done("a market like BTC-USDT" if command.symbol is None else "the end of the line")
    return command


def _window(words: _Words) -> int:
    word = words.take("a window like 15m or 1h")
    if words.peek() is not None and re.fullmatch(r"\d{1,6}", word):
        word = f"{word}{words.take('m or h')}"  # `15 m`
    match = _DURATION.fullmatch(word)
    if match is None:
        raise _Refused(word, f"could not read '{word}': expected a window like 15m or 1h")
    minutes = int(match.group(1)) * (60 if match.group(2).lower().startswith("h") else 1)
    if not 0 < minutes <= MAX_WINDOW_MINUTES:
        raise _Refused(word, f"could not read '{word}': a window is 1 minute to 7 days")
    return minutes


def _alert(words: _Words) -> AlertCommand:
    symbol = words.symbol()
    word = words.take(">, <, crosses or moves")
    lowered = word.lower()
    if lowered == "moves":
        percent = _percent(words, words.take("a percent like 2%"), "move")
        words.expect("in", "'in' and a window (moves 2% in 15m)")
        command = AlertCommand(
            AlertCondition.MOVES, symbol, move_percent=percent, window_minutes=_window(words)
        )
    elif lowered in _CONDITIONS:
        level = _number(words.take("a price level"), "level")
        command = AlertCommand(_CONDITIONS[lowered], symbol, level=level)
    else:
        raise _Refused(word, f"could not read '{word}': expected >, <, crosses or moves")
    if words.peek() in _REPEAT_WORDS:
        words.take("repeat")
        command = replace(command, recurring=True)
    words.done("repeat or the end of the line")
    return command


def _market(words: _Words) -> MarketCommand:
    word = words.take("a market like ETH-USDT")
    if not _SYMBOL.fullmatch(word):
        raise _Refused(word, f"could not read '{word}': expected a market like ETH-USDT")
    words.done("the end of the line")
    return MarketCommand(word.upper())


def _plain_order(words: _Words) -> Command:
    words.at -= 1  # `buy` / `sell` is also the order's side word
    return _order(words, TxType.LIMIT)


def _kind_order(kind: TxType) -> Callable[[_Words], Command]:
    """The reader of a `stop …` / `tp …` line."""

    def read(words: _Words) -> Command:
        return _order(words, kind)

    return read


def _style_order(style: OrderStyle) -> Callable[[_Words], Command]:
    """The reader of an `oco …` / `trail …` / `peg …` line."""
    tx_type = TxType.STOP if style is OrderStyle.TRAIL else TxType.LIMIT

    def read(words: _Words) -> Command:
        return _order(words, tx_type, style)

    return read


#: The first word of each command, with what reads the rest of the line.
VERBS: dict[str, Callable[[_Words], Command]] = {
    "buy": _plain_order,
    "sell": _plain_order,
    **{word: _kind_order(kind) for word, kind in ORDER_KINDS.items()},
    **{word: _style_order(style) for word, style in STYLE_WORDS.items()},
    "cancel": _cancel,
    "alert": _alert,
    "market": _market,
}


def parse_command(line: str) -> Command | CommandError:
    """The command `line` says, or why not (naming the word it could not read)."""
    words = _Words(tokens_of(line))
    if not words.words:
        return CommandError("", "type a command: buy, sell, stop, cancel, alert or market")
    verb = words.take("a command")
    reader = VERBS.get(verb.lower())
    if reader is None:
        known = ", ".join(VERBS)
        return CommandError(verb, f"could not read '{verb}': commands are {known}")
    try:
        return reader(words)
    except _Refused as refused:
        return refused.error
