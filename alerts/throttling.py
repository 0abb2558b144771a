"""How many alerts may be asked for, per address and per client address, in the shared cache.

Each request for an alert sends a mail, so without a limit the form would mail anyone as often as someone
likes. The counters count requests, not alerts, so hitting a limit says nothing about what an address holds.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from alerts.models import normalize_address
from convention_portal.client_address import client_ip_address


def hit(kind, ident, limit, window):
    """Count one request against `ident`; whether it is still within `limit` per `window` seconds."""
    key = f"alerts:rate:{kind}:{hashlib.sha256(str(ident).encode()).hexdigest()}"
    # The window starts with the first request and is not extended by the next ones.
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def allow_request(request, address):
    """Whether this client may ask for one more alert for this address now; counts the request."""
    by_client = hit("ip", client_ip_address(request), settings.ALERT_RATE_PER_CLIENT, 3600)
    by_address = hit("address", normalize_address(address), settings.ALERT_RATE_PER_ADDRESS, 24 * 3600)
    return by_client and by_address
