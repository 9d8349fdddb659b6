"""The command line's grammar: what each line means, and the word named when it means nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from btse_tui.protocol.alert_rule import AlertCondition
from btse_tui.protocol.command import (
    AlertCommand,
    BalancePercent,
    BaseSize,
    BookPrice,
    CancelCommand,
    CancelScope,
    Command,
    CommandError,
    FixedPrice,
    MarketCommand,
    OrderCommand,
    OrderStyle,
    QuoteSize,
    Reference,
    RelativePrice,
    parse_command,
    tokens_of,
)
from btse_tui.protocol.models import Side, TxType

D = Decimal


@pytest.mark.parametrize(
    ("line", "command"),
    [
        (
            "buy 0.1 BTC-USDT @ 60000",
            OrderCommand(Side.BUY, BaseSize(D("0.1")), "BTC-USDT", FixedPrice(D(60000))),
        ),
        ("sell 25% ETH-USDT", OrderCommand(Side.SELL, BalancePercent(D(25)), "ETH-USDT")),
        ("buy $500 BTC-USDT", OrderCommand(Side.BUY, QuoteSize(D(500)), "BTC-USDT")),
        ("buy 0.1 @ bid", OrderCommand(Side.BUY, BaseSize(D("0.1")), at=BookPrice(Reference.BID))),
        ("buy 0.1 @ ask", OrderCommand(Side.BUY, BaseSize(D("0.1")), at=BookPrice(Reference.ASK))),
        (
            "sell 0.1 @ last",
            OrderCommand(Side.SELL, BaseSize(D("0.1")), at=BookPrice(Reference.LAST)),
        ),
        (
            "sell 0.5 SOL-USDT @ +0.5%",
            OrderCommand(Side.SELL, BaseSize(D("0.5")), "SOL-USDT", RelativePrice(D("0.5"))),
        ),
        (
            "buy 1 @ -2%",
            OrderCommand(Side.BUY, BaseSize(D(1)), at=RelativePrice(D(-2))),
        ),
        (
            "stop sell 0.1 BTC-USDT @ 95000",
            OrderCommand(
                Side.SELL, BaseSize(D("0.1")), "BTC-USDT", FixedPrice(D(95000)), TxType.STOP
            ),
        ),
        (
            "stop sell 0.1 @ 95000 limit 94900",
            OrderCommand(
                Side.SELL,
                BaseSize(D("0.1")),
                None,
                FixedPrice(D(95000)),
                TxType.STOP,
                FixedPrice(D(94900)),
            ),
        ),
        (
            "tp sell 0.1 @ 110000",
            OrderCommand(
                Side.SELL, BaseSize(D("0.1")), None, FixedPrice(D(110000)), TxType.TRIGGER
            ),
        ),
        (
            "oco sell 0.1 BTC-USDT @ 105000 stop 95000 limit 94900",
            OrderCommand(
                Side.SELL,
                BaseSize(D("0.1")),
                "BTC-USDT",
                FixedPrice(D(105000)),
                limit=FixedPrice(D(94900)),
                style=OrderStyle.OCO,
                stop=FixedPrice(D(95000)),
            ),
        ),
        (
            "trail sell 0.1 by 500",
            OrderCommand(
                Side.SELL,
                BaseSize(D("0.1")),
                tx_type=TxType.STOP,
                style=OrderStyle.TRAIL,
                trail=D(500),
            ),
        ),
        (
            "peg buy 0.1 ETH-USDT @ 3000 dev -0.5% show 20%",
            OrderCommand(
                Side.BUY,
                BaseSize(D("0.1")),
                "ETH-USDT",
                FixedPrice(D(3000)),
                style=OrderStyle.PEG,
                deviation=D("-0.5"),
                show=D(20),
            ),
        ),
        ("cancel buys BTC-USDT", CancelCommand(CancelScope.BUYS, "BTC-USDT")),
        ("cancel sells", CancelCommand(CancelScope.SELLS)),
        ("cancel all", CancelCommand(CancelScope.ALL)),
        (
            "alert BTC-USDT > 100000",
            AlertCommand(AlertCondition.ABOVE, "BTC-USDT", level=D(100000)),
        ),
        ("alert below 90000", AlertCommand(AlertCondition.BELOW, level=D(90000))),
        (
            "alert ETH-USDT crosses 3500 repeat",
            AlertCommand(AlertCondition.CROSSES, "ETH-USDT", level=D(3500), recurring=True),
        ),
        (
            "alert moves 2% in 15m",
            AlertCommand(AlertCondition.MOVES, move_percent=D(2), window_minutes=15),
        ),
        (
            "alert SOL-USDT moves 1.5% in 2h recurring",
            AlertCommand(
                AlertCondition.MOVES,
                "SOL-USDT",
                move_percent=D("1.5"),
                window_minutes=120,
                recurring=True,
            ),
        ),
        ("market ETH-USDT", MarketCommand("ETH-USDT")),
    ],
)
def test_each_documented_line_means_one_command(line: str, command: Command) -> None:
    assert parse_command(line) == command
    assert parse_command(command.text()) == command


def test_words_are_case_insensitive_and_punctuation_needs_no_spaces() -> None:
    expected = parse_command("buy 0.1 BTC-USDT @ 60000")
    assert parse_command("BUY 0.1 btc-usdt@60000") == expected
    assert parse_command("  Buy   0.1  Btc-Usdt  at  60000 ") == expected
    assert parse_command("alert btc-usdt>100000") == parse_command("alert BTC-USDT > 100000")
    assert parse_command("sell 25 % ETH-USDT") == parse_command("sell 25% ETH-USDT")
    assert parse_command("buy $ 500") == parse_command("buy $500")


@pytest.mark.parametrize(
    ("line", "word"),
    [
        ("frobnicate 1", "frobnicate"),
        ("buy", "buy"),
        ("buy abc BTC-USDT", "abc"),
        ("buy 0 BTC-USDT", "0"),
        ("buy -1 BTC-USDT", "-1"),
        ("buy 1,000 BTC-USDT", "1,000"),
        ("buy nan", "nan"),
        ("buy 0.1 BTC-USDT @", "@"),
        ("buy 0.1 BTC-USDT @ cheap", "cheap"),
        ("buy 0.1 BTC-USDT @ +0.5", "+0.5"),
        ("buy 0.1 BTC-USDT @ 60000 now", "now"),
        ("buy 0.1 BTCUSDT", "BTCUSDT"),
        ("buy 150% BTC-USDT", "150"),
        ("sell $500 BTC-USDT", "$"),
        ("stop sell 0.1 BTC-USDT", "BTC-USDT"),
        ("stop sell 0.1 BTC-USDT now", "now"),
        ("buy 0.1 @ 60000 limit 59000", "limit"),
        ("oco sell 0.1 @ 105000 limit 94900", "94900"),
        ("oco sell 0.1 stop 95000", "stop"),
        ("trail sell 0.1 @ 95000", "@"),
        ("trail sell 0.1", "0.1"),
        ("peg buy 0.1 @ 3000 dev 11%", "11"),
        ("peg buy 0.1 @ 3000 dev half", "half"),
        ("buy 0.1 @ 60000 dev 1%", "dev"),
        ("stop sell 0.1 @ 95000 by 50", "by"),
        ("cancel", "cancel"),
        ("cancel mine", "mine"),
        ("cancel all BTC-USDT please", "please"),
        ("alert BTC-USDT >", ">"),
        ("alert BTC-USDT = 5", "="),
        ("alert moves 2% in soon", "soon"),
        ("alert moves 2% in 0m", "0m"),
        ("alert moves 2 in 15m", "in"),
        ("market", "market"),
        ("market bitcoin", "bitcoin"),
    ],
)
def test_a_rejected_line_names_the_word_it_could_not_read(line: str, word: str) -> None:
    result = parse_command(line)
    assert isinstance(result, CommandError), result
    assert result.word == word
    assert f"'{word}'" in result.message


def test_a_rejected_word_is_named_with_what_was_expected_there() -> None:
    assert str(parse_command("buy 0.1 @ cheap")) == (
        "could not read 'cheap': price is not a number"
    )
    assert str(parse_command("stop sell 0.1 @ cheap")) == (
        "could not read 'cheap': trigger price is not a number"
    )
    assert str(parse_command("buy 0.1 BTC-USDT @ 1 2")) == (
        "could not read '2': expected the end of the line"
    )
    assert str(parse_command("stop sell 0.1")) == (
        "expected '@ trigger price' (a stop order triggers at a price) after '0.1'"
    )


def test_an_empty_line_asks_for_a_command() -> None:
    result = parse_command("   ")
    assert isinstance(result, CommandError)
    assert "buy" in result.message and result.word == ""


# --------------------------------------------------------------------------- properties

numbers = st.decimals(
    min_value=D("0.00000001"), max_value=D("99999999"), places=8, allow_nan=False
).map(lambda d: d.normalize() if d == d.to_integral_value() else d)
percents = st.decimals(min_value=D("0.01"), max_value=D(100), places=2)
offsets = st.decimals(min_value=D("-99.99"), max_value=D("99.99"), places=2).filter(bool)
symbols = st.one_of(
    st.none(), st.sampled_from(["BTC-USDT", "ETH-USDT", "SOL-USDT", "ETH-BTC", "BTC-PERP-USDT"])
)
sizes = st.one_of(numbers.map(BaseSize), percents.map(BalancePercent), numbers.map(QuoteSize))
prices = st.one_of(
    numbers.map(FixedPrice),
    st.sampled_from(list(Reference)).map(BookPrice),
    offsets.map(RelativePrice),
)


@st.composite
def order_commands(draw: st.DrawFn) -> OrderCommand:
    tx_type = draw(st.sampled_from(list(TxType)))
    side = draw(st.sampled_from(list(Side)))
    at = draw(prices) if tx_type is not TxType.LIMIT else draw(st.one_of(st.none(), prices))
    limit = draw(st.one_of(st.none(), prices)) if tx_type is not TxType.LIMIT else None
    size = draw(sizes)
    limit_price = at if tx_type is TxType.LIMIT else limit
    if side is Side.SELL and isinstance(size, QuoteSize) and limit_price is None:
        size = BaseSize(size.amount)  # the grammar refuses a quote-sized market sell
    return OrderCommand(side, size, draw(symbols), at, tx_type, limit)


@st.composite
def style_commands(draw: st.DrawFn) -> OrderCommand:
    """OCO, trailing and PEG orders, each with what its family must carry."""
    style = draw(st.sampled_from([OrderStyle.OCO, OrderStyle.TRAIL, OrderStyle.PEG]))
    side = draw(st.sampled_from(list(Side)))
    size = draw(sizes)
    if isinstance(size, QuoteSize) and side is Side.SELL and style is OrderStyle.TRAIL:
        size = BaseSize(size.amount)  # a market SELL is sized in the base currency
    symbol = draw(symbols)
    if style is OrderStyle.OCO:
        return OrderCommand(
            side, size, symbol, draw(prices), limit=draw(prices), style=style, stop=draw(prices)
        )
    if style is OrderStyle.TRAIL:
        return OrderCommand(
            side, size, symbol, tx_type=TxType.STOP, style=style, trail=draw(numbers)
        )
    deviation = draw(st.decimals(min_value=-10, max_value=10, places=2))
    show = draw(st.one_of(st.none(), st.decimals(min_value="0.01", max_value=100, places=2)))
    return OrderCommand(
        side, size, symbol, draw(prices), style=style, deviation=deviation, show=show
    )


@st.composite
def alert_commands(draw: st.DrawFn) -> AlertCommand:
    condition = draw(st.sampled_from(list(AlertCondition)))
    recurring = draw(st.booleans())
    symbol = draw(symbols)
    if condition is AlertCondition.MOVES:
        window = draw(st.integers(min_value=1, max_value=7 * 24 * 60))
        return AlertCommand(condition, symbol, None, draw(percents), window, recurring)
    return AlertCommand(condition, symbol, level=draw(numbers), recurring=recurring)


commands = st.one_of(
    order_commands(),
    style_commands(),
    st.builds(CancelCommand, st.sampled_from(list(CancelScope)), symbols),
    alert_commands(),
    st.sampled_from(["BTC-USDT", "ETH-BTC"]).map(MarketCommand),
)


@settings(max_examples=400)
@given(commands, st.data())
def test_every_command_written_out_reads_back_as_exactly_itself(
    command: Command, data: st.DataObject
) -> None:
    line = command.text()
    assert parse_command(line) == command
    # the same line typed differently: case, spaces, `@` glued on
    shouty = line.upper() if data.draw(st.booleans()) else line
    spaced = shouty.replace(" @ ", "@") if data.draw(st.booleans()) else shouty
    assert parse_command(f"  {spaced}  ") == command


words = st.one_of(
    st.sampled_from(
        [
            "buy",
            "sell",
            "stop",
            "tp",
            "cancel",
            "alert",
            "market",
            "buys",
            "sells",
            "all",
            "@",
            "at",
            "%",
            "$",
            ">",
            "<",
            "crosses",
            "moves",
            "in",
            "15m",
            "2h",
            "repeat",
            "limit",
            "bid",
            "ask",
            "last",
            "BTC-USDT",
            "eth-usdt",
            "0.1",
            "25",
            "+0.5",
            "-2",
            "0",
            "1e3",
            "nan",
            "x",
            "-",
            "",
        ]
    ),
    st.text(alphabet="abcz019.-+%$@<>", min_size=1, max_size=6),
)


@settings(max_examples=600)
@given(st.lists(words, min_size=1, max_size=9))
def test_any_line_is_one_command_or_names_a_word_of_the_line(parts: list[str]) -> None:
    line = " ".join(parts)
    result = parse_command(line)
    if isinstance(result, CommandError):
        tokens = tokens_of(line)
        assert result.word in tokens or (not tokens and result.word == "")
        if tokens:
            assert f"'{result.word}'" in result.message
    else:
        # one meaning: its canonical text reads back as the same command
        assert parse_command(result.text()) == result
