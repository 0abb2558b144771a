"""A page served from the page cache is the answer the first request got, made with less work: the same bytes and
headers (ETag included, stored with the page rather than hashed again), the generation read in the same round trip
as the page from a shared cache, and never a page older than the last change."""

import uuid
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.test import RequestFactory, override_settings
from django.utils import cache as django_cache
from django.utils import translation

from convention_portal import page_cache
from measures.models import Measure
from tests.factories import make_measure
from tests.support.public_change import age_last_change
from tests.support.redis import require_local_redis

pytestmark = pytest.mark.django_db

URLS = ["/measures/", "/measures/?goal=1", "/fr/measures/", "/", "/measures/feed/"]
#: Dated by the last public change (Last-Modified); the HTML pages are not.
DATED = "/measures/feed/"


@pytest.fixture
def published(reference_data):
    measure = make_measure(title="Cached music quota", status=Measure.Status.PUBLISHED, report_year=2024)
    age_last_change(60)  # a Last-Modified on every answer (none while the last change is under a second old)
    return measure


@pytest.fixture
def shared_cache(tmp_path):
    """A cache every process reads (files), as Redis is: the generation comes from the cache, not the database."""
    files = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)}}
    with override_settings(CACHES=files):
        yield


@pytest.fixture(params=["memory", "shared"])
def either_cache(request, tmp_path):
    """This process's memory (the generation from the database row) or a shared cache (from the cache)."""
    if request.param == "memory":
        yield
        return
    with override_settings(
        CACHES={
            "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)}
        }
    ):
        yield


def headers(response):
    return dict(response.headers)


@pytest.mark.parametrize("url", URLS)
def test_a_hit_has_the_bytes_and_headers_of_the_first_answer(client, published, either_cache, url):
    first = client.get(url)
    second = client.get(url)
    third = client.get(url)
    assert first.status_code == second.status_code == third.status_code == 200
    assert second.content == first.content == third.content
    assert headers(second) == headers(first) == headers(third)
    # The headers the middleware adds on the way out are all there, on the hit as on the first answer.
    assert second.has_header("Last-Modified") == (url == DATED)
    for name in (
        "ETag",
        "Vary",
        "Content-Language",
        "Content-Security-Policy",
        "Permissions-Policy",
        "X-Content-Type-Options",
        "X-Frame-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
    ):
        assert second.has_header(name), name


def test_the_stored_etag_is_the_md5_of_the_page(client, published, either_cache):
    first = client.get("/measures/")
    assert first["ETag"] == django_cache.quote_etag(django_cache.md5(first.content, usedforsecurity=False).hexdigest())
    with translation.override("en"):
        _, content, stored_headers = cache.get(page_cache._key(RequestFactory().get("/measures/")))
    assert content == first.content
    assert stored_headers["ETag"] == first["ETag"]


def test_a_hit_is_not_hashed_again(client, published, either_cache):
    client.get("/measures/")
    with mock.patch.object(django_cache, "md5", wraps=django_cache.md5) as md5:
        assert client.get("/measures/").status_code == 200
    assert md5.call_count == 0


@pytest.mark.parametrize("url", ["/measures/", "/fr/measures/"])
def test_if_none_match_gives_304_on_a_miss_and_on_a_hit(client, published, either_cache, url):
    first = client.get(url)
    etag = first["ETag"]
    cache.clear()
    miss = client.get(url, HTTP_IF_NONE_MATCH=etag)  # rendered again, then compared
    hit = client.get(url, HTTP_IF_NONE_MATCH=etag)  # from the cache
    assert miss.status_code == hit.status_code == 304
    assert miss["ETag"] == hit["ETag"] == etag
    assert hit.content == b""
    assert client.get(url, HTTP_IF_NONE_MATCH='"something else"').status_code == 200


def test_if_modified_since_gives_304_on_a_hit(client, published, either_cache):
    first = client.get(DATED)
    hit = client.get(DATED, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert hit.status_code == 304
    assert hit["Last-Modified"] == first["Last-Modified"]


def test_compressed_answers_carry_the_same_weak_etag(client, published, either_cache):
    first = client.get("/measures/", HTTP_ACCEPT_ENCODING="gzip")
    second = client.get("/measures/", HTTP_ACCEPT_ENCODING="gzip")
    assert first["Content-Encoding"] == second["Content-Encoding"] == "gzip"
    assert first["ETag"].startswith("W/")
    assert second["ETag"] == first["ETag"]
    assert sorted(headers(second)) == sorted(headers(first))
    assert client.get("/measures/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_without_the_conditional_get_middleware_no_hit_has_an_etag(client, published):
    middleware = [name for name in settings.MIDDLEWARE if name != page_cache.ETAG_MIDDLEWARE]
    with override_settings(MIDDLEWARE=middleware):
        cache.clear()
        first = client.get("/measures/")
        second = client.get("/measures/")
    assert not first.has_header("ETag") and not second.has_header("ETag")
    assert headers(second) == headers(first)


def test_a_page_stored_at_another_generation_is_never_served(client, published, either_cache):
    first = client.get("/measures/")
    with translation.override("en"):
        key = page_cache._key(RequestFactory().get("/measures/"))
    generation, content, stored_headers = cache.get(key)
    cache.set(key, (generation - 1, b"an older page", stored_headers))
    assert client.get("/measures/").content == first.content
    # Moved on since it was stored: rendered again, and stored in its place at the new generation.
    published.title = "Renamed quota"
    published.save()
    renamed = client.get("/measures/")
    assert b"Renamed quota" in renamed.content
    assert renamed["ETag"] != first["ETag"]
    assert cache.get(key)[0] != generation


def test_from_a_shared_cache_a_hit_is_one_read_of_the_cache(client, published, shared_cache):
    client.get("/measures/")
    default = caches["default"]
    get_many, get = default.get_many, default.get
    reads = []

    def counted_get_many(keys, *args, **kwargs):
        reads.append(("get_many", list(keys)))
        with mock.patch.object(default, "get", get):  # the backend's own reads within get_many
            return get_many(keys, *args, **kwargs)

    def counted_get(key, *args, **kwargs):
        reads.append(("get", key))
        return get(key, *args, **kwargs)

    with mock.patch.object(default, "get_many", counted_get_many), mock.patch.object(default, "get", counted_get):
        assert client.get("/measures/").status_code == 200
    with translation.override("en"):
        key = page_cache._key(RequestFactory().get("/measures/"))
    assert reads == [("get_many", [page_cache.GENERATION_KEY, key])]


def test_a_lost_generation_counter_is_made_again_and_the_page_rendered(client, published, shared_cache):
    first = client.get("/measures/")
    cache.delete(page_cache.GENERATION_KEY)
    published.title = "Renamed while the counter was lost"
    Measure.objects.filter(pk=published.pk).update(title=published.title)  # no signal: only the lost counter
    second = client.get("/measures/")
    assert b"Renamed while the counter was lost" in second.content
    assert second["ETag"] != first["ETag"]
    assert cache.get(page_cache.GENERATION_KEY) is not None


@pytest.mark.parametrize(
    "backend",
    ["django.core.cache.backends.redis.RedisCache", "convention_portal.cache_backends.ResilientRedisCache"],
)
def test_from_redis_a_hit_is_one_round_trip(client, published, backend):
    """The generation and the page in one MGET; the page bytes and headers those of the first answer."""
    require_local_redis()
    import redis

    prefix = f"test-hits-{uuid.uuid4().hex}"  # entries of this test only: nothing else in the database is touched
    redis_cache = {"default": {"BACKEND": backend, "LOCATION": "redis://127.0.0.1:6379/13", "KEY_PREFIX": prefix}}
    with override_settings(CACHES=redis_cache):
        with translation.override("en"):
            key = page_cache._key(RequestFactory().get("/measures/"))
        try:
            first = client.get("/measures/")
            execute_command, sent = redis.Redis.execute_command, []

            def counted(self, *args, **options):
                sent.append(args[0])
                return execute_command(self, *args, **options)

            with mock.patch.object(redis.Redis, "execute_command", counted):
                second = client.get("/measures/")
            assert sent == ["MGET"]
            assert second.content == first.content and headers(second) == headers(first)
            published.title = "Seen through Redis at once"
            published.save()
            assert b"Seen through Redis at once" in client.get("/measures/").content
        finally:
            cache.delete_many([page_cache.GENERATION_KEY, key])
