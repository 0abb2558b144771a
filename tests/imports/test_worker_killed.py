"""The task worker killed (SIGKILL) while it saves an import: nothing of the file is kept, housekeeping then marks
the job failed saying so, and the job's "Try again" runs it to the end with a new worker.

Real processes on the test's own database (a file on SQLite, tests/conftest.py; the test database on PostgreSQL),
with rows the test commits (`transaction=True`). Time passes by moving the job's last sign of life into the past,
never by waiting.
"""

import datetime
import io
import signal
import time

import pytest
from django.apps import apps
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from imports import tasks
from imports.models import ImportJob
from measures.models import Measure, Partner
from tests.support.imports import confirm, csv_bytes, many_rows
from tests.support.processes import start_worker
from tests.support.workflow import client_for, csrf_token, ensure_role_groups, make_user

pytestmark = pytest.mark.django_db(transaction=True)

State = ImportJob.State
ROWS = 5000


def count_imported():
    return Measure.objects.filter(title__endswith=": imported measure").count()


def written_rows():
    """Rows of every table an import writes: measures, their partners, links and history."""
    labels = ["measures.Measure", "measures.Partner", "measures.HistoricalMeasure", "measures.HistoricalPartner"]
    counts = {label: apps.get_model(label)._base_manager.count() for label in labels}
    for name in ("areas", "domains", "goals", "goals_ticked"):
        counts[name] = getattr(Measure, name).through.objects.count()
    return counts


def wait_for(condition, seconds, worker, what):
    deadline = time.monotonic() + seconds
    while not condition():
        assert worker.poll() is None, worker.stderr.read().decode()
        assert time.monotonic() < deadline, f"{what} did not happen within {seconds} s"
        time.sleep(0.05)


def stop(worker):
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except Exception:
            worker.kill()
            worker.wait()


def ago(job, minutes):
    """The job's last sign of life `minutes` ago: its row and the progress its worker last told."""
    past = timezone.now() - datetime.timedelta(minutes=minutes)
    ImportJob.objects.filter(pk=job.pk).update(updated_at=past)
    told = caches["progress"].get(job.progress_key)
    if told:
        caches["progress"].set(job.progress_key, {**told, "at": past.timestamp()}, timeout=3600)


def prune():
    out = io.StringIO()
    call_command("prune_imports", stdout=out)
    return out.getvalue()


def test_a_worker_killed_while_saving_leaves_nothing_and_the_job_can_be_run_again(reference_data):
    ensure_role_groups()
    reviewer = make_user("reviewer", "Secretariat reviewers")
    job = ImportJob(owner=reviewer, original_name="archive.csv", file_format="csv")
    content = csv_bytes(many_rows(ROWS))
    job.file.save("archive.csv", ContentFile(content), save=False)
    job.file_size, job.rows_total, job.state = len(content), ROWS, State.READY
    job.save()
    tasks.start_import(job, "skip")
    before = written_rows()

    # The worker saves: killed once it has told two batches written inside the import's transaction.
    worker = start_worker()
    try:
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).live_progress()[0] >= 1000, 120, worker, "progress")
        rows_at_kill = ImportJob.objects.get(pk=job.pk).live_progress()[0]
        assert rows_at_kill < ROWS, "the import ended before the worker could be killed"
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        stop(worker)

    assert written_rows() == before, f"{rows_at_kill} rows were written, none may be kept"
    assert count_imported() == 0
    job.refresh_from_db()
    assert job.state == State.IMPORTING
    # The killed worker's task stays "running" in the queue (no worker takes it again) until housekeeping.
    assert DBTaskResult.objects.get().status == "RUNNING"

    # Housekeeping: not yet stalled, then stalled.
    with override_settings(IMPORT_STALLED_MINUTES=30):
        ago(job, minutes=29)
        assert prune().startswith("Import jobs: 0 stalled marked failed")
        ago(job, minutes=31)
        assert prune().startswith("Import jobs: 1 stalled marked failed")
    job.refresh_from_db()
    assert job.state == State.FAILED
    assert "The worker stopped while working on this file" in job.message
    assert "Nothing was imported" in job.message and "try again" in job.message
    assert job.file.storage.exists(job.file.name), "the file is kept for a retry"
    orphan = DBTaskResult.objects.get()
    assert orphan.status == "FAILED" and orphan.task_path == "imports.tasks.run_import"
    assert orphan.exception_class_path.endswith("WorkerStopped") and orphan.finished_at is not None

    # Try again, from the job's page: checked then imported by a new worker, in full and once.
    client = client_for(reviewer)
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    assert reverse("admin:measures_measure_import_retry", args=[job.pk]) in page.content.decode()
    retried = client.post(
        reverse("admin:measures_measure_import_retry", args=[job.pk]), {"csrfmiddlewaretoken": csrf_token(client, page)}
    )
    assert retried.status_code == 302
    worker = start_worker()
    try:
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).state == State.READY, 180, worker, "the check")
        assert confirm(client, ImportJob.objects.get(pk=job.pk)).status_code == 302
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).state == State.DONE, 180, worker, "the import")
    finally:
        stop(worker)
    job.refresh_from_db()
    assert job.imported_count == ROWS and job.skipped_count == 0
    assert count_imported() == ROWS
    assert Partner.objects.count() > before["measures.Partner"]
