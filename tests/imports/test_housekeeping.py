"""`manage.py prune_imports` (in `make housekeeping`): stalled jobs marked failed, old files deleted."""

import datetime
import io

import pytest
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from imports.models import ImportJob, ImportProblem
from tests.support.workflow import ensure_role_groups, make_user

pytestmark = pytest.mark.django_db

State = ImportJob.State


@pytest.fixture
def owner(db):
    ensure_role_groups()
    return make_user("reviewer", "Secretariat reviewers")


def make_job(owner, state, **fields):
    job = ImportJob(owner=owner, original_name="file.csv", file_format="csv", state=state, **fields)
    job.file.save("file.csv", ContentFile(b"title,party\nA,CAN\n"), save=False)
    job.save()
    return job


def prune():
    out = io.StringIO()
    call_command("prune_imports", stdout=out)
    return out.getvalue()


def age(job, **delta):
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - datetime.timedelta(**delta))
    job.refresh_from_db()


@override_settings(IMPORT_STALLED_MINUTES=30)
def test_a_job_without_news_from_its_worker_is_marked_failed_and_keeps_its_file(owner):
    stalled = make_job(owner, State.IMPORTING)
    age(stalled, minutes=31)
    busy = make_job(owner, State.IMPORTING)
    age(busy, minutes=31)
    busy.report_progress(1500)  # the worker is still telling its progress
    queued = make_job(owner, State.QUEUED)
    age(queued, hours=5)  # waiting for a worker is not stalling
    assert prune() == "Import jobs: 1 stalled marked failed, 0 old files deleted.\n"
    stalled.refresh_from_db()
    assert stalled.state == State.FAILED
    assert "Nothing was imported" in stalled.message and "try again" in stalled.message
    assert stalled.file.storage.exists(stalled.file.name)
    assert ImportJob.objects.get(pk=busy.pk).state == State.IMPORTING
    assert ImportJob.objects.get(pk=queued.pk).state == State.QUEUED
    caches["progress"].delete(busy.progress_key)


@override_settings(IMPORT_FILE_RETENTION_DAYS=7)
def test_files_and_problems_of_jobs_finished_long_ago_are_deleted_and_the_job_stays(owner):
    old = make_job(owner, State.DONE, finished_at=timezone.now() - datetime.timedelta(days=8), imported_count=12)
    ImportProblem.objects.create(job=old, line=3, column="party", message="duplicate", is_warning=True)
    recent = make_job(owner, State.INVALID, finished_at=timezone.now() - datetime.timedelta(days=6))
    waiting = make_job(owner, State.READY)
    stored = old.file.name
    assert prune() == "Import jobs: 0 stalled marked failed, 1 old files deleted.\n"
    old.refresh_from_db()
    assert not old.file and not old.file.storage.exists(stored)
    assert old.imported_count == 12 and not old.problems.exists()
    assert ImportJob.objects.get(pk=recent.pk).file
    assert ImportJob.objects.get(pk=waiting.pk).file


def test_the_page_of_a_pruned_job_says_its_file_was_deleted(owner, client):
    job = make_job(owner, State.DONE, finished_at=timezone.now() - datetime.timedelta(days=30))
    prune()
    client.force_login(owner)
    page = client.get(job.get_absolute_url())
    assert "The file and its list of problems were deleted 7 days after the job finished." in page.text
