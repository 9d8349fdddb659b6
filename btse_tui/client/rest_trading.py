"""Trading half of the REST client: orders, open orders, fills, fees, wallet, dead man's switch."""

from __future__ import annotations

from btse_tui.client.rest_base import ORDERS_BUCKET, OrderAckRejected, RestBase
from btse_tui.protocol import codec
from btse_tui.protocol import endpoints as ep
from btse_tui.protocol.errors import (
    ApiError,
    AuthenticationError,
    BadValue,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
)
from btse_tui.protocol.models import (
    AmendRequest,
    Balance,
    FeeRate,
    Fill,
    Order,
    OrderRequest,
    OrderStatus,
)
from btse_tui.protocol.submission import OrderSubmission


class TradingApi(RestBase):
    """Private calls (signed; they raise ConfigError without credentials)."""

    async def place_order(self, order: OrderSubmission | OrderRequest) -> list[Order]:
        """POST an order (a submission's body exactly as built); returns the ack items (2 for
        OCO).

        Raises OrderAckRejected (an OrderRejected) when the first item is a failure status
        8/15/16/17 — `exc.order` holds it. RequestTimeout means the order may exist: query it
        by clOrderID, do not resend.
        """
        body = dict(order.body) if isinstance(order, OrderSubmission) else codec.order_body(order)
        reply = await self._call(
            "POST",
            self._spot + ep.ORDER,
            body=body,
            signed=True,
            bucket=ORDERS_BUCKET,
        )
        return _checked(codec.orders(reply))

    async def amend_order(self, request: AmendRequest) -> list[Order]:
        """PUT an amend; returns the ack (status 123). Failure statuses raise OrderAckRejected."""
        reply = await self._call(
            "PUT",
            self._spot + ep.ORDER,
            body=codec.amend_body(request),
            signed=True,
            bucket=ORDERS_BUCKET,
        )
        return _checked(codec.orders(reply))

    async def cancel_order(
        self, symbol: str, order_id: str | None = None, cl_order_id: str | None = None
    ) -> list[Order]:
        """DELETE one order (order_id), all orders with a clOrderID, or — with neither — ALL
        orders of `symbol`. Items come back as the exchange sent them (status 6 cancelled,
        16 not found); nothing is raised for per-item statuses."""
        params = codec.cancel_params(symbol, order_id=order_id, cl_order_id=cl_order_id)
        reply = await self._call(
            "DELETE", self._spot + ep.ORDER, params=params, signed=True, bucket=ORDERS_BUCKET
        )
        return codec.orders(reply)

    async def get_order(
        self, order_id: str | None = None, cl_order_id: str | None = None
    ) -> Order | None:
        """One order by id or clOrderID (open, or cancelled in the last 30 min); None if unknown."""
        if not order_id and not cl_order_id:
            raise ValueError("get_order needs order_id or cl_order_id")
        try:
            reply = await self._spot_get(
                ep.ORDER,
                signed=True,
                orderID=order_id or None,
                clOrderID=None if order_id else cl_order_id,
            )
        except NotFound:
            return None
        except ApiError as exc:
            if _means_not_found(exc):
                return None
            raise
        if reply is None or reply == [] or reply == {}:
            return None
        found = codec.order(reply)
        if found.status == OrderStatus.ORDER_NOTFOUND:
            return None
        return found

    async def open_orders(
        self,
        symbol: str | None = None,
        order_id: str | None = None,
        cl_order_id: str | None = None,
        *,
        dropped: list[BadValue] | None = None,
    ) -> list[Order]:
        """The trader's open orders (all symbols when `symbol` is None); rows that cannot be
        true are left out (and added to `dropped`)."""
        reply = await self._spot_get(
            ep.OPEN_ORDERS, signed=True, symbol=symbol, orderID=order_id, clOrderID=cl_order_id
        )
        return self._rows(codec.open_orders, reply, dropped=dropped)

    async def trade_history(
        self,
        symbol: str,
        *,
        start_ms: int | None = None,
        end_ms: int | None = None,
        count: int | None = None,
        order_id: str | None = None,
        cl_order_id: str | None = None,
        match_symbol: bool | None = None,
    ) -> list[Fill]:
        """The trader's own fills of `symbol` (window ≤ 7 days, times in epoch ms)."""
        reply = await self._spot_get(
            ep.TRADE_HISTORY,
            signed=True,
            symbol=symbol,
            startTime=start_ms,
            endTime=end_ms,
            count=count,
            orderID=order_id,
            clOrderID=cl_order_id,
            isMatchSymbol=match_symbol,
        )
        return self._rows(codec.trade_history, reply)

    async def fees(self, symbol: str | None = None) -> list[FeeRate]:
        """Maker/taker fee rates (one symbol or all)."""
        return self._rows(codec.fees, await self._spot_get(ep.FEES, signed=True, symbol=symbol))

    async def wallet(self, *, dropped: list[BadValue] | None = None) -> list[Balance]:
        """Spot balances (v3.2 wallet); a row that cannot be true (a negative balance …) is
        left out (and added to `dropped`)."""
        return self._rows(
            codec.wallet, await self._spot_get(ep.WALLET, signed=True), dropped=dropped
        )

    async def cancel_all_after(self, timeout_ms: int) -> None:
        """Arm (or re-arm) the dead man's switch: all orders are cancelled if not re-armed
        within `timeout_ms`."""
        body = codec.cancel_all_after_body(timeout_ms)
        await self._call(
            "POST", self._spot + ep.CANCEL_ALL_AFTER, body=body, signed=True, bucket=ORDERS_BUCKET
        )


def _checked(items: list[Order]) -> list[Order]:
    """Raise OrderAckRejected when the (first) ack item is a failure status."""
    if items and items[0].is_failure:
        raise OrderAckRejected.from_order(items[0], items)
    return items


def _means_not_found(exc: ApiError) -> bool:
    """An error reply that says 'no such order' (status 16 or the wording), not a real failure."""
    if isinstance(exc, RateLimited | AuthenticationError | PermissionDenied | ServerError):
        return False
    return exc.code == OrderStatus.ORDER_NOTFOUND or "not found" in exc.message.lower()
