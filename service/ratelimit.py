"""Rate limits per client IP (the `limits` library, moving windows, in process memory).

Each kind of work has its own budget (KB_RATE_LIMIT_CHAT, _SEARCH, _FEEDBACK; ``off`` disables
one). A route opts in with a dependency, e.g. ``dependencies=[Depends(rate_limit("chat"))]``;
past the budget it answers 429 with Retry-After. The client is the TCP peer, or, when the peer
is a trusted reverse proxy (KB_TRUSTED_PROXIES), the nearest untrusted address in
X-Forwarded-For. Several worker processes each count on their own.
"""

import ipaddress
import time
from collections.abc import Awaitable, Callable
from typing import Literal

from fastapi import HTTPException, Request
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from kb.settings import Settings
from service.errors import detail

Kind = Literal["chat", "search", "feedback"]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class RateLimits:
    def __init__(self, settings: Settings) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        configured = {
            "chat": settings.rate_limit_chat,
            "search": settings.rate_limit_search,
            "feedback": settings.rate_limit_feedback,
        }
        self._items: dict[str, RateLimitItem] = {
            kind: parse(value) for kind, value in configured.items() if value != "off"
        }
        self._trusted = [ipaddress.ip_network(n, strict=False) for n in settings.trusted_proxies]

    def check(self, kind: Kind, request: Request) -> None:
        item = self._items.get(kind)
        if item is None:
            return
        client = client_ip(request, self._trusted)
        if self._limiter.hit(item, kind, client):
            return
        reset = self._limiter.get_window_stats(item, kind, client).reset_time
        retry = max(1, int(reset - time.time() + 0.999))
        raise HTTPException(
            429,
            detail(
                "Zu viele Anfragen",
                f"rate limit of {item.amount} per {item.multiples} {item.GRANULARITY.name} "
                f"reached; try again in {retry} s",
            ),
            headers={"Retry-After": str(retry)},
        )


def client_ip(request: Request, trusted: list[Network]) -> str:
    """The peer, unless it is a trusted proxy: then the last X-Forwarded-For hop that is not."""
    peer = request.client.host if request.client else ""
    if not _is_in(peer, trusted):
        return peer
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _is_in(hop, trusted):
            return hop if _is_ip(hop) else peer
    return hops[0] if hops and _is_ip(hops[0]) else peer


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_in(address: str, networks: list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in n for n in networks)


def rate_limit(kind: Kind) -> Callable[[Request], Awaitable[None]]:
    """A dependency that counts a request against the ``kind`` budget of its client."""

    async def check(request: Request) -> None:  # async: never waits for a worker thread
        limits: RateLimits | None = getattr(request.app.state, "rate_limits", None)
        if limits is not None:
            limits.check(kind, request)

    return check
