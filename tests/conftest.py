"""Fixtures for the whole suite.

Layout: the folders mirror the code (measures/, experts/, api/, accounts/, core/, workflow/, operations/,
portal/ for what spans the whole site, browser/ for every Playwright test, marked `browser`); record builders are
in tests/factories/, shared helpers in tests/support/. `make test` runs it with pytest-xdist (`-n auto`): each
worker has its own test database (test_postgres_gw0… on PostgreSQL), its own live server and its own Chromium.

Reference data, loaded once per test database
---------------------------------------------
`manage.py load_reference_data` (every Party, the framework, cycles, reports, bodies, meetings…) is slow next to
a test, and ~150 tests ask for it. So `django_db_setup` (below) creates each test database as pytest-django
does, then runs the real command once, reads back every row it added (a `ReferenceSnapshot`: per table, its
columns and rows, history tables and link tables included) and deletes those rows again. Every test therefore
starts, as before, from the database the migrations make: the tests that build their own Parties and count rows
exactly still find nothing else. The `reference_data` fixture replays the snapshot with one multi-row INSERT
per table, inside the test's transaction, so it is rolled back with the test; in a transactional test
(`transaction=True`: the browser tests with `live_server`, backups, faults) the rows are committed and the
flush that ends the test removes them with everything else. Primary keys are those the command gave them;
the sequences stay past them, so a test's own records never collide with a replayed one.

Why this way round: replaying the snapshot is cheaper than running the command in every test, than keeping
the data and deleting it from every test that did not ask for it (which would also change their primary keys
and still need the data put back after each flush), and than `serialized_rollback` (docs/performance.md,
"The test suite", has the figures).

Language: `english_between_tests` is the only language reset: a request to /fr/ or /es/ leaves its language
active in the thread, so every test starts and ends in English.

Passwords: `fast_password_hashing` puts Django's MD5 hasher first for the whole run (PBKDF2 is slow by
design); no test is about the hasher.
"""

import io
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction

CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


# Reference data


@dataclass
class TableRows:
    table: str
    pk_column: str
    columns: list
    rows: list


class ReferenceSnapshot:
    """The rows `load_reference_data` adds to a database with nothing but the migrations' data in it."""

    def __init__(self, tables):
        self.tables = tables

    #: Not data: the public change row (core.models.PublicChange) moves with every load, and stays as it is.
    BOOKKEEPING_TABLES = {"core_publicchange"}

    @classmethod
    def model_tables(cls):
        """(table, primary key column) of every model, link tables included, once per table."""
        tables = {}
        for model in apps.get_models(include_auto_created=True):
            meta = model._meta
            if meta.managed and not meta.proxy and meta.db_table not in cls.BOOKKEEPING_TABLES:
                tables.setdefault(meta.db_table, meta.pk.column)
        return sorted(tables.items())

    @staticmethod
    def read(table, pk_column):
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {quote(pk_column)}")
            return [column[0] for column in cursor.description], [tuple(row) for row in cursor.fetchall()]

    @classmethod
    def capture(cls):
        """Run the command, keep what it added, and delete that again (committed: outside any test)."""
        tables = cls.model_tables()
        before = {table: set(cls.read(table, pk)[1]) for table, pk in tables}
        call_command("load_reference_data", stdout=io.StringIO())
        captured = []
        for table, pk in tables:
            columns, rows = cls.read(table, pk)
            missing = before[table].difference(rows)
            assert not missing, f"load_reference_data changed or removed rows of {table} the migrations made"
            added = [row for row in rows if row not in before[table]]
            if added:
                captured.append(TableRows(table, pk, columns, added))
        snapshot = cls(captured)
        snapshot.delete()
        return snapshot

    def delete(self):
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:  # foreign keys are checked at commit
            for part in self.tables:
                index = part.columns.index(part.pk_column)
                keys = [row[index] for row in part.rows]
                for start in range(0, len(keys), 500):
                    chunk = keys[start : start + 500]
                    placeholders = ", ".join(["%s"] * len(chunk))
                    cursor.execute(
                        f"DELETE FROM {quote(part.table)} WHERE {quote(part.pk_column)} IN ({placeholders})", chunk
                    )

    def replay(self):
        """Insert every captured row again, as the command wrote it."""
        from convention_portal import page_cache

        quote = connection.ops.quote_name
        max_params = connection.features.max_query_params or 10_000
        with transaction.atomic(), connection.cursor() as cursor:
            for part in self.tables:
                columns = ", ".join(quote(column) for column in part.columns)
                row_placeholder = "(" + ", ".join(["%s"] * len(part.columns)) + ")"
                per_statement = max(1, min(500, max_params // len(part.columns)))
                for start in range(0, len(part.rows), per_statement):
                    chunk = part.rows[start : start + per_statement]
                    cursor.execute(
                        f"INSERT INTO {quote(part.table)} ({columns}) VALUES "
                        + ", ".join([row_placeholder] * len(chunk)),
                        [value for row in chunk for value in row],
                    )
        page_cache.invalidate()  # as the command does: raw writes send no signals

    def check_replay(self):
        """A replay gives back exactly the rows the command wrote (then rolled back)."""
        with transaction.atomic():
            self.replay()
            for part in self.tables:
                columns, rows = self.read(part.table, part.pk_column)
                assert (columns, rows) == (part.columns, part.rows), f"replaying {part.table} changes its rows"
            transaction.set_rollback(True)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite's test database in a file of this worker's own, not in memory.

    In memory, the live server's thread and the test's thread share one connection (Django's documented
    limitation), and with ATOMIC_REQUESTS a request still running when the test writes leaves that connection
    half in a transaction for the rest of the run. A file gives each thread its own connection.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases, plus the reference data captured once (see the module docstring)."""
    global REFERENCE_SNAPSHOT
    with django_db_blocker.unblock():
        REFERENCE_SNAPSHOT = ReferenceSnapshot.capture()
        REFERENCE_SNAPSHOT.check_replay()
    yield


REFERENCE_SNAPSHOT = None


@pytest.fixture
def reference_data(db):
    """The portal's real reference data, as `manage.py load_reference_data` writes it."""
    REFERENCE_SNAPSHOT.replay()


# Users


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "a-long-test-password")


@pytest.fixture
def admin_client_logged_in(client, superuser):
    client.force_login(superuser)
    return client


# Faults


@pytest.fixture
def unreachable_database():
    """Point the live connection at a database that cannot be reached, then put it back."""
    original_settings = dict(connection.settings_dict)
    connection.ensure_connection()
    # Kept aside, not closed, to be put back as it was.
    original_connection = connection.connection
    connection.connection = None
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-directory/portal.sqlite3"
    else:
        connection.settings_dict["PORT"] = "1"  # nothing listens on port 1
    yield
    if connection.connection is not None:
        connection.connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(original_settings)
    connection.connection = original_connection


# Browser


def chromium_path():
    for path in CHROMIUM_PATHS:
        if os.path.exists(path):
            return path
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; skipped without it, except where REQUIRE_BROWSER=1 (CI)."""
    executable = chromium_path()
    if executable is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but Chromium is not installed (apt-get install -y chromium).")
        pytest.skip("Chromium is not installed")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test body are safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


BROWSER_DIR = Path(__file__).resolve().parent / "browser"


def pytest_collection_modifyitems(items):
    """Every Playwright test lives in tests/browser/ and is marked `browser` (`-m "not browser"` skips them all)."""
    misplaced = []
    for item in items:
        parametrized = item.callspec.params if hasattr(item, "callspec") else {}
        drives_a_browser = {"page", "browser"} & (set(getattr(item, "fixturenames", ())) - set(parametrized))
        in_place = Path(item.path).is_relative_to(BROWSER_DIR) and item.get_closest_marker("browser")
        if drives_a_browser and not in_place:
            misplaced.append(item.nodeid)
    if misplaced:
        raise pytest.UsageError(
            "These tests drive a browser: put them in tests/browser/ and mark them `browser`: " + ", ".join(misplaced)
        )


# Every test


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """A fast hasher for the passwords the suite sets and checks (Django's advice for test suites).

    The production hasher (PBKDF2, a million iterations) costs about half a second per password set or checked,
    and no test is about the hasher; it stays in the list, so a hash it made would still be recognised.
    """
    from django.conf import settings
    from django.test import override_settings

    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
    ):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: no throttling history or cached page from another test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def uploads_out_of_the_repository(tmp_path_factory):
    """Uploaded files (import jobs) and the workers' progress go to this run's temporary folders, not media/ and
    var/ in the working tree."""
    from django.test import override_settings

    media = tmp_path_factory.mktemp("media")
    progress = tmp_path_factory.mktemp("progress")
    os.environ["MEDIA_ROOT"], os.environ["PROGRESS_CACHE_DIR"] = str(media), str(progress)  # for worker processes
    from django.conf import settings

    caches = {**settings.CACHES}
    if caches["progress"]["BACKEND"].endswith("FileBasedCache"):
        caches["progress"] = {**caches["progress"], "LOCATION": str(progress)}
    with override_settings(MEDIA_ROOT=str(media), CACHES=caches):
        yield


@pytest.fixture(autouse=True)
def english_between_tests():
    """A request to /fr/ or /es/ leaves its language active; every test starts and ends in English.

    The suite's only language reset: no test module needs one of its own.
    """
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")
