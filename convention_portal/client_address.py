"""The client's address, as sign-in throttling (django-axes) and the API's throttling count requests."""

import ipaddress
import socket

from django.conf import settings


def client_ip_address(request):
    """The address a request is counted against.

    Behind the portal's reverse proxy (DJANGO_BEHIND_PROXY) the socket address is the proxy's own, so the client
    is the last entry of X-Forwarded-For: the one the proxy appended. Entries further left were sent by the
    client and can be anything, so trusting them would let an attacker pick a fresh address for every request.
    """
    if settings.BEHIND_PROXY:
        appended_by_proxy = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        if is_ip_address(appended_by_proxy):
            return appended_by_proxy
    return request.META.get("REMOTE_ADDR")


def is_ip_address(value):
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


# Addresses only machines nearby can reach: private networks (RFC 1918, IPv6 unique local) and link-local ones.
NEARBY_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "fc00::/7", "fe80::/10")
)


def is_nearby_address(host):
    """True for a loopback or private-network address; False for a public one, all interfaces (0.0.0.0, ::) or
    anything that is not an IP address."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_unspecified:
        return False
    return address.is_loopback or any(address in network for network in NEARBY_NETWORKS)


def exposed_listeners(sockets):
    """Of gunicorn's listening sockets, those bound to an address beyond loopback and private networks, as text.

    A Unix socket is only reachable on this machine: never exposed.
    """
    exposed = []
    for sock in sockets:
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            continue
        host, port = sock.getsockname()[:2]
        if not is_nearby_address(host):
            exposed.append(f"[{host}]:{port}" if sock.family == socket.AF_INET6 else f"{host}:{port}")
    return exposed


def proxy_bind_warning(sockets, behind_proxy):
    """The warning to log at start-up when the portal trusts X-Forwarded-For on a socket anyone may reach, or None."""
    exposed = exposed_listeners(sockets) if behind_proxy else []
    if not exposed:
        return None
    return (
        f"DJANGO_BEHIND_PROXY is on but gunicorn listens on {', '.join(exposed)}, not a loopback or private "
        "address: anyone reaching it directly can set X-Forwarded-For and choose the address that sign-in and "
        "API throttling count, escaping the sign-in lockout. Bind to 127.0.0.1, a private address or a Unix "
        'socket that only the proxy reaches, behind a firewall (docs/operations.md, "Behind a proxy").'
    )
