"""Other processes of the portal (web servers, workers) started by a test against the test's own database."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.db import connection

#: A server started by a test: gunicorn as in production, but with debug on, which serves the static files from
#: their folders (the suite does not collect them) and changes nothing of the page cache.
SERVER_ENVIRONMENT = {"DJANGO_DEBUG": "on", "DJANGO_LOG_LEVEL": "WARNING", "PAGE_CACHE_SECONDS": "600"}


def database_url_for_another_process():
    """A DATABASE_URL under which another process sees this test's database (rows the test committed)."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    return (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"
    )


def start_worker():
    """`manage.py db_worker` against the test's database, taking tasks as soon as they are queued."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url_for_another_process(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    if settings.CACHES["progress"]["BACKEND"].endswith("FileBasedCache"):
        environment["PROGRESS_CACHE_DIR"] = settings.CACHES["progress"]["LOCATION"]
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving the portal in a process of its own, with this process's memory as its cache (no REDIS_URL)."""

    def __init__(self, **environment):
        self.port = free_port()
        self.environment = {
            **{name: value for name, value in os.environ.items() if name != "REDIS_URL"},
            **SERVER_ENVIRONMENT,
            "DATABASE_URL": database_url_for_another_process(),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            **environment,
        }
        self.process = None
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in __exit__)

    def __enter__(self):
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        self.process = subprocess.Popen(
            # No control socket: gunicorn's is at one path per user, which two servers at once would share.
            [
                gunicorn,
                "convention_portal.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--no-control-socket",
            ],
            cwd=settings.BASE_DIR,
            env=self.environment,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                self.get("/healthz")
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.output()) from None
                time.sleep(0.1)
        raise RuntimeError("the server did not answer within 30 s")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()

    def output(self):
        """What the server wrote to its error stream so far."""
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def get(self, path):
        """(status, body) of a GET of `path`."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
