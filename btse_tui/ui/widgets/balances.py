"""BalancesTable: total, available and locked per currency, and each one's value in the
valuation currency (`no price` when none can be found), non-zero balances first."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from textual import events

from btse_tui.protocol.models import Balance
from btse_tui.ui.widgets.format import fit_amount
from btse_tui.ui.widgets.live_table import Column, LiveTable

#: Currencies shown with 2 decimals; everything else gets `DEFAULT_DECIMALS`.
FIAT_LIKE = frozenset({"USD", "USDT", "USDC", "EUR", "GBP", "JPY", "TWD", "HKD", "SGD"})
DEFAULT_DECIMALS = 8
#: Widths of the Total / Available / Locked columns: the narrowest keeps all three beside the
#: asset in a 46-cell pane; wider panes show more decimals (`fit_amount` decides what fits).
AMOUNT_WIDTH_MIN = 11
AMOUNT_WIDTH_MAX = 18
ASSET_WIDTH = 6
#: Width of the Value column (`no price` when an asset has no live price path).
VALUE_WIDTH = 12
NO_PRICE = "no price"


def _amount_in(width: int) -> Callable[[Any, Mapping[str, Any]], str]:
    def amount(value: Any, row: Mapping[str, Any]) -> str:
        return fit_amount(value, row.get("dp"), width)

    return amount


def _zero_tone(value: Any, row: Mapping[str, Any]) -> str | None:
    return "muted" if not value else None


def _value(value: Any, row: Mapping[str, Any]) -> str:
    if value is None:
        return NO_PRICE
    return fit_amount(value, 2, VALUE_WIDTH)


def _value_tone(value: Any, row: Mapping[str, Any]) -> str | None:
    if value is None:
        return "warning" if row.get("total") else "muted"
    return None if value else "muted"


def _locked_tone(value: Any, row: Mapping[str, Any]) -> str | None:
    return "warning" if value else "muted"


def _asset_tone(value: Any, row: Mapping[str, Any]) -> str | None:
    return None if row.get("total") else "muted"


def amount_width_for(table_width: int) -> int:
    """The amount-column width that fits asset + three amounts + value in `table_width`."""
    room = (table_width - 2 - ASSET_WIDTH - VALUE_WIDTH - 4) // 3  # two gutters, four gaps
    return max(AMOUNT_WIDTH_MIN, min(AMOUNT_WIDTH_MAX, room))


def balance_columns(amount_width: int = 16, quote: str = "USDT") -> tuple[Column, ...]:
    """Columns of the balances table, amounts `amount_width` cells wide, values in `quote`."""
    amount = _amount_in(amount_width)
    width = amount_width
    return (
        Column("currency", "Asset", ASSET_WIDTH, tone=_asset_tone, priority=200),
        Column("total", "Total", width, "right", amount, _zero_tone, flash=True, priority=100),
        Column("available", "Available", width, "right", amount, _zero_tone, priority=90),
        Column("locked", "Locked", width, "right", amount, _locked_tone, priority=80),
        Column("value", f"Value {quote}"[:VALUE_WIDTH], VALUE_WIDTH, "right", _value,
               _value_tone, priority=70),
    )  # fmt: skip


class BalancesTable(LiveTable):
    """Wallet balances; zero balances are dimmed and listed after the non-zero ones."""

    DEFAULT_CSS = """
    BalancesTable { height: auto; max-height: 12; }
    """

    def __init__(
        self,
        *,
        decimals: Mapping[str, int] | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """Create an empty table; `decimals` overrides places per currency (e.g. {"BTC": 8})."""
        super().__init__(
            balance_columns(),
            empty_text="No balances yet",
            show_cursor=False,
            search_keys=("currency",),
            name=name,
            id=id,
            classes=classes,
        )
        self._decimals = dict(decimals or {})
        self._balances: dict[str, Balance] = {}
        self._values_in: Mapping[str, Decimal | None] = {}
        self._amount_width = 16
        self.quote = "USDT"
        """The valuation currency of the Value column."""

    def on_resize(self, event: events.Resize) -> None:
        """Amount columns as wide as the pane allows (all three stay in view)."""
        usable = self.size.width - self.styles.scrollbar_size_vertical
        width = amount_width_for(usable)
        if width != self._amount_width:
            self._amount_width = width
            self.set_columns(balance_columns(width, self.quote))

    def set_quote(self, quote: str) -> None:
        """Value the balances in `quote`."""
        self.quote = quote
        self.set_columns(balance_columns(self._amount_width, quote))

    def set_balances(
        self, balances: Iterable[Balance], values: Mapping[str, Decimal | None] | None = None
    ) -> None:
        """Show exactly these balances: non-zero first, then alphabetical; `values` (by
        currency, None = no price) fill the Value column."""
        ordered = sorted(balances, key=lambda b: (b.total == 0, b.currency))
        self._balances = {b.currency: b for b in ordered}
        if values is not None:
            self._values_in = values
        self.set_rows((b.currency, self._values(b)) for b in ordered)

    def balance(self, currency: str) -> Balance | None:
        """The last balance set for `currency`."""
        return self._balances.get(currency)

    def _places(self, currency: str) -> int:
        if currency in self._decimals:
            return self._decimals[currency]
        return 2 if currency in FIAT_LIKE else DEFAULT_DECIMALS

    def _values(self, balance: Balance) -> dict[str, Any]:
        return {
            "currency": balance.currency,
            "total": balance.total,
            "available": balance.available,
            "locked": max(balance.locked, Decimal(0)),
            "value": self._values_in.get(balance.currency),
            "dp": self._places(balance.currency),
        }
