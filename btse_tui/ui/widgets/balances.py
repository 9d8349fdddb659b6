"""BalancesTable: total, available and locked per currency, non-zero balances first."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from btse_tui.protocol.models import Balance
from btse_tui.ui.widgets.format import fmt_decimal
from btse_tui.ui.widgets.live_table import Column, LiveTable

#: Currencies shown with 2 decimals; everything else gets `DEFAULT_DECIMALS`.
FIAT_LIKE = frozenset({"USD", "USDT", "USDC", "EUR", "GBP", "JPY", "TWD", "HKD", "SGD"})
DEFAULT_DECIMALS = 8


def _amount(value: Any, row: Mapping[str, Any]) -> str:
    return fmt_decimal(value, row.get("dp"))


def _zero_tone(value: Any, row: Mapping[str, Any]) -> str | None:
    return "muted" if not value else None


def _locked_tone(value: Any, row: Mapping[str, Any]) -> str | None:
    return "warning" if value else "muted"


def balance_columns() -> tuple[Column, ...]:
    """Columns of the balances table."""
    return (
        Column(
            "currency",
            "Asset",
            6,
            tone=lambda v, r: None if r.get("total") else "muted",
            priority=200,
        ),
        Column("total", "Total", 16, "right", _amount, _zero_tone, flash=True, priority=100),
        Column("available", "Available", 16, "right", _amount, _zero_tone, priority=90),
        Column("locked", "Locked", 16, "right", _amount, _locked_tone, priority=80),
    )


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

    def set_balances(self, balances: Iterable[Balance]) -> None:
        """Show exactly these balances: non-zero first, then alphabetical."""
        ordered = sorted(balances, key=lambda b: (b.total == 0, b.currency))
        self._balances = {b.currency: b for b in ordered}
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
            "dp": self._places(balance.currency),
        }
