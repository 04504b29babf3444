"""What every page of ours needs against a hostile browser or network: security headers on each
response, POSTs only from our own pages, and Basic auth that can't be guessed at full speed.

Kept apart from the pages themselves: `create_research_app` and `create_sandbox_app` add these
middlewares and signals, the handlers know nothing of them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import html
import ipaddress
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
REALM = 'Basic realm="perceptions research", charset="UTF-8"'
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def script_hash(source: str) -> str:
    """The CSP source that allows exactly this inline script (e.g. the report's)."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_security_policy(*inline_scripts: str, inline_styles: bool = True) -> str:
    """Our pages load scripts, styles and images from themselves only, and nobody frames them.

    Inline scripts run only if they are one of `inline_scripts` (by hash), so an answer that
    slipped past escaping still could not run. `inline_styles`: the research pages' meters and
    bars set their width in a style attribute, and the report is one self-contained page.
    """
    scripts = " ".join(["'self'", *(script_hash(s) for s in inline_scripts)])
    styles = "'self' 'unsafe-inline'" if inline_styles else "'self'"
    return "; ".join([
        "default-src 'none'",
        f"script-src {scripts}",
        f"style-src {styles}",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ])


def security_headers(csp: str) -> dict[str, str]:
    """The headers every response of an app carries."""
    return {
        "Content-Security-Policy": csp,
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "Cross-Origin-Opener-Policy": "same-origin",
    }


def add_security_headers(app: web.Application, *inline_scripts: str,
                         inline_styles: bool = True, private: bool = False) -> None:
    """Every response of `app` (pages, files, API answers, errors) gets the security headers;
    `private` pages (respondents' answers) are also kept out of every cache but their static
    files."""
    headers = security_headers(content_security_policy(*inline_scripts,
                                                       inline_styles=inline_styles))

    async def on_prepare(request: web.Request, response: web.StreamResponse) -> None:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        if private and not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"

    app.on_response_prepare.append(on_prepare)


# ---- POSTs from our own pages only -------------------------------------------------------------


def cross_site(request: web.Request) -> bool:
    """Whether a browser sent this request from another site's page.

    Browsers say so in `Sec-Fetch-Site`, older ones by an `Origin` that isn't ours. A request
    with neither comes from no web page (curl, scripts, tests) and is nobody's forgery.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in {"same-origin", "none"}
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    # Hosts only: behind a proxy that ends TLS, the page is https and we see http.
    return origin == "null" or urlsplit(origin).netloc.lower() != request.host.lower()


@web.middleware
async def same_origin_posts(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse a POST (or other change) that another site's page made the browser send."""
    if request.method in UNSAFE_METHODS and cross_site(request):
        return web.json_response(
            {"error": "This request came from another web site, so it was refused. "
                      "Use the page itself."}, status=403)
    return await handler(request)


# ---- Basic auth with a throttle ----------------------------------------------------------------


@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0  # when the latest failure was
    locked_until: float = 0.0


@dataclass
class LoginThrottle:
    """Wrong passwords per client address: a few are free, then each locks the address out for
    twice as long as the one before (1 s, 2 s, 4 s … up to `longest`).

    Forgotten after `forget_after` seconds without a failure, and on a right password. A
    locked-out address is not even checked, so guessing on during a lockout gets nowhere.
    """

    free: int = 5
    longest: float = 900.0
    forget_after: float = 900.0
    max_addresses: int = 10_000  # bounds memory under a flood from many addresses
    clock: Callable[[], float] = time.monotonic
    _by_address: dict[str, _Failures] = field(default_factory=dict)

    def retry_after(self, address: str) -> float:
        """Seconds until this address may try again (0: now)."""
        failures = self._current(address)
        return 0.0 if failures is None else max(0.0, failures.locked_until - self.clock())

    def failed(self, address: str) -> None:
        """A wrong password from this address."""
        now = self.clock()
        failures = self._current(address)
        if failures is None:
            if len(self._by_address) >= self.max_addresses:
                self._prune(now)
            failures = self._by_address[address] = _Failures()
        failures.count += 1
        failures.last = now
        beyond = failures.count - self.free
        if beyond > 0:
            failures.locked_until = now + min(self.longest, 2.0 ** (beyond - 1))

    def succeeded(self, address: str) -> None:
        """The right password from this address: its failures are forgotten."""
        self._by_address.pop(address, None)

    def _current(self, address: str) -> _Failures | None:
        failures = self._by_address.get(address)
        if failures is not None and self.clock() - failures.last > max(
                self.forget_after, failures.locked_until - failures.last):
            del self._by_address[address]
            return None
        return failures

    def _prune(self, now: float) -> None:
        stale = [a for a, f in self._by_address.items() if now - f.last > self.forget_after]
        for address in stale:
            del self._by_address[address]
        if len(self._by_address) >= self.max_addresses:  # a flood: drop the oldest half
            oldest = sorted(self._by_address, key=lambda a: self._by_address[a].last)
            for address in oldest[: len(oldest) // 2]:
                del self._by_address[address]


def basic_auth(password: str | None, throttle: LoginThrottle) -> Any:
    """Middleware: every request needs the password (any user name); wrong ones are throttled."""

    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        if password is None:
            return await handler(request)
        address = client_of(request.remote)
        wait = throttle.retry_after(address)
        if wait > 0:
            return _too_many(wait)
        given = _given_password(request)
        if given is None or not hmac.compare_digest(given.encode("utf-8"),
                                                    password.encode("utf-8")):
            if given is not None:
                throttle.failed(address)
            return web.Response(status=401, headers={"WWW-Authenticate": REALM},
                                text="The research pages need the RESEARCH_PASSWORD.")
        throttle.succeeded(address)
        return await handler(request)

    return check


def client_of(remote: str | None) -> str:
    """Whom the throttle counts: an IPv4 address, or an IPv6 /64 (what one household or
    server gets, and can pick addresses from at will)."""
    try:
        address = ipaddress.ip_address((remote or "").split("%")[0])
    except ValueError:
        return remote or "?"
    if address.version == 6 and address.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address.ipv4_mapped or address) if address.version == 6 else str(address)


def _given_password(request: web.Request) -> str | None:
    """The password of a Basic Authorization header (None: no usable header)."""
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        _user, _, given = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return ""  # an attempt all the same
    return given


def _too_many(wait: float) -> web.Response:
    seconds = math.ceil(wait)
    when = f"{seconds} seconds" if seconds < 120 else f"{math.ceil(seconds / 60)} minutes"
    page = (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>Too many wrong passwords · perceptions</title></head><body>"
        "<h1>Too many wrong passwords</h1>"
        f"<p>Please wait {html.escape(when)} before trying again. The password is "
        "RESEARCH_PASSWORD in the bot's <code>.env</code> file.</p></body></html>"
    )
    return web.Response(status=429, text=page, content_type="text/html", charset="utf-8",
                        headers={"Retry-After": str(seconds)})
