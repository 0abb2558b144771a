from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

from convention_portal.client_address import client_ip_address


class AnonymousRateThrottle(AnonRateThrottle):
    """Anonymous requests per client address, at the rate set by API_ANON_RATE (read at each request).
    Behind the reverse proxy the client is the address the proxy appended, as for sign-in throttling: counted
    by the proxy's own address, every visitor would share one allowance."""

    def get_rate(self):
        return settings.API_ANON_RATE

    def get_ident(self, request):
        return client_ip_address(request)
