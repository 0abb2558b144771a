"""`manage.py prune_imports` (part of `make housekeeping`): the import jobs' upkeep.

- A job the worker stopped telling progress about for IMPORT_STALLED_MINUTES (the worker was killed or its
  machine restarted) is marked failed: nothing of it was saved (an import is one transaction), and its page
  offers to try again.
  The task the killed worker was running stays "running" in the task queue, where no worker takes it again and
  `prune_db_task_results` (which deletes finished tasks) would keep it for ever: it is marked failed too.
- The files, and the lists of problems, of jobs finished more than IMPORT_FILE_RETENTION_DAYS ago are deleted
  from the storage; the job itself stays, with its counts, as the record of what was imported.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from imports import tasks
from imports.models import FINISHED_STATES, ImportJob, JobState


class WorkerStopped(Exception):
    """What a task left running by a worker that was killed is marked failed with."""


def fail_orphaned_tasks(job):
    """Mark failed the job's tasks still "running" in the task queue: their worker is gone."""
    from django_tasks_db.models import DBTaskResult

    orphaned = DBTaskResult.objects.running().filter(
        task_path__in=[tasks.check_import.module_path, tasks.run_import.module_path]
    )
    for result in orphaned:
        if str(job.pk) in (result.args_kwargs or {}).get("args", []):
            result.set_failed(WorkerStopped(f"The worker stopped while running this task (import job {job.pk})."))


class Command(BaseCommand):
    help = "Mark stalled import jobs failed; delete the files of jobs finished longer ago than the retention."

    def handle(self, *args, **options):
        now = timezone.now()
        stalled = self.fail_stalled(now)
        deleted = self.delete_old_files(now - datetime.timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS))
        self.stdout.write(f"Import jobs: {stalled} stalled marked failed, {deleted} old files deleted.")

    def fail_stalled(self, now):
        limit = now - datetime.timedelta(minutes=settings.IMPORT_STALLED_MINUTES)
        count = 0
        for job in ImportJob.objects.filter(state__in=(JobState.VALIDATING, JobState.IMPORTING)):
            if job.last_sign_of_life() > limit:
                continue
            with override(job.language):
                job.state = JobState.FAILED
                job.message = _(
                    "The worker stopped while working on this file (it was restarted or killed). Nothing was "
                    "imported. The file is kept: try again."
                )
            job.finished_at = now
            job.save(update_fields=["state", "message", "finished_at", "updated_at"])
            fail_orphaned_tasks(job)
            count += 1
        return count

    def delete_old_files(self, before):
        count = 0
        old = ImportJob.objects.filter(finished_at__lt=before, state__in=FINISHED_STATES).exclude(file="")
        for job in old.iterator():
            job.file.delete(save=False)
            job.problems.all().delete()
            job.save(update_fields=["file", "updated_at"])
            count += 1
        return count
