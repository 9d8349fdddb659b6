"""The money side of orders: fee rates, the funds an order locks, and the settlement of fills."""

from __future__ import annotations

from decimal import Decimal

from btse_tui.sim.engine.ledger import OrderLedger
from btse_tui.sim.engine.records import (
    STATUS_FILLED,
    STATUS_PARTIAL,
    ZERO,
    Account,
    FillHappened,
    FillRecord,
    OrderRecord,
)
from btse_tui.sim.engine.state import EngineState, MarketState
from btse_tui.sim.engine.validation import fmt


class Settlement:
    """Fee rates, locking what an order may spend, and moving balances when it fills."""

    def __init__(self, state: EngineState, ledger: OrderLedger) -> None:
        self._state = state
        self._ledger = ledger

    def maker_rate(self, acct: Account) -> Decimal:
        """The account's maker fee rate (its own, else the engine's default)."""
        return self._state.maker_fee if acct.maker_fee is None else acct.maker_fee

    def taker_rate(self, acct: Account) -> Decimal:
        """The account's taker fee rate (its own, else the engine's default)."""
        return self._state.taker_fee if acct.taker_fee is None else acct.taker_fee

    def lock(self, acct: Account, mk: MarketState, rec: OrderRecord) -> str | None:
        """Reserve what the order may spend; when the account lacks it, the refusal message.

        On refusal nothing is reserved and the caller closes the order as insufficient (8).
        """
        spec = mk.spec
        if rec.side == "BUY":
            currency = spec.quote
            if rec.order_type == "LIMIT":
                # a PEG buy holds enough for its limit, so repricing never needs more
                price = rec.peg_limit if rec.peg_limit is not None else rec.price
                assert price is not None and rec.current_size is not None
                need = price * rec.current_size * (1 + self.taker_rate(acct))
            elif rec.order_currency == "quote":
                assert rec.current_quote_size is not None
                need = rec.current_quote_size
            elif rec.is_trigger and not rec.triggered:
                need = ZERO  # base-sized market buy: priced when it fires
            else:
                assert rec.current_size is not None
                need = self._market_buy_cost(mk, rec.current_size - rec.filled_size)
        else:
            currency = spec.base
            assert rec.current_size is not None
            need = rec.current_size - rec.filled_size
        bal = acct.balance(currency)
        rec.lock_currency = currency
        if need > bal.available:
            return (
                f"Insufficient balance: needs {fmt(need)} {currency}, "
                f"available {fmt(bal.available)} {currency}"
            )
        bal.available -= need
        rec.locked += need
        if need:
            self._state.touch(acct, currency)
        return None

    @staticmethod
    def _market_buy_cost(mk: MarketState, size: Decimal) -> Decimal:
        cost = ZERO
        for level in mk.book.asks.iter_levels():
            take = min(size, level.size)
            cost += take * level.price
            size -= take
            if size <= ZERO:
                break
        return cost

    def settle(
        self,
        mk: MarketState,
        acct: Account,
        rec: OrderRecord,
        price: Decimal,
        qty: Decimal,
        quote_amt: Decimal,
        is_maker: bool,
        now: int,
        trade_uuid: str,
    ) -> None:
        """Settle one side of a match: balances, the order's fill state and its fill record."""
        state = self._state
        spec = mk.spec
        rate = self.maker_rate(acct) if is_maker else self.taker_rate(acct)
        if rec.side == "BUY":  # pay quote, get base less the fee
            fee = qty * rate
            fee_currency = spec.base
            if rec.order_type == "LIMIT":
                assert rec.price is not None
                consume = qty * rec.price * (1 + self.taker_rate(acct))
            else:
                consume = quote_amt
            pay, paid, get, got = spec.quote, quote_amt, spec.base, qty - fee
        else:  # pay base, get quote less the fee
            fee = quote_amt * rate
            fee_currency = spec.quote
            consume = qty
            pay, paid, get, got = spec.base, qty, spec.quote, quote_amt - fee
        if consume > rec.locked:
            consume = rec.locked
        rec.locked -= consume
        paying = acct.balance(pay)
        paying.total -= paid
        paying.available += consume - paid
        getting = acct.balance(get)
        getting.total += got
        getting.available += got
        rec.filled_size += qty
        rec.filled_quote += quote_amt
        rec.last_fill_size = qty
        rec.avg_fill_price = (rec.filled_quote / rec.filled_size).quantize(mk.avg_quant)
        rec.maker = is_maker
        rec.timestamp_ms = now
        full = rec.order_currency == "base" and rec.filled_size == rec.current_size
        rec.status = STATUS_FILLED if full else STATUS_PARTIAL
        if full:
            self._ledger.finish(acct, rec)
        if acct.private_events:
            state.fill_serial += 1
            fill = FillRecord(
                trade_id=trade_uuid,
                serial_id=state.fill_serial,
                order_id=rec.order_id,
                cl_order_id=rec.cl_order_id,
                api_key=acct.api_key,
                symbol=spec.symbol,
                side=rec.side,
                price=price,
                size=qty,
                fee_amount=fee,
                fee_currency=fee_currency,
                base=spec.base,
                quote=spec.quote,
                maker=is_maker,
                timestamp_ms=now,
                order_type=rec.order_type,
            )
            acct.fills.append(fill)
            state.touch(acct, spec.base)
            state.touch(acct, spec.quote)
            if state.listeners:
                state.emit(FillHappened(acct.api_key, fill))
            state.order_changed(acct, rec)
