"""Who is writing: the signed-in user's name from a trusted reverse proxy, or the demo
user.

The app does no sign-in of its own. Behind an SSO proxy (oauth2-proxy, the county's
Entra ID application proxy, see docs/meetings.md) the proxy authenticates the user and
passes the name in the header ``TK_IDENTITY_HEADER``. The header counts only when the
request's own peer (the TCP connection, not ``X-Forwarded-For``) is one of
``TK_TRUSTED_PROXIES``; from anyone else it is ignored, so a browser reaching the app
directly cannot claim a name. ``TK_DEMO_USER`` names a fixed user for the local demo.
Without an identity the meeting pages are read-only.
"""

from __future__ import annotations

import ipaddress

from flask import has_request_context, request

from settings import get_settings

MAX_NAME = 200


def _peer_address() -> str:
    """The address of the connection's peer, also when ``TK_PROXY_FIX`` has rewritten
    ``remote_addr`` from ``X-Forwarded-For`` (werkzeug keeps the original)."""
    original = request.environ.get("werkzeug.proxy_fix.orig") or {}
    return original.get("REMOTE_ADDR") or request.environ.get("REMOTE_ADDR") or ""


def is_trusted_proxy(address: str, trusted: tuple[str, ...]) -> bool:
    """Whether ``address`` is one of ``trusted`` (addresses or CIDR networks)."""
    try:
        peer = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in trusted:
        try:
            if peer in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def _clean(name: str) -> str:
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:MAX_NAME]


def current_user() -> str | None:
    """The name of whoever makes the current request, or None (read-only)."""
    settings = get_settings()
    if (
        has_request_context()
        and settings.identity_header
        and is_trusted_proxy(_peer_address(), settings.trusted_proxies)
    ):
        name = _clean(request.headers.get(settings.identity_header, ""))
        if name:
            return name
    return settings.demo_user or None
