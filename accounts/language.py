"""The back office speaks the person's language.

The public site takes its language from the address (`/`, `/fr/`, `/es/`); the back office has one address for
everyone, so LocaleMiddleware would leave it in English. Here, after sign-in is known: the language chosen on
the person's account, or else the browser's (`Accept-Language`, then the language cookie), as on the sign-in page.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


def back_office_language(request):
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language:
        return user.language
    return translation.get_language_from_request(request, check_path=False)


class BackOfficeLanguageMiddleware:
    """After AuthenticationMiddleware: requests to the back office get the person's language."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = "/" + settings.ADMIN_URL.lstrip("/")

    def __call__(self, request):
        if not request.path_info.startswith(self.prefix):
            return self.get_response(request)
        language = back_office_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        return response
