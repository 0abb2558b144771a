"""Requests with more fields than Django will parse, answered 400 before anything reads them."""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import QueryDict
from django.urls import get_resolver, get_urlconf
from django.utils.log import log_response

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


def field_count(encoded):
    """The number of fields Django's QueryDict counts in a query string or a form body (as Python's parse_qsl)."""
    separator = b"&" if isinstance(encoded, bytes) else "&"
    return 1 + encoded.count(separator) if encoded else 0


class FieldLimitMiddleware:
    """A query string or form body with more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields gets the portal's 400 page.

    Django raises TooManyFieldsSent wherever request.GET or request.POST is first read, and answers 400. With
    debug on, though, its technical error page reads request.GET again, which raises again, once in each
    middleware layer: a 500 after seconds of CPU. Counted here, before any middleware or view reads either, the
    answer is the same in both modes: what the project's 400 handler renders (with debug off exactly as before).
    Multipart bodies are left to Django, which answers them 400 in both modes already.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        if limit is not None and self.too_many_fields(request, limit):
            return self.bad_request(request)
        return self.get_response(request)

    @staticmethod
    def too_many_fields(request, limit):
        if field_count(request.META.get("QUERY_STRING", "")) > limit:
            return True
        if request.method == "POST" and request.content_type == FORM_CONTENT_TYPE:
            try:
                body = request.body  # read once here, kept by the request for request.POST
            except RequestDataTooBig:
                return False  # Django answers this one 400 where request.POST is read, as before
            return field_count(body) > limit
        return False

    @staticmethod
    def bad_request(request):
        exception = TooManyFieldsSent(
            "The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS."
        )
        # Neither the 400 page nor, should drawing it fail, Django's error page may parse the fields again.
        request.GET = QueryDict()
        request._mark_post_parse_error()
        handler = get_resolver(get_urlconf()).resolve_error_handler(400)
        response = handler(request, exception=exception)
        if not getattr(response, "is_rendered", True) and callable(getattr(response, "render", None)):
            response = response.render()
        # As Django logs a SuspiciousOperation: an error of the django.security.TooManyFieldsSent logger.
        log_response(
            str(exception),
            exception=exception,
            request=request,
            response=response,
            level="error",
            logger=logging.getLogger(f"django.security.{TooManyFieldsSent.__name__}"),
        )
        return response
