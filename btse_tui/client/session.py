"""TradingSession: the one object the app talks to — REST, both sockets, ledger, journal, guards."""

from __future__ import annotations

from btse_tui.client.session_base import Emit, as_payload
from btse_tui.client.session_orders import OrderMixin, new_cl_order_id
from btse_tui.client.session_refresh import RefreshMixin
from btse_tui.client.session_sync import SyncMixin

__all__ = ["Emit", "TradingSession", "as_payload", "new_cl_order_id"]


class TradingSession(OrderMixin, SyncMixin, RefreshMixin):
    """Everything between the exchange and the screen, for one account.

    Build it with `TradingSession(settings, urls, journal=…, http=…, clock=…)`; the app owns
    asyncio workers that run `start(emit)` once and then `run_spot`, `run_book`, `run_refresh`
    and `run_dead_mans_switch` (each runs until cancelled or `close()`); every event — stream
    events and the `protocol.session_events` — is handed to `emit`. The first emit passed in
    also receives events raised by `place()` and the background order checks.

    Live state for the UI: `markets`, `tickers`, `balances`, `fees`/`fee_rates`, `ledger`
    (open orders, fills, pending submissions), `skew_ms`, `limiter`, `spot`, `books`,
    `selected`, `rest_ok`, `dead_mans_switch_s`, `dms_last_armed_ms`.

    Promises: an order POST is sent at most once (a timeout turns into `unknown — checking`
    and a query by clOrderID); after every reconnect the ledger is reconciled with the
    exchange over REST; every request, reply, notification, fill and connection event goes to
    the journal (never the secret); nothing is sent during a 429 block.
    """
