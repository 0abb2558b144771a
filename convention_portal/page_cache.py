"""Whole public pages cached for anonymous visitors, emptied whenever the data behind them changes.

A page is stored under its host, full path (query string included) and language, prefixed with a
*generation* number. Any save, delete or many-to-many change in an app that registered with
`invalidate_on_changes` (and any bulk load that calls `invalidate`) moves to a new generation, so every
page cached before is never read again and expires on its own. The cache is Django's: local memory in
one process by default, Redis shared by every worker in production (REDIS_URL).

Only plain anonymous GET requests are served from the cache: a visitor with a session or a pending
message always gets the page rendered for them, and a page that set a cookie or used a CSRF token or a
CSP nonce is never stored.
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.translation import get_language

GENERATION_KEY = "public-pages:generation"
#: Response headers worth keeping; the middleware adds the rest (language, security, ETag) on the way out.
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Vary", "Last-Modified")


def generation():
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
    """Forget every cached page: now, and again once the current transaction commits, so that a page
    rendered meanwhile from the old rows is not kept under the new generation."""
    _bump()
    transaction.on_commit(_bump)


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
    address = f"{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"public-page:{generation()}:{get_language()}:{digest}"


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

    # A page served from the cache opens no database connection at all.
    @transaction.non_atomic_requests
    @wraps(view)
    def cached_view(request, *args, **kwargs):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or request.method != "GET" or not _anonymous(request):
            return atomic_view(request, *args, **kwargs)
        key = _key(request)
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            return HttpResponse(content, headers=headers)

        def store(response):
            if _storable(request, response):
                headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
                cache.set(key, (response.content, headers), seconds)

        response = atomic_view(request, *args, **kwargs)
        if hasattr(response, "add_post_render_callback") and not response.is_rendered:
            response.add_post_render_callback(store)
        else:
            store(response)
        return response

    return cached_view
