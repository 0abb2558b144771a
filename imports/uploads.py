"""The upload of an import file: refused past a size limit without storing it, kept through Django's storage."""

import os

from django import forms
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from imports.engine import Duplicates
from imports.models import ImportJob
from imports.reading import looks_like_xlsx


class SizeLimitedUpload(FileUploadHandler):
    """Placed first among the request's upload handlers: past IMPORT_MAX_UPLOAD_BYTES it drops the file (the
    rest of the body is read and discarded) and marks the request, so the form can say why."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.IMPORT_MAX_UPLOAD_BYTES:
            self.request.upload_too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def too_large_message():
    return _("The file is larger than %(limit)s, the most an import takes. Split it into several files.") % {
        "limit": filesizeformat(settings.IMPORT_MAX_UPLOAD_BYTES)
    }


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File of measures (CSV or XLSX)"),
        help_text=_("UTF-8 CSV (comma, semicolon or tab) or an XLSX workbook with one sheet; at most %(limit)s."),
    )

    def __init__(self, *args, too_large=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        self.fields["file"].help_text = self.fields["file"].help_text % {
            "limit": filesizeformat(settings.IMPORT_MAX_UPLOAD_BYTES)
        }
        self.fields["file"].widget.attrs["accept"] = ".csv,.txt,.tsv,.xlsx,text/csv"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."), code="empty")
        if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(too_large_message(), code="too_large")
        return upload

    def full_clean(self):
        super().full_clean()
        if self.too_large and self.is_bound:
            # The handler dropped the file: whatever "required" said, the reason is its size.
            self.errors["file"] = self.error_class([too_large_message()])
            self.cleaned_data.pop("file", None)

    def job_for(self, user, language):
        """A new job owning the uploaded file, stored under the job's own name."""
        upload = self.cleaned_data["file"]
        start = upload.read(4)
        upload.seek(0)
        job = ImportJob(
            owner=user,
            original_name=os.path.basename(upload.name)[:255] or "import",
            file_format="xlsx" if looks_like_xlsx(start) else "csv",
            file_size=upload.size,
            language=language,
        )
        job.file.save(upload.name, upload, save=False)  # named by upload_to after the job
        job.save()
        return job


class ConfirmForm(forms.Form):
    duplicates = forms.ChoiceField(
        label=_("Rows that repeat another row or a recorded measure"),
        choices=Duplicates.choices,
        initial=Duplicates.SKIP,
        widget=forms.RadioSelect,
    )
