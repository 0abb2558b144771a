"""The back office's import pages, served inside the admin by MeasureAdmin (ImportViews).

Upload → a job page at once; the worker checks the file while the page follows its progress; the person reads
the preview and every problem, then confirms; the worker imports. A job is its owner's alone: anyone else gets
a 404, whatever their role.
"""

import csv
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from core import downloads
from imports import tasks
from imports.models import ImportJob, JobState
from imports.rows import Importer
from imports.uploads import ConfirmForm, SizeLimitedUpload, UploadForm
from measures.columns import IMPORTED
from measures.export import neutralise

#: A file that imports cleanly, showing every column (docs/import.md).
SAMPLE = Path(__file__).resolve().parent.parent / "measures" / "data" / "sample_import.csv"
PROBLEMS_PER_PAGE = 100
RECENT_JOBS = 10


class Echo:
    """A file-like object whose write returns the line, for streaming csv.writer's output."""

    def write(self, value):
        return value


class ImportViews:
    """ModelAdmin mixin: the import pages of the measures' admin."""

    def has_import_permission(self, request):
        return Importer(request.user).may_import

    def import_urls(self):
        wrap = self.admin_site.admin_view
        upload = csrf_exempt(self.import_upload_view)  # csrf_protect'ed inside, after the upload handler is set
        return [
            path("import/", wrap(upload), name="measures_measure_import"),
            path("import/<uuid:job_id>/", wrap(self.import_job_view), name="measures_measure_import_job"),
            path(
                "import/sample.csv", wrap(require_GET(self.import_sample_view)), name="measures_measure_import_sample"
            ),
            path(
                "import/<uuid:job_id>/progress.json",
                wrap(require_GET(self.import_progress_view)),
                name="measures_measure_import_progress",
            ),
            path(
                "import/<uuid:job_id>/problems.csv",
                wrap(require_GET(self.import_problems_view)),
                name="measures_measure_import_problems",
            ),
            path(
                "import/<uuid:job_id>/confirm/",
                wrap(require_POST(self.import_confirm_view)),
                name="measures_measure_import_confirm",
            ),
            path(
                "import/<uuid:job_id>/retry/",
                wrap(require_POST(self.import_retry_view)),
                name="measures_measure_import_retry",
            ),
        ]

    def import_context(self, request, **context):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "columns": IMPORTED,
            "changelist_url": reverse("admin:measures_measure_changelist"),
            **context,
        }

    def own_job(self, request, job_id):
        if not self.has_import_permission(request):
            raise PermissionDenied
        return get_object_or_404(ImportJob.objects.of(request.user), pk=job_id)

    # Upload -------------------------------------------------------------------------------------------------

    def import_upload_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            request.upload_handlers.insert(0, SizeLimitedUpload(request))
        return csrf_protect(self.import_upload_form)(request)

    def import_upload_form(self, request):
        if request.method == "POST":
            form = UploadForm(request.POST, request.FILES, too_large=getattr(request, "upload_too_large", False))
            if form.is_valid():
                job = form.job_for(request.user, request.LANGUAGE_CODE)
                tasks.start_check(job)
                return HttpResponseRedirect(job.get_absolute_url())
        else:
            form = UploadForm()
        context = self.import_context(
            request,
            title=_("Import measures"),
            form=form,
            jobs=ImportJob.objects.of(request.user)[:RECENT_JOBS],
            importer=Importer(request.user),
        )
        return TemplateResponse(request, "admin/imports/upload.html", context, status=400 if form.errors else 200)

    def import_sample_view(self, request):
        response = FileResponse(SAMPLE.open("rb"), as_attachment=True, filename=SAMPLE.name, content_type="text/csv")
        return response

    # A job --------------------------------------------------------------------------------------------------

    def import_job_view(self, request, job_id):
        job = self.own_job(request, job_id)
        problems = job.problems.order_by("is_warning", "line", "pk")
        page = Paginator(problems, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
        context = self.import_context(
            request,
            title=_("Import of “%(name)s”") % {"name": job.original_name},
            job=job,
            progress=progress_of(job),
            problems=page,
            confirm_form=ConfirmForm(),
            upload_url=reverse("admin:measures_measure_import"),
            retention_days=settings.IMPORT_FILE_RETENTION_DAYS,
        )
        return TemplateResponse(request, "admin/imports/job.html", context)

    def import_progress_view(self, request, job_id):
        job = self.own_job(request, job_id)
        response = JsonResponse(progress_of(job))
        response["Cache-Control"] = "no-store"
        return response

    def import_problems_view(self, request, job_id):
        """Every problem of the job, as CSV, streamed."""
        job = self.own_job(request, job_id)
        writer = csv.writer(Echo())
        header = [_("line"), _("column"), _("kind"), _("message")]
        kinds = {False: _("error"), True: _("duplicate")}

        def rows():
            yield writer.writerow(header)
            for line, column, is_warning, message in (
                job.problems.order_by("is_warning", "line", "pk")
                .values_list("line", "column", "is_warning", "message")
                .iterator(chunk_size=2000)
            ):
                yield writer.writerow(["" if line is None else line, column, kinds[is_warning], neutralise(message)])

        response = StreamingHttpResponse(downloads.with_byte_order_mark(rows()), content_type="text/csv; charset=utf-8")
        stem = job.original_name.rsplit(".", 1)[0] or "import"
        return downloads.attachment(response, f"errors-{slug_for_filename(stem)}.csv")

    def import_confirm_view(self, request, job_id):
        job = self.own_job(request, job_id)
        form = ConfirmForm(request.POST)
        if job.state != JobState.READY or not form.is_valid():
            messages.error(
                request,
                _("This import cannot be confirmed now: it is “%(state)s”.") % {"state": job.get_state_display()},
            )
            return HttpResponseRedirect(job.get_absolute_url())
        tasks.start_import(job, form.cleaned_data["duplicates"])
        return HttpResponseRedirect(job.get_absolute_url())

    def import_retry_view(self, request, job_id):
        job = self.own_job(request, job_id)
        if job.state != JobState.FAILED or not job.file:
            raise Http404
        tasks.start_check(job)
        return HttpResponseRedirect(job.get_absolute_url())


def progress_of(job):
    """The job's progress, with the sentence the page shows."""
    progress = job.progress()
    progress["text"] = progress_text(progress)
    return progress


def progress_text(progress):
    done = number_format(progress["rows_done"], force_grouping=True)
    if progress["rows_total"] is None:
        return ngettext("%(done)s row read", "%(done)s rows read", progress["rows_done"]) % {"done": done}
    total = number_format(progress["rows_total"], force_grouping=True)
    return ngettext("%(done)s of %(total)s row", "%(done)s of %(total)s rows", progress["rows_total"]) % {
        "done": done,
        "total": total,
    }


def slug_for_filename(stem):
    return "".join(character if character.isalnum() or character in "-_" else "-" for character in stem)[:80]
