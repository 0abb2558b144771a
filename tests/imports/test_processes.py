"""The real processes: the worker (`manage.py db_worker`) killed in the middle of an import saves nothing of the
file; `manage.py import_measures` run as a terminal runs it, with its exit status and streams.

The worker opens the test's own database (a file on SQLite, tests/conftest.py), whose rows the test commits
(`transaction=True`).
"""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection

from imports import tasks
from imports.models import ImportJob
from measures.models import Measure
from tests.support.imports import csv_bytes, good_row, many_rows
from tests.support.workflow import ensure_role_groups, make_user

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 5000


def database_url_for_a_worker():
    """A DATABASE_URL under which another process sees this test's database."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    return (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"
    )


def count_imported():
    return Measure.objects.filter(title__endswith=": imported measure").count()


def start_worker(database_url):
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
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


def test_a_worker_killed_half_way_through_an_import_leaves_nothing(reference_data):
    ensure_role_groups()
    reviewer = make_user("reviewer", "Secretariat reviewers")
    job = ImportJob(owner=reviewer, original_name="archive.csv", file_format="csv")
    content = csv_bytes(many_rows(ROWS))
    job.file.save("archive.csv", ContentFile(content), save=False)
    job.file_size, job.rows_total, job.state = len(content), ROWS, ImportJob.State.READY
    job.save()
    tasks.start_import(job, "skip")
    before = Measure.objects.count()

    database_url = database_url_for_a_worker()
    worker = start_worker(database_url)
    try:
        deadline = time.monotonic() + 120
        rows_done = 0
        while rows_done < 1000:  # two batches written inside the import's transaction
            assert worker.poll() is None, worker.stderr.read().decode()
            assert time.monotonic() < deadline, "the worker never reported progress"
            rows_done, _fraction = ImportJob.objects.get(pk=job.pk).live_progress()
            time.sleep(0.02)
        assert rows_done < ROWS, "the import ended before the worker could be killed"
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

    assert count_imported() == 0
    assert Measure.objects.count() == before
    job.refresh_from_db()
    assert job.state == ImportJob.State.IMPORTING  # until housekeeping finds it stalled
    assert job.file.storage.exists(job.file.name), "the file is kept for a retry"


def run_command(database_url, *args):
    return subprocess.run(
        [sys.executable, "manage.py", "import_measures", *args],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": database_url, "DJANGO_LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_exits_with_one_and_the_report_on_stderr_or_zero(reference_data, tmp_path):
    ensure_role_groups()
    make_user("secretariat", "Secretariat reviewers")
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_bytes(csv_bytes([good_row(title="Fine"), good_row(title="Bad", party="XYZ")]))
    good.write_bytes(csv_bytes([good_row(title="Fine")]))
    database_url = database_url_for_a_worker()

    refused = run_command(database_url, str(bad))
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert refused.stderr.splitlines() == [
        "error: line 3, party: no Party has the code XYZ.",
        "CommandError: 1 row of 2 has errors (1 problem, listed above): nothing was imported.",
    ]
    imported = run_command(database_url, str(good))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("Read 1 row; imported 1 as drafts of secretariat")
    assert imported.stderr == ""
