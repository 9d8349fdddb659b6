"""Server-side BTSE authentication: HMAC-SHA384 signature, nonce window and key permissions."""

from __future__ import annotations

import heapq
import hmac
from collections.abc import Callable, Mapping

from btse_tui.protocol.signing import WS_SPOT_PATH, sign, signature_message, signing_path
from btse_tui.sim.engine.records import Account

#: `code` carried in 401/403 bodies (BTSE's "UNAUTHORIZED" code of its newer APIs).
AUTH_ERROR_CODE = 10002

MSG_MISSING = "api parameter is mandatory"
MSG_BAD_SIGNATURE = "Signature verification failed"
MSG_BAD_NONCE = "Invalid nonce"


class AuthError(Exception):
    """Authentication (401) or permission (403) failure with the body BTSE would send."""

    def __init__(self, status: int, message: str, code: int = AUTH_ERROR_CODE) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code

    def body(self) -> dict[str, object]:
        """The D-error-codes shape: `{"status","error","code","message"}` (btse-api.md §7.2)."""
        error = "Unauthorized" if self.status == 401 else "Forbidden"
        return {"status": self.status, "error": error, "code": self.code, "message": self.message}


def _nonce_ok(nonce: str, now_ms: int, window_ms: int) -> bool:
    # ASCII digits only: "²".isdigit() is true, but int("²") fails
    if not (nonce.isascii() and nonce.isdigit()) or len(nonce) > 19:
        return False
    return abs(int(nonce) - now_ms) <= window_ms


class UsedNonces:
    """The REST nonces each key has signed with inside the signing window.

    BTSE publishes no replay rule (btse-api.md §2.1); the simulator's is: a key may use a nonce
    once. A second request with it (a replayed or duplicated request) is refused with 401
    "Invalid nonce" even when its signature is good. Older nonces fall out of the window and
    are forgotten: the window check refuses them anyway.
    """

    def __init__(self) -> None:
        self._by_key: dict[str, tuple[set[int], list[int]]] = {}

    def claim(self, api_key: str, nonce: int, now_ms: int, window_ms: int) -> bool:
        """Record `nonce` for `api_key`; False when the key already used it."""
        used, oldest_first = self._by_key.setdefault(api_key, (set(), []))
        while oldest_first and oldest_first[0] < now_ms - window_ms:
            used.discard(heapq.heappop(oldest_first))
        if nonce in used:
            return False
        used.add(nonce)
        heapq.heappush(oldest_first, nonce)
        return True


def _signature_ok(secret: str, message: str, given: str) -> bool:
    return hmac.compare_digest(sign(secret, message), given.strip().lower())


def verify_rest(
    lookup: Callable[[str], Account | None],
    headers: Mapping[str, str],
    url_path: str,
    body: bytes,
    now_ms: int,
    window_ms: int,
    used_nonces: UsedNonces | None = None,
) -> Account:
    """Return the account whose key signed this request, or raise `AuthError(401)`.

    The signed message is `signing_path(url_path) + nonce + body` where `url_path` has no query
    string and `body` is the exact bytes received (btse-api.md §2.1). With `used_nonces`, a
    nonce the key already signed with is refused (replay).
    """
    key = headers.get("request-api", "")
    nonce = headers.get("request-nonce", "")
    given = headers.get("request-sign", "")
    if not key or not nonce or not given:
        raise AuthError(401, MSG_MISSING)
    account = lookup(key)
    if account is None:
        raise AuthError(401, MSG_BAD_SIGNATURE)
    if not _nonce_ok(nonce, now_ms, window_ms):
        raise AuthError(401, MSG_BAD_NONCE)
    try:
        body_text = body.decode()
    except UnicodeDecodeError as exc:
        raise AuthError(401, MSG_BAD_SIGNATURE) from exc
    message = signature_message(signing_path(url_path), nonce, body_text)
    if not _signature_ok(account.secret, message, given):
        raise AuthError(401, MSG_BAD_SIGNATURE)
    if used_nonces is not None and not used_nonces.claim(key, int(nonce), now_ms, window_ms):
        raise AuthError(401, f"{MSG_BAD_NONCE}: {nonce} was already used by this API key")
    return account


def require(account: Account, permission: str) -> None:
    """Raise `AuthError(403)` unless the key holds `permission` (Read, Trading, Wallet…)."""
    if permission not in account.permissions:
        raise AuthError(403, f"API key lacks the {permission} permission")


def verify_ws(
    lookup: Callable[[str], Account | None],
    args: object,
    now_ms: int,
    window_ms: int,
    path: str = WS_SPOT_PATH,
) -> Account | None:
    """Check `authKeyExpires` args `[key, nonce, HMAC(secret, path + nonce)]`; None on failure."""
    if not isinstance(args, list) or len(args) < 3:
        return None
    key, nonce, given = (str(a) for a in args[:3])
    account = lookup(key)
    if account is None or not _nonce_ok(nonce, now_ms, window_ms):
        return None
    if not _signature_ok(account.secret, f"{path}{nonce}", given):
        return None
    return account
