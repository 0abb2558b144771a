"""Whole public pages cached for anonymous visitors, emptied whenever the data behind them changes.

A page is stored under its host, full path (query string included) and language, together with the
*generation* number it was rendered at. Any save, delete or many-to-many change in an app that registered with
`invalidate_on_changes` (and any bulk load that calls `invalidate`) moves to a new generation, so every
page cached before is never served again: each request reads the current generation and takes a stored page
only if it was rendered at that generation (else renders the page again, in its place).

The generation lives where every process reads it. The public record's change row (core.models.PublicChange)
always moves, in the same transaction as the change, and also keeps the time of the change for Last-Modified.
With a cache every worker shares (Redis, REDIS_URL, in production) the generation is kept in that cache too and
read from there, in the same round trip as the page itself (one MGET), so that a cached page opens no database
connection and costs one request to Redis; with this process's memory as the cache
(no REDIS_URL), pages are read from memory but the generation from the database row (one query by primary key),
so that a change made through one gunicorn worker, the task worker or a management command is seen by every
other worker at once.

Only plain anonymous GET requests are served from the cache: a visitor with a session or a pending
message always gets the page rendered for them, and a page that set a cookie or used a CSRF token or a
CSP nonce is never stored.

A page is stored with the ETag that ConditionalGetMiddleware gives it (the MD5 of its content), so that a page
served from the cache is not hashed again on every request: the answer is the same, the work done once.
"""

import contextvars
import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models import BigIntegerField, DateTimeField, F, Value
from django.db.models.functions import Greatest
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language

GENERATION_KEY = "public-pages:generation"
#: Response headers worth keeping; the middleware adds the rest (language, security, ETag) on the way out.
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Vary", "Last-Modified")
#: The middleware that gives every GET answer without Cache-Control: no-store an ETag (the MD5 of its content);
#: pages are stored with that ETag, worked out once, when it is in MIDDLEWARE.
ETAG_MIDDLEWARE = "django.middleware.http.ConditionalGetMiddleware"


#: The generation read once at the start of a cached view's request, for its stored page and its derived values.
_request_generation = contextvars.ContextVar("page_cache_generation", default=None)


def cache_is_shared():
    """Whether every process reads the same cache (Redis, files), rather than each its own memory."""
    return not isinstance(caches["default"], LocMemCache)


def _recorded_change():
    """(generation, changed_at) from the public change row, made the first time it is needed."""
    from core.models import PublicChange

    row = PublicChange.objects.filter(pk=PublicChange.ROW).values_list("generation", "changed_at").first()
    if row is None:
        # Now, not earlier: a Last-Modified must never be older than a change it may have missed.
        created, _ = PublicChange.objects.get_or_create(
            pk=PublicChange.ROW, defaults={"generation": time.time_ns(), "changed_at": timezone.now()}
        )
        row = (created.generation, created.changed_at)
    return row


def _record_change():
    """Move the row to a new generation and the change time forward; never back, even with clocks apart."""
    from core.models import PublicChange

    moved = PublicChange.objects.filter(pk=PublicChange.ROW).update(
        generation=Greatest(F("generation") + 1, Value(time.time_ns(), output_field=BigIntegerField())),
        changed_at=Greatest(F("changed_at"), Value(timezone.now(), output_field=DateTimeField())),
    )
    if not moved:
        _recorded_change()


def generation():
    current = _request_generation.get()
    if current is not None:
        return current
    if not cache_is_shared():
        return _recorded_change()[0]
    current = cache.get(GENERATION_KEY)
    if current is None:
        # Start from the clock, not 1: if the counter was evicted, old pages must still never match.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        current = cache.get(GENERATION_KEY)
    return current


def _bump():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # evicted or never set
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def invalidate():
    """Forget every cached page. The database row moves within the current transaction, so other processes see
    the new generation exactly when the change commits. A shared cache's counter moves now, and again once the
    transaction commits, so that a page rendered meanwhile from the old rows is not kept under the new
    generation."""
    _request_generation.set(None)
    _record_change()
    if cache_is_shared():
        _bump()
        transaction.on_commit(_bump)


def last_public_change():
    """When the public record last changed (a publication, an edit, a withdrawal, a deletion)."""
    return _recorded_change()[1]


def last_modified_header(changed_at, now=None):
    """The Last-Modified value for an answer made now from the record as it was at `changed_at`.

    None while that change is less than a second old: HTTP dates count whole seconds, so a second change within
    the same second would carry the same date, and a client asking If-Modified-Since would keep the first answer.
    """
    now = now or timezone.now()
    if int(now.timestamp()) <= int(changed_at.timestamp()):
        return None
    return http_date(changed_at.timestamp())


def invalidate_on_changes(app_config, unseen=None):
    """Empty the page cache on every change to this app's models (auto-created link tables included), but
    for the changes `unseen(instance)` says no public page shows."""

    def changed(sender, raw=False, instance=None, **kwargs):
        if raw:  # fixtures being loaded
            return
        if unseen is not None and instance is not None and unseen(instance):
            return
        invalidate()

    for model in app_config.get_models(include_auto_created=True):
        for signal in (post_save, post_delete, m2m_changed):
            uid = f"page-cache-{signal!r}-{model._meta.label}"
            signal.connect(changed, sender=model, weak=False, dispatch_uid=uid)


def dated_by_public_change(view):
    """Give `view`'s answers the last public change as Last-Modified, in place of the date Django's feeds and
    sitemaps take from the newest record they list, which goes back in time when that record is withdrawn."""

    @wraps(view)
    def dated_view(request, *args, **kwargs):
        changed_at = last_public_change()  # before the records are read: never later than what they show
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            header = last_modified_header(changed_at)
            if header:
                response["Last-Modified"] = header
            else:
                response.headers.pop("Last-Modified", None)
        return response

    return dated_view


def remember(name, parts, compute, seconds=None):
    """A value derived from the public data (facet counts, say), cached until the data changes."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    key = f"derived:{name}:{generation()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.PAGE_CACHE_SECONDS if seconds is None else seconds)
    return value


def _key(request):
    """The key of the page stored for this request's address and language (the generation is in the value)."""
    address = f"{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"public-page:{get_language()}:{digest}"


def _generation_and_page(key):
    """(the current generation, what the cache holds under `key` or None), in one round trip to a shared cache."""
    current = _request_generation.get()
    if current is not None:  # a cached view within another: the generation its request started with
        return current, cache.get(key)
    if not cache_is_shared():
        return _recorded_change()[0], cache.get(key)
    found = cache.get_many([GENERATION_KEY, key])
    current = found.get(GENERATION_KEY)
    if current is None:  # evicted, never set, or the cache cannot be reached
        current = generation()
    return current, found.get(key)


def _etag(response):
    """The ETag ConditionalGetMiddleware would give `response` on its way out (django.utils.cache.set_response_etag),
    or None when it would give none: the middleware is not in use, or the page is empty."""
    if response.has_header("ETag"):
        return response["ETag"]
    if ETAG_MIDDLEWARE not in settings.MIDDLEWARE or not response.content:
        return None
    return quote_etag(hashlib.md5(response.content, usedforsecurity=False).hexdigest())


def _anonymous(request):
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _storable(request, response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(request, "_csp_nonce", None)
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def cache_public_page(view):
    """Serve `view` from the page cache to anonymous GET requests (PAGE_CACHE_SECONDS; 0 turns it off)."""

    def atomic_view(request, *args, **kwargs):
        with transaction.atomic():  # as ATOMIC_REQUESTS would, which the cached view opts out of
            return view(request, *args, **kwargs)

    # A page served from a shared cache opens no database connection at all and reads the generation and the page
    # in one round trip (from this process's memory, it reads the generation's row and nothing else).
    @transaction.non_atomic_requests
    @wraps(view)
    def cached_view(request, *args, **kwargs):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or request.method != "GET" or not _anonymous(request):
            return atomic_view(request, *args, **kwargs)
        key = _key(request)
        current, stored = _generation_and_page(key)
        if current is not None and type(stored) is tuple and len(stored) == 3 and stored[0] == current:
            _, content, headers = stored
            return HttpResponse(content, headers=headers)
        token = _request_generation.set(current)
        try:
            return rendered_response(request, key, current, seconds, *args, **kwargs)
        finally:
            _request_generation.reset(token)

    def rendered_response(request, key, current, seconds, *args, **kwargs):
        def store(response):
            # Not without a generation (the shared cache could not be reached): it could never be checked.
            if current is not None and _storable(request, response):
                headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
                etag = _etag(response)
                if etag:
                    headers["ETag"] = etag
                cache.set(key, (current, response.content, headers), seconds)

        response = atomic_view(request, *args, **kwargs)
        if hasattr(response, "add_post_render_callback") and not response.is_rendered:
            # Rendered here rather than on the way out, so that the values it derives use this request's generation.
            response.add_post_render_callback(store)
            response.render()
        else:
            store(response)
        return response

    return cached_view
