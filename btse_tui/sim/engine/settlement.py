"""Fill settlement: fee rates, the balance transfer of one side of a match, and its fill record."""

from __future__ import annotations

from decimal import Decimal

from btse_tui.sim.engine.records import (
    STATUS_FILLED,
    STATUS_PARTIAL,
    Account,
    FillHappened,
    FillRecord,
    OrderRecord,
)
from btse_tui.sim.engine.state import EngineState, MarketState


class Settlement(EngineState):
    """Fees and settling fills; part of `MatchingCore`, which supplies `_finish`."""

    def _maker_rate(self, acct: Account) -> Decimal:
        return self.maker_fee if acct.maker_fee is None else acct.maker_fee

    def _taker_rate(self, acct: Account) -> Decimal:
        return self.taker_fee if acct.taker_fee is None else acct.taker_fee

    def _settle(
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
        spec = mk.spec
        rate = self._maker_rate(acct) if is_maker else self._taker_rate(acct)
        if rec.side == "BUY":  # pay quote, get base less the fee
            fee = qty * rate
            fee_currency = spec.base
            if rec.order_type == "LIMIT":
                assert rec.price is not None
                consume = qty * rec.price * (1 + self._taker_rate(acct))
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
            self._finish(acct, rec)
        if acct.private_events:
            self._serial += 1
            fill = FillRecord(
                trade_id=trade_uuid,
                serial_id=self._serial,
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
            self._touch(acct, spec.base)
            self._touch(acct, spec.quote)
            if self._listeners:
                self._emit(FillHappened(acct.api_key, fill))
            self._order_changed(acct, rec)
