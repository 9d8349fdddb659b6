"""PnlTable: P&L per market from the trader's fills in plain words — `2.5 @ avg 3,280.10`,
unrealized and realized with sign and colour — and the equity line under the balances."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from textual.widget import Widget

from btse_tui.protocol.models import Market
from btse_tui.protocol.pnl import Position
from btse_tui.protocol.portfolio import Equity
from btse_tui.ui.widgets.format import MISSING, decimals_of, fmt_decimal
from btse_tui.ui.widgets.live_table import Column, LiveTable

#: Places of quote amounts (P&L, fees) when the market is not known.
QUOTE_PLACES = 2


def fmt_signed(value: Decimal | None, places: int, currency: str) -> str:
    """`+312.40 USDT` / `-8.10 USDT` / `0.00 USDT`; `no price` without a value."""
    if value is None:
        return "no price"
    text = fmt_decimal(value, places)
    sign = "+" if value > 0 and text.strip("0.,") else ""
    return f"{sign}{text} {currency}"


def describe_position(position: Position, market: Market | None, mark: Decimal | None) -> str:
    """One position in a sentence: `ETH: 2.5 @ avg 3,280.10, unrealized +312.40 USDT`."""
    size_places = None if market is None else decimals_of(market.lot)
    price_places = None if market is None else decimals_of(market.tick)
    unrealized = fmt_signed(position.unrealized(mark), QUOTE_PLACES, position.quote)
    average = position.average
    held = fmt_decimal(position.size, size_places)
    if average is None:
        return f"{position.base}: flat, realized {_realized(position)}"
    avg = fmt_decimal(average, price_places)
    return f"{position.base}: {held} @ avg {avg}, unrealized {unrealized}"


def _realized(position: Position) -> str:
    return fmt_signed(position.realized, QUOTE_PLACES, position.quote)


def _sign_tone(value: Any, row: Mapping[str, Any]) -> str | None:
    if value is None:
        return "warning"
    if not isinstance(value, Decimal) or not value.quantize(Decimal("0.01")):
        return "muted"
    return "up" if value > 0 else "down"


def _signed(value: Any, row: Mapping[str, Any]) -> str:
    return fmt_signed(value, QUOTE_PLACES, str(row.get("quote", "")))


def _fees(value: Any, row: Mapping[str, Any]) -> str:
    text = f"{fmt_decimal(value, QUOTE_PLACES)} {row.get('quote', '')}"
    other = row.get("other_fees") or {}
    extra = " ".join(f"+{fmt_decimal(v)} {c}" for c, v in sorted(other.items()))
    return f"{text} {extra}" if extra else text


def pnl_columns() -> tuple[Column, ...]:
    """Columns of the P&L table; the asset, its position and its unrealized P&L stay."""
    return (
        Column("asset", "Asset", 7, priority=200),
        Column("position", "Position @ avg cost", 22, priority=100),
        Column("unrealized", "Unrealized", 14, "right", _signed, _sign_tone, priority=100),
        Column("realized", "Realized", 14, "right", _signed, _sign_tone, priority=60),
        Column("fees", "Fees paid", 14, "right", _fees, priority=30),
    )


class PnlTable(LiveTable):
    """One row per market traded: position at average cost, unrealized P&L at the live
    price, realized P&L and fees (all fees included in the P&L; see protocol/pnl.py)."""

    DEFAULT_CSS = """
    PnlTable { height: 1fr; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            pnl_columns(),
            empty_text="No fills yet: P&L starts with the first one",
            show_cursor=False,
            search_keys=("asset",),
            **kwargs,
        )
        self._markets: dict[str, Market] = {}

    def set_markets(self, markets: Iterable[Market]) -> None:
        """Markets whose tick/lot decide the decimals."""
        self._markets = {market.symbol: market for market in markets}

    def set_positions(
        self, positions: Mapping[str, Position], marks: Mapping[str, Decimal | None], home: str
    ) -> None:
        """Show every position, marked at `marks[symbol]`; a market not quoted in `home`
        (the valuation currency) is named BASE/QUOTE."""
        rows = []
        for symbol, position in sorted(positions.items()):
            market = self._markets.get(symbol)
            mark = marks.get(symbol)
            asset = position.base if position.quote == home else f"{position.base}/{position.quote}"
            held = describe_position(position, market, mark).partition(": ")[2]
            if position.unknown_cost_size:
                held += f" (+{fmt_decimal(position.unknown_cost_size)} sold, cost unknown)"
            rows.append(
                (
                    symbol,
                    {
                        "asset": asset,
                        "position": held.partition(", unrealized")[0],
                        "unrealized": position.unrealized(mark),
                        "realized": position.realized,
                        "fees": position.fees,
                        "other_fees": dict(position.other_fees),
                        "quote": position.quote,
                    },
                )
            )
        self.set_rows(rows)


def equity_text(equity: Equity | None) -> str:
    """`Equity 31,245.10 USDT` plus the assets left out: `· no price: XYZ`."""
    if equity is None:
        return f"Equity {MISSING}"
    text = f"Equity {fmt_decimal(equity.total, QUOTE_PLACES)} {equity.quote}"
    if equity.unpriced:
        text += f"  · no price: {', '.join(equity.unpriced)} (not counted)"
    return text


class EquityLine(Widget):
    """The total equity in the valuation currency, and what it leaves out (one line)."""

    DEFAULT_CSS = """
    EquityLine { height: 1; padding: 0 1; color: $text; text-style: bold; }
    """

    _shown: str = equity_text(None)

    def show(self, equity: Equity | None) -> None:
        """Show `equity` (None: not known yet); the same text again sends nothing, and a new
        one repaints this line only (a Static's update would lay the screen out again, and
        that repaints every scrollbar)."""
        text = equity_text(equity)
        if text != self._shown:
            self._shown = text
            self.refresh()

    def render(self) -> str:
        return self._shown
