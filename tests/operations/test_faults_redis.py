"""Redis away: pages, the API, sign-in and an import's progress answer without a 5xx, uncached; the cache is used
again as soon as Redis answers, and nothing cached before the outage is served once the data changed meanwhile.

The cache is the production one (convention_portal.cache_backends.ResilientRedisCache) pointed at a port of the
test's own: first one where nothing listens, then a redis-server the test starts and kills there (skipped when
redis-server is not installed, except when REQUIRE_REDIS=1, as in CI).
"""

import contextlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import threading
import time

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from alerts.throttling import hit
from imports.models import ImportJob
from measures.models import Measure
from tests.factories import make_measure

pytestmark = pytest.mark.django_db

PAGES = ["/", "/measures/", "/fr/measures/", "/parties/", "/api/v1/measures/", "/api/v1/goals/"]
PASSWORD = "a-long-test-password"
BACKEND = "convention_portal.cache_backends.ResilientRedisCache"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_caches(port):
    """The settings' caches, both Redis ones pointed at `port`; tried again at once after a failure (the default
    waits a second), so that a test sees the first request after Redis is back use it."""
    options = {"RETRY_SECONDS": 0}
    location = f"redis://127.0.0.1:{port}/0"
    return {
        **settings.CACHES,
        "default": {"BACKEND": BACKEND, "LOCATION": location, "OPTIONS": options},
        "progress": {"BACKEND": BACKEND, "LOCATION": location, "KEY_PREFIX": "progress", "OPTIONS": options},
    }


def selects(client, url):
    """(response, number of SELECT statements reading the data): 0 when the page came from the cache. The read of
    the last public change's date (core_publicchange, by primary key, for Last-Modified) is not counted."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, sum(
        1
        for query in queries
        if query["sql"].lstrip().upper().startswith("SELECT") and "core_publicchange" not in query["sql"]
    )


def redis_server_path():
    path = shutil.which("redis-server")
    if path is None:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail("REQUIRE_REDIS=1 but redis-server is not installed (apt-get install redis-server).")
        pytest.skip("redis-server is not installed")
    return path


class RedisServer:
    """A redis-server of the test's own on `port`, in memory only (nothing saved, nothing read back)."""

    def __init__(self, port):
        self.port = port
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [redis_server_path(), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                pass
            time.sleep(0.05)
        self.kill()
        raise AssertionError(f"redis-server did not answer on port {self.port}")

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def redis_server():
    server = RedisServer(free_port())
    yield server
    server.kill()


class Partition:
    """A TCP relay in front of Redis that can be cut, as a network failure would be: Redis keeps its data, but
    the portal cannot reach it (connections refused at once, those open broken)."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.cut_off = False
        self.sockets = []
        self.lock = threading.Lock()
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.cut_off:
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with self.lock:
                self.sockets += [client, upstream]
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pump, args=(source, target), daemon=True).start()

    @staticmethod
    def pump(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for end in (source, target):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def cut(self):
        self.cut_off = True
        with self.lock:
            sockets, self.sockets = self.sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def heal(self):
        self.cut_off = False

    def close(self):
        self.cut()
        self.listener.close()


@pytest.fixture
def published(reference_data):
    return make_measure(title="Cached music quota", status=Measure.Status.PUBLISHED, report_year=2024)


class TestNothingListens:
    """REDIS_URL names a port where nothing listens: everything works, uncached."""

    @pytest.fixture(autouse=True)
    def dead_redis(self):
        with override_settings(CACHES=redis_caches(free_port())):
            yield

    def test_public_pages_and_the_api_answer_uncached_and_fast(self, client, published, caplog):
        client.raise_request_exception = False
        with caplog.at_level(logging.WARNING, logger="convention_portal.cache_backends"):
            for url in [*PAGES, published.get_absolute_url()]:
                for _ in range(2):
                    started = time.monotonic()
                    response, queries = selects(client, url)
                    assert response.status_code == 200, url
                    assert queries > 0, f"{url}: served from a cache that cannot be reached?"
                    assert time.monotonic() - started < 2, f"{url} took {time.monotonic() - started:.1f} s"
        assert b"Cached music quota" in client.get("/measures/").content
        records = caplog.get_records("setup") + caplog.get_records("call")  # the fixtures used the cache first
        warnings = [record for record in records if "cannot be reached" in record.getMessage()]
        assert len(warnings) == 1, "one warning per outage and minute, not one per call"

    def test_the_cache_itself_answers_as_an_empty_cache_that_keeps_nothing(self):
        assert cache.get("anything", "default") == "default"
        cache.set("anything", 1)
        assert cache.add("anything", 1) is False
        assert cache.get_many(["a", "b"]) == {}
        assert cache.get_or_set("computed", lambda: 42) == 42
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert cache.has_key("anything") is False
        with pytest.raises(ValueError):
            cache.incr("counter")
        cache.delete("anything")
        cache.delete_many(["a", "b"])
        assert cache.clear() is False

    def test_sign_in_works_and_its_throttling_still_locks_out(self, client, settings):
        """django-axes counts failures in the database (AxesDatabaseHandler), not the cache: it fails closed."""
        settings.AXES_FAILURE_LIMIT = 3
        User.objects.create_user("maria", "maria@example.org", PASSWORD, is_staff=True)
        login = reverse("admin:login")

        def sign_in(password):
            return client.post(login, {"username": "maria", "password": password, "next": reverse("admin:index")})

        assert sign_in("wrong").status_code == 200
        assert sign_in("wrong").status_code == 200
        assert sign_in("wrong").status_code == 429
        assert sign_in(PASSWORD).status_code == 429
        assert AccessAttempt.objects.get().failures_since_start == 4
        AccessAttempt.objects.all().delete()
        assert sign_in(PASSWORD).status_code == 302
        assert client.get(reverse("admin:index")).status_code == 200

    def test_the_api_s_throttling_fails_open(self, client, reference_data, settings):
        """DRF keeps each client's history in the cache: without it, no client is throttled."""
        settings.API_ANON_RATE = "2/min"
        assert [client.get("/api/v1/goals/").status_code for _ in range(4)] == [200] * 4

    def test_the_alerts_request_limit_fails_open(self):
        assert all(hit("ip", "192.0.2.1", limit=1, window=3600) for _ in range(3))

    def test_an_import_s_progress_falls_back_to_what_the_job_saved(self, reference_data):
        owner = User.objects.create_user("importer", "importer@example.org", is_staff=True)
        job = ImportJob.objects.create(
            owner=owner, original_name="f.csv", file_format="csv", state=ImportJob.State.IMPORTING, rows_done=7
        )
        job.report_progress(1500)  # the worker's side: says nothing, fails nothing
        assert job.live_progress() == (7, None)
        assert job.last_sign_of_life() == job.updated_at


class TestRedisComesBack:
    def test_killed_then_restarted_the_cache_is_used_again(self, client, published, redis_server):
        with override_settings(CACHES=redis_caches(redis_server.port)):
            redis_server.start()
            cache.clear()
            first, _ = selects(client, "/measures/")
            second, queries = selects(client, "/measures/")
            assert queries == 0 and second.content == first.content, "served from Redis"

            redis_server.kill()
            client.raise_request_exception = False
            for url in PAGES:
                response, queries = selects(client, url)
                assert response.status_code == 200 and queries > 0, url

            redis_server.start()  # empty: nothing saved
            assert selects(client, "/measures/")[0].status_code == 200
            again, queries = selects(client, "/measures/")
            assert again.status_code == 200
            assert queries == 0, "the cache is used again once Redis answers"
            api = [selects(client, "/api/v1/measures/")[1] for _ in range(2)]
            assert api[0] > 0 and api[1] == 0

    def test_throttling_resumes_with_redis(self, client, reference_data, redis_server, settings):
        settings.API_ANON_RATE = "2/min"
        with override_settings(CACHES=redis_caches(redis_server.port)):
            assert [client.get("/api/v1/goals/").status_code for _ in range(3)] == [200] * 3  # no Redis yet
            redis_server.start()
            assert [client.get("/api/v1/goals/").status_code for _ in range(3)] == [200, 200, 429]

    @pytest.mark.django_db(transaction=True)
    def test_after_a_network_failure_no_page_from_before_a_change_is_served(self, client, published, redis_server):
        """Redis keeps its data through a network failure, the page cache's counter included: the change made
        meanwhile could not move it on. The keys whose writes failed are deleted first once Redis answers."""
        redis_server.start()
        partition = Partition(redis_server.port)
        try:
            with override_settings(CACHES=redis_caches(partition.port)):
                cache.clear()
                url = published.get_absolute_url()
                for address in (url, "/measures/"):
                    client.get(address)
                    assert selects(client, address)[1] == 0, "cached before the failure"

                partition.cut()
                published.title = "Renamed while Redis was away"
                published.save()
                assert b"Renamed while Redis was away" in client.get(url).content

                partition.heal()
                for address in (url, "/measures/"):
                    response, _ = selects(client, address)
                    assert b"Renamed while Redis was away" in response.content, f"{address} served from before"
                    assert selects(client, address)[1] == 0, "and cached again"
        finally:
            partition.close()
            with override_settings(CACHES=redis_caches(redis_server.port)):
                cache.clear()


def test_one_redis_client_serves_every_call_and_survives_a_restart(redis_server):
    """Django's client would wrap the pool in a new redis.Redis for every call (CPU on every cached page)."""
    with override_settings(CACHES=redis_caches(redis_server.port)):
        redis_server.start()
        backend = caches["default"]
        client = backend._cache.get_client()
        assert backend._cache.get_client(write=True) is client
        backend.set("reused-client", 1)
        assert backend.get("reused-client") == 1
        redis_server.kill()
        assert backend.get("reused-client") is None  # a miss while Redis is away
        redis_server.start()
        backend.set("reused-client", 2)
        assert backend.get("reused-client") == 2
        assert backend._cache.get_client() is client
