"""The worker's side of an import job: check the file, then (once confirmed) save it.

The tasks run in `manage.py db_worker` (django-tasks, database backend), never in a web request. Each reads the
job's file through Django's storage, so the worker may run on another machine than the web process. A failure
that is not the file's fault is logged, said on the job's page, and leaves the file for a retry.
"""

import logging

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from imports import engine
from imports.models import ImportJob, ImportProblem, JobState
from imports.rows import Importer

logger = logging.getLogger(__name__)

#: Problems are written to the database this many at a time while the check goes on.
PROBLEM_BATCH = 500


class ProblemWriter:
    """Stores a job's problems as the check finds them, in batches."""

    def __init__(self, job):
        self.job = job
        self.pending = []

    def __call__(self, problem):
        self.pending.append(
            ImportProblem(
                job=self.job,
                line=problem.line,
                column=problem.column,
                message=problem.message,
                is_warning=problem.warning,
            )
        )
        if len(self.pending) >= PROBLEM_BATCH:
            self.flush()

    def flush(self):
        ImportProblem.objects.bulk_create(self.pending)
        self.pending = []


def set_state(job, state, **fields):
    job.state = state
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["state", "updated_at", *fields])


def fail(job, stage):
    """Record an unexpected failure: logged with its traceback, said on the page, the file kept for a retry."""
    logger.exception("Import job %s failed while %s", job.pk, stage)
    set_state(
        job,
        JobState.FAILED,
        message=_(
            "The import stopped on an unexpected error while %(stage)s. Nothing was imported. The file is kept: "
            "try again, and if it fails again, tell the secretariat's technical team (job %(job)s)."
        )
        % {"stage": stage, "job": job.pk},
        finished_at=timezone.now(),
    )


@task()
def check_import(job_id):
    """Read the whole file, record every problem and the preview; the job is then ready or invalid."""
    job = ImportJob.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.state != JobState.QUEUED:
        return
    with translation.override(job.language):
        check_job(job)


def check_job(job):
    job.problems.all().delete()
    set_state(job, JobState.VALIDATING, rows_done=0, rows_total=None, message="", message_line=None)
    job.report_progress(0, 0.0)
    problems = ProblemWriter(job)

    def progress(rows, fraction):
        job.rows_done = rows
        job.save(update_fields=["rows_done", "updated_at"])
        job.report_progress(rows, fraction)

    try:
        with job.file.open("rb") as fileobj:
            outcome = engine.check(
                fileobj, job.original_name, Importer(job.owner), on_problem=problems, on_progress=progress
            )
        problems.flush()
    except engine.FileRefused as refused:
        problems.pending = []
        ImportProblem.objects.create(job=job, line=refused.line, message=str(refused))
        set_state(
            job,
            JobState.INVALID,
            message=str(refused),
            message_line=refused.line,
            rows_with_errors=0,
            problem_count=1,
            finished_at=timezone.now(),
        )
        return
    except Exception:
        fail(job, _("checking the file"))
        raise
    set_state(
        job,
        JobState.READY if outcome.valid else JobState.INVALID,
        rows_total=outcome.rows,
        rows_done=outcome.rows,
        rows_with_errors=outcome.rows_with_errors,
        problem_count=outcome.problems,
        duplicate_count=outcome.duplicates,
        preview=outcome.preview,
        validation_seconds=outcome.seconds,
        finished_at=None if outcome.valid else timezone.now(),
    )


@task()
def run_import(job_id):
    """Save the confirmed file's rows as drafts, in one transaction."""
    job = ImportJob.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.state != JobState.IMPORTING:
        return
    with translation.override(job.language):
        import_job(job)


def import_job(job):
    job.report_progress(0)
    try:
        with job.file.open("rb") as fileobj:
            outcome = engine.save(
                fileobj,
                job.original_name,
                Importer(job.owner),
                duplicates=job.duplicates,
                on_progress=lambda rows, _fraction: job.report_progress(rows),
            )
    except (engine.RowsRefused, engine.FileRefused) as refused:
        # The file or the reference data changed since the check: check again to list what is wrong now.
        set_state(
            job,
            JobState.INVALID,
            message=_(
                "Nothing was imported: since the check, the file or the records it refers to have changed. "
                "%(reason)s Upload the file again to see what is wrong now."
            )
            % {"reason": refused},
            finished_at=timezone.now(),
        )
        return
    except Exception:
        fail(job, _("importing"))
        raise
    set_state(
        job,
        JobState.DONE,
        rows_done=outcome.rows,
        imported_count=outcome.imported,
        skipped_count=outcome.skipped,
        import_seconds=outcome.seconds,
        finished_at=timezone.now(),
    )


# The database backend writes the task in the caller's transaction: the job's new state and its task are saved
# together or not at all.


def start_check(job):
    """Queue the check of a new (or failed) job."""
    set_state(job, JobState.QUEUED, message="", message_line=None, finished_at=None)
    check_import.enqueue(str(job.pk))


def start_import(job, duplicates):
    """Queue the import of a checked job, skipping or importing its duplicates."""
    set_state(job, JobState.IMPORTING, duplicates=duplicates, rows_done=0)
    run_import.enqueue(str(job.pk))
