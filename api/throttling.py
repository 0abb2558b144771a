from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousRateThrottle(AnonRateThrottle):
    """Anonymous requests per client address, at the rate set by API_ANON_RATE (read at each request)."""

    def get_rate(self):
        return settings.API_ANON_RATE
