"""Django's Redis cache, made safe when Redis cannot be reached: the portal then runs uncached, it does not fail.

Everything the portal keeps in Redis (whole public pages, facet counts, the API's throttling history, an import's
live progress) can be worked out again, so an unreachable Redis is treated as an empty cache that keeps nothing:

- `get` gives the default, `get_many` nothing, `has_key`, `add` and `touch` False;
- `set`, `set_many`, `delete`, `delete_many` and `clear` do nothing;
- `incr` (and `decr`) raise ValueError, as for a key that is not there: the callers already handle that case by
  setting the key, which then does nothing either.

"Cannot be reached" is a connection error (refused, reset, timed out) or an error reply saying Redis cannot serve
(MISCONF: it cannot save to its disk; OOM; READONLY; LOADING).

Such an error costs at most the short socket timeouts set below; after one, this
process does not try Redis again for `RETRY_SECONDS` (OPTIONS, default 1 s) and goes straight to the fallback, so
an unreachable host costs each request nothing more. A warning is logged when Redis stops answering (at most once
a minute per process), another when it answers again.

Writes that could not be made are remembered (their keys, per process, up to MAX_REMEMBERED): Redis may still hold
an older value under them, say the page cache's generation counter from before a change of the data. Once Redis
answers again, those keys are deleted first, before anything else is read, so that nothing older than the outage
is served. Only data errors (a value that cannot be unpickled, a wrong type) still raise: they are bugs, not
outages.

Settings: LOCATION and OPTIONS as for django.core.cache.backends.redis.RedisCache; OPTIONS also takes
RETRY_SECONDS, and sets socket_connect_timeout (0.25 s) and socket_timeout (0.5 s) unless given.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

#: Seconds to wait for Redis to accept a connection, then for an answer: short, as Redis answers in well
#: under a millisecond on a local network.
CONNECT_TIMEOUT = 0.25
READ_TIMEOUT = 0.5
RETRY_SECONDS = 1.0
WARNING_INTERVAL = 60.0
#: Keys of failed writes remembered per process, to be deleted once Redis answers again.
MAX_REMEMBERED = 10_000
#: Error replies of a Redis that is up but cannot serve (its disk is full, its memory, it is a replica).
UNAVAILABLE_REPLIES = ("MISCONF", "OOM", "READONLY", "LOADING", "MASTERDOWN")


class Outage:
    """What the processes' threads share about one Redis (Django gives each thread its own cache object)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down_until = 0.0  # monotonic time before which Redis is not tried again
        self.down_since = None  # wall-clock time of the first failure of the current outage
        self.last_warning = None  # monotonic time
        self.unwritten = set()  # keys whose last write failed
        self.lost_track = False  # more failed writes than MAX_REMEMBERED


_outages = {}
_outages_lock = threading.Lock()


def outage_for(servers):
    key = tuple(servers)
    with _outages_lock:
        return _outages.setdefault(key, Outage())


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client wraps its connection pool in a new redis.Redis for every cache call, which costs redis-py as
    much CPU as the rest of serving a cached page; a redis.Redis is safe to share between threads, so one per pool
    serves every call."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients.setdefault(index, self._client(connection_pool=self._get_connection_pool(write)))
        return client


class ResilientRedisCache(RedisCache):
    """RedisCache whose operations treat Redis being unreachable as a miss (see the module's docstring)."""

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("RETRY_SECONDS", RETRY_SECONDS))
        options.setdefault("socket_connect_timeout", CONNECT_TIMEOUT)
        options.setdefault("socket_timeout", READ_TIMEOUT)
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._outage = outage_for(self._servers)
        import redis

        self._redis = redis
        self._connection_errors = (redis.RedisError, ConnectionError, TimeoutError)

    # The guard around every operation --------------------------------------------------------------------

    def _call(self, operation, fallback, written=()):
        outage = self._outage
        if outage.down_until and time.monotonic() < outage.down_until:
            self._remember(written)
            return fallback()
        try:
            deleted = self._delete_unwritten() if outage.unwritten or outage.lost_track else None
            result = operation()
        except self._connection_errors as error:
            if not self._unavailable(error):
                raise
            self._failed(error)
            self._remember(written)
            return fallback()
        if outage.down_since is not None or deleted is not None:
            self._recovered(deleted)
        return result

    def _unavailable(self, error):
        """Whether the error says Redis is out of service, not that the call was wrong."""
        unreachable = (
            self._redis.ConnectionError,
            self._redis.TimeoutError,
            self._redis.exceptions.InvalidResponse,  # something else than Redis listens there
            ConnectionError,
            TimeoutError,
        )
        if isinstance(error, unreachable):
            return True
        # A Redis that cannot save its snapshot, is out of memory or is a read-only replica refuses writes.
        return isinstance(error, self._redis.ResponseError) and str(error).startswith(UNAVAILABLE_REPLIES)

    def _failed(self, error):
        outage = self._outage
        now = time.monotonic()
        with outage.lock:
            outage.down_until = now + self.retry_seconds
            if outage.down_since is None:
                outage.down_since = time.time()
            warn = outage.last_warning is None or now - outage.last_warning >= WARNING_INTERVAL
            if warn:
                outage.last_warning = now
        if warn:
            logger.warning(
                "Redis cache at %s cannot be reached (%s: %s): serving without the cache until it answers again.",
                self._location(),
                type(error).__name__,
                error,
            )

    def _remember(self, keys):
        if not keys:
            return
        outage = self._outage
        with outage.lock:
            for key in keys:
                if len(outage.unwritten) >= MAX_REMEMBERED:
                    outage.lost_track = True
                    break
                outage.unwritten.add(key)

    def _delete_unwritten(self):
        """Before anything else once Redis answers again: delete what could not be written. The keys deleted."""
        outage = self._outage
        with outage.lock:
            keys = list(outage.unwritten)
        for start in range(0, len(keys), 1000):
            self._cache.get_client(None, write=True).delete(*keys[start : start + 1000])
        with outage.lock:
            outage.unwritten.difference_update(keys)
        return keys

    def _recovered(self, deleted):
        outage = self._outage
        with outage.lock:
            lost_track, outage.lost_track = outage.lost_track, False
            down_since, outage.down_since = outage.down_since, None
            outage.down_until = 0.0
            outage.last_warning = None
        if down_since is None:
            return  # another thread said it already
        logger.warning(
            "Redis cache at %s answers again after %.1f s; %d entries written meanwhile were deleted%s.",
            self._location(),
            time.time() - down_since,
            len(deleted or ()),
            (
                f" (more than {MAX_REMEMBERED} failed writes: some entries may be stale until they expire)"
                if lost_track
                else ""
            ),
        )

    def _location(self):
        # The address without any password in it.
        return ", ".join(server.rsplit("@", 1)[-1] for server in self._servers)

    # The operations --------------------------------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), lambda: False)

    def get(self, key, default=None, version=None):
        return self._call(lambda: super(ResilientRedisCache, self).get(key, default, version), lambda: default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        made = self.make_key(key, version=version)
        self._call(lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), lambda: None, [made])

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(lambda: super(ResilientRedisCache, self).touch(key, timeout, version), lambda: False)

    def delete(self, key, version=None):
        made = self.make_key(key, version=version)
        return self._call(lambda: super(ResilientRedisCache, self).delete(key, version), lambda: False, [made])

    def get_many(self, keys, version=None):
        return self._call(lambda: super(ResilientRedisCache, self).get_many(keys, version), dict)

    def has_key(self, key, version=None):
        return self._call(lambda: super(ResilientRedisCache, self).has_key(key, version), lambda: False)

    def incr(self, key, delta=1, version=None):
        made = self.make_key(key, version=version)

        def missing():
            raise ValueError(f"Key '{made}' not found (the Redis cache cannot be reached).")

        return self._call(lambda: super(ResilientRedisCache, self).incr(key, delta, version), missing, [made])

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        made = [self.make_key(key, version=version) for key in data]
        return self._call(
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version), lambda: list(data), made
        )

    def delete_many(self, keys, version=None):
        keys = list(keys)
        made = [self.make_key(key, version=version) for key in keys]
        self._call(lambda: super(ResilientRedisCache, self).delete_many(keys, version), lambda: None, made)

    def clear(self):
        return self._call(lambda: super(ResilientRedisCache, self).clear(), lambda: False)
