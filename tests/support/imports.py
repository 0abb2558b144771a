"""Helpers for the import tests: files of measures, the back office's upload and the task worker, run here."""

import csv
import io
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.management.commands import db_worker

from imports.models import ImportJob
from measures.resources import IMPORT_COLUMNS
from tests.support.workflow import csrf_token

SAMPLE = Path(settings.BASE_DIR) / "measures" / "data" / "sample_import.csv"
IMPORT_URL = reverse("admin:measures_measure_import")


def csv_bytes(rows, columns=IMPORT_COLUMNS):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in columns})
    return buffer.getvalue().encode()


def good_row(**values):
    return {"title": "An imported measure", "party": "CAN", "reported_by": "party", **values}


def sample_rows():
    with SAMPLE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def many_rows(count, **values):
    """`count` rows in the sample's columns (areas, goals, domains, partners included), each with its own title."""
    rows = sample_rows()
    return [
        {**rows[number % len(rows)], "title": f"Row {number + 2}: imported measure", **values}
        for number in range(count)
    ]


def upload(client, content, name="measures.csv"):
    """POST a file to the import page as its form does; returns the response (a redirect to the job's page)."""
    page = client.get(IMPORT_URL)
    assert page.status_code == 200
    return client.post(
        IMPORT_URL, {"file": SimpleUploadedFile(name, content), "csrfmiddlewaretoken": csrf_token(client, page)}
    )


def run_worker(monkeypatch):
    """The database task worker's own loop (`manage.py db_worker --batch`), in this process: every queued task.

    Between tasks the worker closes connections it thinks stale; inside a test's transaction that would end the
    test's connection (on PostgreSQL), so that one call is left out here.
    """
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    db_worker.Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def job_of(response):
    """The job a response redirected to."""
    assert response.status_code == 302, response.content[:2000]
    job_id = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    return ImportJob.objects.get(pk=job_id)


def confirm(client, job, duplicates="skip"):
    page = client.get(job.get_absolute_url())
    return client.post(
        reverse("admin:measures_measure_import_confirm", args=[job.pk]),
        {"duplicates": duplicates, "csrfmiddlewaretoken": csrf_token(client, page)},
    )


def import_through_the_back_office(client, monkeypatch, content, name="measures.csv", duplicates="skip"):
    """Upload, check, confirm, import: the job at the end (in whatever state it stopped)."""
    job = job_of(upload(client, content, name))
    run_worker(monkeypatch)
    job.refresh_from_db()
    if job.state == ImportJob.State.READY:
        assert confirm(client, job, duplicates).status_code == 302
        run_worker(monkeypatch)
        job.refresh_from_db()
    return job
