"""Who is asking: the signed-in user from a trusted reverse proxy, or the demo user.

The app does no sign-in of its own. Behind an SSO proxy (oauth2-proxy, the county's
Entra ID application proxy; see docs/access-control.md) the proxy authenticates the
user and passes the name in the header ``TK_IDENTITY_HEADER`` and, optionally, the
user's groups (comma-separated) in ``TK_GROUP_HEADER``. The headers count only when
the request's own peer (the TCP connection, not ``X-Forwarded-For``) is one of
``TK_TRUSTED_PROXIES``; from anyone else they are ignored, so a browser reaching the
app directly cannot claim a name. ``TK_DEMO_USER`` names a fixed user (an editor) for
the local demo.

An identity is an *editor* (may write meeting data) when no group header is set, or
when one of its groups is in ``TK_EDITOR_GROUPS``; otherwise it is a reader. Without
an identity, or as a reader, the meeting pages are read-only. With
``TK_AUTH_REQUIRED=1`` a request without an identity from the proxy does not reach
the app at all (``access_control``).

- ``current_identity()``: who makes the current request (``Identity``) or None;
- ``current_author()``: the name under which the current request may write, or None
  (no identity, or a reader) — what ``meetings.store`` takes as ``author``;
- ``proxy_identity(environ, settings)``: the identity the proxy passed in a WSGI
  environ, without the demo fallback (``access_control`` decides on it).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass

from flask import has_request_context, request

from settings import Settings, get_settings

MAX_NAME = 200  # characters kept of a user or group name
MAX_GROUPS = 200  # groups kept from one group header


@dataclass(frozen=True)
class Identity:
    """A signed-in user: ``name`` (e.g. the e-mail), ``groups`` from the group header
    (empty without one) and whether the user may write (``editor``)."""

    name: str
    groups: tuple[str, ...] = ()
    editor: bool = True


def peer_address(environ: Mapping) -> str:
    """The address of the connection's peer, also when ``TK_PROXY_FIX`` has rewritten
    ``REMOTE_ADDR`` from ``X-Forwarded-For`` (werkzeug keeps the original)."""
    original = environ.get("werkzeug.proxy_fix.orig") or {}
    return original.get("REMOTE_ADDR") or environ.get("REMOTE_ADDR") or ""


def is_trusted_proxy(address: str, trusted: tuple[str, ...]) -> bool:
    """Whether ``address`` is one of ``trusted`` (addresses or CIDR networks); an
    address or entry that does not parse is not trusted."""
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


def parse_groups(value: str) -> tuple[str, ...]:
    """The groups of a group header (comma-separated, as oauth2-proxy's
    ``X-Forwarded-Groups``): cleaned like names, empty ones and repeats left out, at
    most ``MAX_GROUPS``."""
    groups: list[str] = []
    for part in value.split(","):
        group = _clean(part)
        if group and group not in groups:
            groups.append(group)
        if len(groups) == MAX_GROUPS:
            break
    return tuple(groups)


def _header(environ: Mapping, name: str) -> str:
    # WSGI's name of a request header; the value arrives as latin-1 decoded bytes.
    value = environ.get("HTTP_" + name.upper().replace("-", "_"), "")
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def is_trusted_peer(environ: Mapping, settings: Settings) -> bool:
    """Whether the connection's own peer is one of ``TK_TRUSTED_PROXIES``."""
    return is_trusted_proxy(peer_address(environ), settings.trusted_proxies)


def proxy_identity(environ: Mapping, settings: Settings) -> Identity | None:
    """The identity the trusted proxy passed in ``environ``'s headers, or None: no
    ``TK_IDENTITY_HEADER`` set, a peer that is not a trusted proxy, or an empty name.
    ``TK_DEMO_USER`` does not count here."""
    if not settings.identity_header or not is_trusted_peer(environ, settings):
        return None
    name = _clean(_header(environ, settings.identity_header))
    # A comma means the header came twice (a server joins repeats with ","): a proxy
    # that appends instead of replacing; no one is signed in under such a name.
    if not name or "," in name:
        return None
    if not settings.group_header:
        return Identity(name)  # no groups from the proxy: every signed-in user writes
    groups = parse_groups(_header(environ, settings.group_header))
    return Identity(name, groups, editor=bool(set(groups) & set(settings.editor_groups)))


def current_identity() -> Identity | None:
    """Who makes the current request: the proxy's identity (``proxy_identity``), else
    the demo user (an editor) when ``TK_DEMO_USER`` is set, else None. None outside a
    request."""
    settings = get_settings()
    if has_request_context():
        found = proxy_identity(request.environ, settings)
        if found is not None:
            return found
    return Identity(settings.demo_user) if settings.demo_user else None


def current_author() -> str | None:
    """The name under which the current request may write, or None (read-only): no
    identity, or an identity that is not an editor."""
    identity = current_identity()
    return identity.name if identity is not None and identity.editor else None
