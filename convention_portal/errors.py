import sys

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext
from django.views import defaults


def page_not_found(request, exception):
    """Programs reading the API get JSON for an unknown address too; people get the portal's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request, exception):
    """The portal's own 400 page (JSON under /api/), in the visitor's language; the exception is never shown."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Bad request.")}, status=400)
    return render(request, "400.html", status=400)


#: Seconds a client is asked to wait before trying again while the database is unreachable.
RETRY_AFTER_SECONDS = 30


def server_error(request):
    """A database that cannot be reached (restarting, failing over) is an outage, not a bug: answer 503.

    Django calls this for any exception nothing else handled, from a view or a middleware, while it is being
    handled; the exception is logged by `django.request` either way. Other errors keep Django's 500.
    """
    exception = sys.exc_info()[1]
    if not isinstance(exception, (OperationalError, InterfaceError)):
        return defaults.server_error(request)
    if request.path.startswith("/api/"):
        detail = gettext("The service is unavailable for a moment. Please try again.")
        response = JsonResponse({"detail": detail}, status=503)
    else:
        response = render(request, "503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response
