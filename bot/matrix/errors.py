"""What the homeserver's refusals mean to the bot: every nio error value, timeout and
aiohttp error becomes one ``DeliveryError`` (``MatrixError``) here, at the edge, telling
the outbox and the sync loop whether to wait, try again or give up."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from nio import ErrorResponse

from bot.adapters.base import DeliveryError
from bot.matrix.crypto import NETWORK_ERRORS

PERMANENT = frozenset({
    "M_FORBIDDEN", "M_UNKNOWN_TOKEN", "M_MISSING_TOKEN", "M_NOT_FOUND", "M_BAD_JSON",
    "M_NOT_JSON", "M_TOO_LARGE", "M_INVALID_PARAM", "M_UNRECOGNIZED", "M_GUEST_ACCESS_FORBIDDEN",
})
# Synapse's words when the sender is not a member of the room ("User @x not in room !y"):
# the only M_FORBIDDEN that may change by itself (an invitation), not a refusal for good
NOT_IN_ROOM = "not in room"
# what a homeserver answers to a token it does not (or no longer) know; an account not
# renewed in time (Synapse's account validity, as on Tchap) is ORG_MATRIX_EXPIRED_ACCOUNT
REFUSED = frozenset({"M_UNKNOWN_TOKEN", "M_MISSING_TOKEN", "M_FORBIDDEN",
                     "ORG_MATRIX_EXPIRED_ACCOUNT", 401, 403})
# the token no longer works while grappe runs: revoked (a logout), or the account expired
LOST = frozenset({"M_UNKNOWN_TOKEN", "ORG_MATRIX_EXPIRED_ACCOUNT"})

R = TypeVar("R")


class MatrixError(DeliveryError):
    """A ``DeliveryError`` that remembers the homeserver's error code."""

    def __init__(self, reason: str, code: str | None, *, retry_after: float | None = None,
                 permanent: bool = False, throttled: bool = False, absent: bool = False):
        super().__init__(reason, retry_after=retry_after, permanent=permanent,
                         maybe_sent=False, throttled=throttled, absent=absent)
        self.code = code


class TokenLost(MatrixError):
    """The homeserver stopped accepting the token, and no password can renew it: the
    Matrix side stops (the sync loop ends; the outbox holds its rows, untried)."""


def error_of(resp: ErrorResponse, what: str) -> MatrixError:
    """The ``DeliveryError`` for a nio error value."""
    code = resp.status_code
    if code in ("M_LIMIT_EXCEEDED", 429):
        return MatrixError(f"{what}: rate limited", "M_LIMIT_EXCEEDED",
                           retry_after=(resp.retry_after_ms or 1000) / 1000, throttled=True)
    if code == "M_FORBIDDEN" and NOT_IN_ROOM in (resp.message or ""):  # not invited yet, or
        return MatrixError(f"{what}: {code} {resp.message}", code, absent=True)  # removed
    return MatrixError(f"{what}: {code} {resp.message}", code, permanent=code in PERMANENT)


async def call(request: Awaitable[R | ErrorResponse], what: str) -> R:
    """Await a nio request; its error value or network error raises ``DeliveryError``."""
    try:
        resp = await request
    except NETWORK_ERRORS as exc:
        raise DeliveryError(f"{what}: {exc!r}") from exc
    if isinstance(resp, ErrorResponse):
        raise error_of(resp, what)
    return resp
