"""What browsers and search engines ask every site for at its root: /favicon.ico and /robots.txt."""

from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

FAVICON = "icons/favicon.ico"
# The address is not fingerprinted like the static files, so a changed icon must still reach browsers in time.
FAVICON_MAX_AGE = 7 * 24 * 60 * 60


@cache
def favicon_bytes():
    # The source folder, deployed with the code; the collected copy where only that was deployed.
    path = finders.find(FAVICON)
    if path is None:
        path = staticfiles_storage.path(FAVICON)
    with open(path, "rb") as file:
        return file.read()


@require_GET
def favicon(request):
    """Served at the root, not only under /static/: browsers and crawlers ask for /favicon.ico on every site."""
    response = HttpResponse(favicon_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = f"public, max-age={FAVICON_MAX_AGE}"
    return response


@require_GET
def robots_txt(request):
    """The public site and the API may be crawled; the back office is no one's business but its users'."""
    lines = [
        "User-agent: *",
        f"Disallow: /{settings.ADMIN_URL}",
        "Allow: /",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response
