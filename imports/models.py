"""An import job: a file uploaded in the back office, checked then saved by the task worker (imports/tasks.py)."""

import datetime
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imports.engine import Duplicates


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    VALIDATING = "validating", _("Checking the file")
    READY = "ready", _("Ready for confirmation")
    INVALID = "invalid", _("Errors found")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


#: The states in which the worker is busy with the job: the page follows its progress.
RUNNING_STATES = (JobState.QUEUED, JobState.VALIDATING, JobState.IMPORTING)
#: The states of a job the worker is done with: its file goes once the retention has passed (a failed job's
#: file is kept until then for a retry).
FINISHED_STATES = (JobState.DONE, JobState.INVALID, JobState.FAILED)


def upload_to(job, filename):
    # The stored name is the job's, not the user's: the user's name is kept in `original_name`.
    return f"imports/{job.pk}.{job.file_format}"


class ImportJobQuerySet(models.QuerySet):
    def of(self, user):
        """The jobs a user may open: their own, and only theirs."""
        return self.filter(owner=user) if user.is_authenticated else self.none()


class ImportJob(models.Model):
    """One uploaded file on its way in: queued, checked (every problem recorded), confirmed, imported."""

    State = JobState

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.CASCADE, related_name="import_jobs"
    )
    file = models.FileField(_("file"), upload_to=upload_to, max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=10)
    file_size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    #: The interface language of the upload: the worker writes the job's messages in it.
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    state = models.CharField(_("state"), max_length=20, choices=JobState.choices, default=JobState.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_with_errors = models.PositiveIntegerField(_("rows with errors"), default=0)
    problem_count = models.PositiveIntegerField(_("errors"), default=0)
    duplicate_count = models.PositiveIntegerField(_("duplicates"), default=0)
    duplicates = models.CharField(_("duplicates"), max_length=10, choices=Duplicates.choices, default=Duplicates.SKIP)
    imported_count = models.PositiveIntegerField(_("imported"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    #: The first rows, as the preview shows them (imports.engine.preview_row).
    preview = models.JSONField(_("preview"), default=list, blank=True)
    #: Why the file was refused as a whole, or why the job failed, for the person who uploaded it.
    message = models.TextField(_("message"), blank=True)
    message_line = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    validation_seconds = models.FloatField(null=True, blank=True)
    import_seconds = models.FloatField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["owner", "-created_at"], name="importjob_owner_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(state__in=JobState.values), name="importjob_state_valid")
        ]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("admin:measures_measure_import_job", args=[self.pk])

    @property
    def is_running(self):
        return self.state in RUNNING_STATES

    # Live progress ----------------------------------------------------------------------------------------
    # The import runs in one transaction: what it has done is invisible in the database until the end, so the
    # worker tells its progress through the "progress" cache (Redis in production, files in development).

    @property
    def progress_key(self):
        return f"imports:progress:{self.pk}"

    def report_progress(self, rows_done, fraction=None):
        caches["progress"].set(
            self.progress_key,
            {"state": self.state, "rows_done": rows_done, "fraction": fraction, "at": timezone.now().timestamp()},
            timeout=24 * 3600,
        )

    def live_progress(self):
        """(rows done, fraction of the file read or None) as the worker last told, else as last saved."""
        told = caches["progress"].get(self.progress_key)
        if told and told.get("state") == self.state:
            return told["rows_done"], told.get("fraction")
        return self.rows_done, None

    def last_sign_of_life(self):
        """When the worker last told progress on this job, or else when the job last changed."""
        told = caches["progress"].get(self.progress_key)
        if told and told.get("state") == self.state:
            return max(self.updated_at, datetime.datetime.fromtimestamp(told["at"], tz=datetime.UTC))
        return self.updated_at

    def progress(self):
        """What the page and its JSON show: state, rows done, rows in all (once known) and a percentage."""
        rows_done, fraction = self.live_progress()
        total = self.rows_total
        if self.state in (JobState.DONE, JobState.READY, JobState.INVALID):
            percent = 100
        elif self.state == JobState.IMPORTING and total:
            percent = min(100, round(100 * rows_done / total))
        elif self.state == JobState.VALIDATING and fraction is not None:
            percent = min(99, round(100 * fraction))
        else:
            percent = 0
        return {
            "state": self.state,
            "state_label": str(self.get_state_display()),
            "rows_done": rows_done,
            "rows_total": total,
            "percent": percent,
            "running": self.is_running,
        }


class ImportProblem(models.Model):
    """One problem of one row (or of the file, without a line), found by the check."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="problems")
    line = models.PositiveIntegerField(_("line"), null=True)
    column = models.CharField(_("column"), max_length=100, blank=True)
    message = models.TextField(_("message"))
    is_warning = models.BooleanField(_("warning"), default=False)

    class Meta:
        ordering = ["job", "line", "pk"]
        verbose_name = _("import problem")
        verbose_name_plural = _("import problems")
        indexes = [models.Index(fields=["job", "is_warning", "line"], name="importproblem_job_idx")]

    def __str__(self):
        return f"{self.line}: {self.column}: {self.message}"
