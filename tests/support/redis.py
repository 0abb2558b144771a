"""The machine's Redis (127.0.0.1:6379) for the tests that need a real one: CI runs it and requires them
(REQUIRE_REDIS=1); elsewhere they are skipped when it does not answer."""

import os
import socket

import pytest


def require_local_redis(host="127.0.0.1", port=6379):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return
    except OSError:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but no Redis answers on {host}:{port}.")
        pytest.skip("Redis is not running")
