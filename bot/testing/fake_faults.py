"""What goes wrong at Telegram: flood waits, server errors and answers that never come.

Faults are planned per Bot API method: a queue of the next calls' faults, and a seeded random
rate of transient ones. Real Telegram answers 429 and 500 with its JSON error body, but 502 and 504
come from its front proxy as an HTML page; a timeout is a call that gets no answer at all within
the client's read timeout (and may still have taken effect: `delivered`).
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from aiohttp import web

from bot.testing.fake_objects import ApiError

FLOOD = "429"
SERVER_ERROR = "500"
BAD_GATEWAY = "502"
GATEWAY_TIMEOUT = "504"
TIMEOUT = "timeout"
KINDS = (FLOOD, SERVER_ERROR, BAD_GATEWAY, GATEWAY_TIMEOUT, TIMEOUT)
TRANSIENT = (SERVER_ERROR, BAD_GATEWAY, TIMEOUT)  # what PTB's rate limiter does not retry

_PROXY_PAGE = ("<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n"
               "<center><h1>{code} {reason}</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
               "</body>\r\n</html>\r\n")


@dataclass(frozen=True)
class Fault:
    """One failed call: its kind, the wait a 429 asks for, and whether a timeout took effect."""

    kind: str
    retry_after: int = 1
    delivered: bool = False  # timeout only: Telegram did it, but the answer was lost

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault {self.kind!r}; one of {KINDS}")

    def response(self) -> web.Response:
        """The HTTP answer Telegram gives for this fault (a timeout has none)."""
        if self.kind == FLOOD:
            error = ApiError(429, f"Too Many Requests: retry after {self.retry_after}",
                             self.retry_after)
            return web.json_response(error.to_json(), status=429)
        if self.kind == SERVER_ERROR:
            return web.json_response(ApiError(500, "Internal Server Error").to_json(), status=500)
        code, reason = (502, "Bad Gateway") if self.kind == BAD_GATEWAY else (504,
                                                                              "Gateway Time-out")
        return web.Response(status=code, content_type="text/html",
                            text=_PROXY_PAGE.format(code=code, reason=reason))


@dataclass
class _Flakiness:
    rate: float
    kinds: tuple[str, ...]
    retry_after: int
    delivered: float  # share of timeouts that took effect anyway


@dataclass
class Faults:
    """The fault plan of every method, and the faults served so far (method, kind)."""

    seed: int = 0
    served: list[tuple[str, str]] = field(default_factory=list)
    _queued: dict[str, deque[Fault]] = field(default_factory=dict)
    _flaky: dict[str, _Flakiness] = field(default_factory=dict)
    _random: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def queue(self, method: str, faults: Iterable[Fault]) -> None:
        """The next calls of `method` fail with these faults, in order."""
        self._queued.setdefault(method.lower(), deque()).extend(faults)

    def flaky(self, method: str, rate: float, kinds: Iterable[str] = TRANSIENT, *,
              retry_after: int = 1, delivered: float = 0.5) -> None:
        """Each call of `method` fails with probability `rate`, the kind drawn from `kinds`."""
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate is a probability")
        chosen = tuple(kinds)
        for kind in chosen:
            Fault(kind)  # validates
        self._flaky[method.lower()] = _Flakiness(rate, chosen, retry_after, delivered)

    def calm(self, method: str | None = None) -> None:
        """No more faults for `method` (every method when None)."""
        if method is None:
            self._queued.clear()
            self._flaky.clear()
        else:
            self._queued.pop(method.lower(), None)
            self._flaky.pop(method.lower(), None)

    def next(self, method: str) -> Fault | None:
        """The fault this call of `method` meets, if any (noted in `served`)."""
        key = method.lower()
        fault: Fault | None = None
        queued = self._queued.get(key)
        if queued:
            fault = queued.popleft()
        else:
            flaky = self._flaky.get(key)
            if flaky is not None and self._random.random() < flaky.rate:
                kind = self._random.choice(flaky.kinds)
                fault = Fault(kind, flaky.retry_after,
                              delivered=kind == TIMEOUT and self._random.random() < flaky.delivered)
        if fault is not None:
            self.served.append((method, fault.kind))
        return fault

    def count(self, method: str | None = None, kind: str | None = None) -> int:
        """How many faults were served, optionally of one method and/or kind."""
        return sum(1 for m, k in self.served
                   if (method is None or m.lower() == method.lower())
                   and (kind is None or k == kind))
