"""Names for the sources records cite, so a page can say where a record comes from rather than show an address."""

from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

#: (host suffix, path prefix, name): UNESCO serves the platform under en., fr. and es. hosts alike.
KNOWN_SOURCES = (("unesco.org", "/creativity/policy-monitoring-platform/", _("Policy Monitoring Platform (UNESCO)")),)


def source_name(url):
    """The name of the source at `url`: a known source's name, or else the address's host."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").removeprefix("www.")
    for suffix, path, name in KNOWN_SOURCES:
        if (host == suffix or host.endswith(f".{suffix}")) and parts.path.startswith(path):
            return name
    return host or url
