from django.http import JsonResponse
from django.views import defaults


def page_not_found(request, exception):
    """Programs reading the API get JSON for an unknown address too; people get the portal's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
