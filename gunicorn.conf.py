"""gunicorn's configuration for the portal (`gunicorn -c gunicorn.conf.py convention_portal.wsgi --bind …`).

Only start-up checks: the address, workers and timeout stay on the command line (`make serve`, bench/load.py),
which take precedence over anything set here anyway.
"""

import sys
from pathlib import Path

PROJECT_DIR = str(Path(__file__).resolve().parent)
if PROJECT_DIR not in sys.path:
    sys.path.insert(0, PROJECT_DIR)


def when_ready(server):
    """Warn when DJANGO_BEHIND_PROXY trusts X-Forwarded-For on an address beyond loopback and private networks."""
    from django.core.exceptions import ImproperlyConfigured

    from convention_portal.client_address import proxy_bind_warning
    from convention_portal.env import env_bool

    try:
        behind_proxy = env_bool("DJANGO_BEHIND_PROXY", default=False)
    except ImproperlyConfigured:
        return  # the settings stop each worker's start-up with the error that names the variable
    warning = proxy_bind_warning(server.LISTENERS, behind_proxy)
    if warning:
        server.log.warning(warning)
